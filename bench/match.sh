#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Matching (issue 15) in the engine against the PyTorch reference
# (bench/torch_match.py): the same model, split (the held-out pairs of
# `fusionlab-cli match --seed S`, exported by `train --export`), vocabulary,
# normalised images, batch 64, Adam 1e-3 and epochs; each side its own
# initial weights and shuffle from the seed (--same-start: PyTorch starts
# from the engine's weights and follows its order, and its epoch lines then
# repeat the engine's until float rounding parts them). Prints the last epoch's
# R@1/5/10 and median rank both ways, mean ± sd over the seeds, as a table.
#   bench/match.sh [--sets "emoji icons"] [--losses "infonce mapping"]
#                  [--seeds "1 2 3"] [--epochs 15] [--data DIR] [--out DIR]
#                  [--build DIR] [--same-start]
# Losses: infonce, hinge, mapping (cosine), mapping-mse. Sets: emoji
# (DIR/emoji, tools/make-emoji-dataset.sh) and icons (DIR/icons.csv,
# tools/make-icon-dataset.py). --out keeps every run's lines there (a run
# whose file is already complete is not run again); --build is the meson
# build folder (build).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps python3-torch python3-numpy

sets="emoji icons"
losses="infonce mapping"
seeds="1 2 3"
epochs=15
data=data
out=
build=build
same=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) sets="$2"; shift 2 ;;
    --losses) losses="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --same-start) same=(--engine-init --engine-order); shift ;;
    *) sed -n '11,13p' "$0" >&2; exit 2 ;;
  esac
done
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" fusionlab-cli >/dev/null
cli="$build/cli/fusionlab-cli"

images_of() {
  case "$1" in
    emoji) echo "$data/emoji" ;;
    icons) echo /usr/share/icons/Adwaita/48x48 ;;
  esac
}
csv_of() {
  case "$1" in
    emoji) echo "$data/emoji/emoji.csv" ;;
    icons) echo "$data/icons.csv" ;;
  esac
}
# "mapping-mse" → --loss mapping --map-loss mse
loss_args() {
  case "$1" in
    mapping-mse) echo "--loss mapping --map-loss mse" ;;
    *) echo "--loss $1" ;;
  esac
}
done_ok() { [ -f "$1" ] && grep -q "^epoch $epochs/$epochs " "$1"; }

for set in $sets; do
  images=$(images_of "$set") csv=$(csv_of "$set")
  for seed in $seeds; do
    split="$out/$set-$seed.safetensors"
    for loss in $losses; do
      f="$out/fl-$set-$loss-$seed"
      echo "$set seed $seed $loss: engine …" >&2
      # shellcheck disable=SC2046
      done_ok "$f" || $cli match --images "$images" --csv "$csv" --epochs "$epochs" --seed "$seed" \
        $(loss_args "$loss") -q > "$f"
      f="$out/torch-$set-$loss-$seed"
      echo "$set seed $seed $loss: PyTorch …" >&2
      if ! done_ok "$f"; then
        # the run the engine's match makes: its split, vocabulary and images
        [ -f "$split" ] || $cli train --images "$images" --csv "$csv" --fusion concat \
          --epochs "$epochs" --seed "$seed" --export "$split" -q
        # shellcheck disable=SC2046
        /usr/bin/python3 bench/torch_match.py "$split" --epochs "$epochs" --seed "$seed" \
          $(loss_args "$loss") "${same[@]}" > "$f"
      fi
    done
    rm -f "$split"
  done
done

/usr/bin/python3 - "$out" "$epochs" "$sets" "$losses" "$seeds" <<'PY'
import statistics, sys
out, epochs, sets, losses, seeds = sys.argv[1], sys.argv[2], *[a.split() for a in sys.argv[3:]]
keys = ["i2t_r1", "i2t_r5", "i2t_r10", "i2t_medr", "t2i_r1", "t2i_r5", "t2i_r10", "t2i_medr"]

def last(path):
    chance, row = None, None
    for line in open(path):
        w = line.split()
        if line.startswith("# chance"):
            chance = dict(zip(w[2::2], map(float, w[3::2])))
        elif line.startswith("epoch %s/%s " % (epochs, epochs)):
            row = dict(zip(w[2::2], map(float, w[3::2])))
    return chance, row

def cell(vals, medr):
    m = statistics.mean(vals)
    sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
    return ("%.1f ± %.1f" if medr else "%.3f ± %.3f") % (m, sd)

print("mean ± sd over seeds %s, last of %s epochs; R@k on the held-out pairs" % (" ".join(seeds), epochs))
print()
print("| data | loss | side | " + " | ".join(k.replace("_", " ") for k in keys) + " |")
print("|---|---|---|" + "---:|" * len(keys))
for s in sets:
    chance = None
    for loss in losses:
        for side, name in (("fl", "Fusion Lab"), ("torch", "PyTorch")):
            runs = [last("%s/%s-%s-%s-%s" % (out, side, s, loss, seed)) for seed in seeds]
            chance = runs[0][0]
            rows = [r for _, r in runs]
            print("| %s | %s | %s | " % (s, loss, name)
                  + " | ".join(cell([r[k] for r in rows], k.endswith("medr")) for k in keys) + " |")
    c = [chance["r1"], chance["r5"], chance["r10"], chance["medr"]]
    print("| %s | chance (n_val %d) | | " % (s, chance["n_val"])
          + " | ".join("%.1f" % v if i % 4 == 3 else "%.3f" % v for i, v in enumerate(c + c)) + " |")
PY
