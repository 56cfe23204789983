#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What each fusion route costs per epoch against concat, on real data (the
# Adwaita icons by default): every route trains --epochs epochs (the median
# epoch is its figure), the routes interleaved round by round so that the
# machine's other work falls on all of them alike, and the medians over the
# --runs rounds are printed as a table.
#   bench/routes.sh [--images DIR --csv FILE] [--runs 3] [--epochs 3]
set -euo pipefail
cd "$(dirname "$0")/.."

images=/usr/share/icons/Adwaita/48x48
csv=data/icons.csv
runs=3
epochs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "usage: bench/routes.sh [--images DIR --csv FILE] [--runs N] [--epochs N]" >&2; exit 2 ;;
  esac
done
if [ ! -f "$csv" ]; then
  . tools/deps.sh
  fl_install_deps adwaita-icon-theme
  python3 tools/make-icon-dataset.py --out "$csv"
fi
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fl-bench >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
routes="concat mean product gated late lowrank image text"
for i in $(seq "$runs"); do
  echo "round $i/$runs …" >&2
  for f in $routes; do
    build/bench/fl-bench --images "$images" --csv "$csv" --fusion "$f" --epochs "$epochs" > "$out/$f.$i"
  done
done

python3 - "$out" "$runs" "$routes" "$csv" <<'PY'
import statistics, subprocess, sys
out, runs, routes, csv = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4]
def fig(route, key):
    vals = []
    for i in range(1, runs + 1):
        d = dict(l.strip().split("=", 1) for l in open("%s/%s.%d" % (out, route, i)))
        vals.append(float(d[key]))
    return statistics.median(vals), (max(vals) - min(vals)) / 2
first = dict(l.strip().split("=", 1) for l in open("%s/concat.1" % out))
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
print("machine: %s, %s threads; %s: %s training samples, S = 64, batch 64; "
      "medians of %d rounds of %s epochs" % (cpu, first["threads"], csv, first["train_samples"],
                                             runs, first["epochs"]))
print()
print("| route | parameters | training samples/s | s per epoch | time vs concat |")
print("|---|---:|---:|---:|---:|")
base = fig("concat", "train_epoch_seconds")[0]
for r in routes:
    d = dict(l.strip().split("=", 1) for l in open("%s/%s.1" % (out, r)))
    rate, spread = fig(r, "train_samples_per_s")
    secs = fig(r, "train_epoch_seconds")[0]
    print("| %s | %s | %.1f ± %.1f | %.3f | %+.1f%% |" %
          (r, "{:,}".format(int(d["params"])), rate, spread, secs, 100 * (secs / base - 1)))
PY
