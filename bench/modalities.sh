#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Each single modality, each pair and all of them, on the same k folds:
# the unimodal baselines for one modality, a fusion route (--fusion, concat
# by default) over each set of two or more, every run scored at its last
# epoch; prints a table of validation accuracy and macro-F1, mean ± sd over
# the folds, and each fold's accuracy. By default on the three-modality
# demo (tools/make-trimodal-demo.py, made into data/trimodal if missing).
#   bench/modalities.sh [--images DIR --csv FILE] [--modalities image,text,audio]
#                       [--fusion concat] [--folds 5] [--epochs 20] [-- more train options]
set -euo pipefail
cd "$(dirname "$0")/.."

images=data/trimodal/images
csv=data/trimodal/texts.csv
modalities=image,text,audio
fusion=concat
folds=5
epochs=20
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --modalities) modalities="$2"; shift 2 ;;
    --fusion) fusion="$2"; shift 2 ;;
    --folds) folds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: bench/modalities.sh [--images DIR --csv FILE] [--modalities a,b,c] [--fusion F] [--folds K] [--epochs N] [-- train options]" >&2; exit 2 ;;
  esac
done
if [ ! -f "$csv" ] && [ "$csv" = data/trimodal/texts.csv ]; then
  . tools/deps.sh
  FL_PACKAGES="" fl_install_deps python3
  /usr/bin/python3 tools/make-trimodal-demo.py data/trimodal >/dev/null
fi
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fusionlab-cli >/dev/null

/usr/bin/python3 - "$images" "$csv" "$modalities" "$fusion" "$folds" "$epochs" "$@" <<'PY'
import itertools, json, statistics, subprocess, sys
images, csv, modalities, fusion, folds, epochs = sys.argv[1:7]
extra = sys.argv[7:]
mods = modalities.split(",")
folds, epochs = int(folds), int(epochs)

def run(subset, fold):
    route = subset[0] if len(subset) == 1 else fusion
    cmd = ["build/cli/fusionlab-cli", "train", "--images", images, "--csv", csv,
           "--fusion", route, "--kfold", str(folds), "--fold", str(fold),
           "--epochs", str(epochs), "--json"] + extra
    if len(subset) > 1:
        cmd += ["--branches", ",".join(subset)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    last = [json.loads(l) for l in out.splitlines() if l.startswith("{")][-1]
    return last["val_acc"], last["val_f1"]

def ms(v, scale=1.0, fmt="%.1f"):
    return (fmt + " ± " + fmt) % (scale * statistics.mean(v), scale * statistics.stdev(v))

print("%s, %d folds of %d epochs; fusion: %s%s" %
      (csv, folds, epochs, fusion, (" " + " ".join(extra)) if extra else ""))
print()
print("| modalities | accuracy | macro-F1 | per fold |")
print("|---|---|---|---|")
for k in range(1, len(mods) + 1):
    for subset in itertools.combinations(mods, k):
        print("… %s" % "+".join(subset), file=sys.stderr, flush=True)
        res = [run(subset, f) for f in range(folds)]
        acc = [a for a, _ in res]
        f1 = [b for _, b in res]
        print("| %s | %s | %s | %s |" % (" + ".join(subset), ms(acc, 100), ms(f1, 1, "%.3f"),
                                          " ".join("%.1f" % (100 * a) for a in acc)), flush=True)
PY
