#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the picture fit and augmentation do to matching (fusionlab-cli match
# --fit, --augment): each variant trained with each seed, and the last
# epoch's held-out retrieval, R@1 and R@5 both ways, printed as mean ± sd
# over the seeds, with the paired difference of each variant from the first
# (same seed: the same split and initial weights, so a difference is the
# variant's, and the seeds' spread of it says how sure it is).
#   bench/match-fit.sh [--images DIR --csv FILE] [--variants "squash pad squash+augment pad+augment"]
#                      [--seeds "1 2 3"] [--epochs 15] [--threads 2] [--build DIR]
# A variant is a fit (squash, crop or pad), "+augment" to augment. The
# defaults are the clipart drawings (tools/make-clipart-dataset.py: most
# are far from square); on square pictures (the emoji, the icons) the fits
# give the same bits and only augmentation is worth comparing.
set -euo pipefail
cd "$(dirname "$0")/.."

images=/usr/share/openclipart/png
csv=data/clipart.csv
variants="squash pad squash+augment pad+augment"
seeds="1 2 3"
epochs=15
threads=2
build=build
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    *) sed -n '9,10p' "$0" >&2; exit 2 ;;
  esac
done
[ -f "$csv" ] || python3 tools/make-clipart-dataset.py
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" fusionlab-cli >/dev/null
cli="$build/cli/fusionlab-cli"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for seed in $seeds; do
  for v in $variants; do
    args=(--fit "${v%%+*}")
    [ "$v" = "${v%+augment}" ] || args+=(--augment)
    echo "$cli match --images $images --csv $csv --epochs $epochs --seed $seed --threads $threads ${args[*]} --json --quiet" >&2
    "$cli" match --images "$images" --csv "$csv" --epochs "$epochs" --seed "$seed" --threads "$threads" \
        "${args[@]}" --json --quiet | tail -n 1 | sed "s/^/$v $seed /" >> "$out"
  done
done
python3 - "$out" $variants <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    v, seed, js = line.split(" ", 2)
    rows.setdefault(v, {})[seed] = json.loads(js)
variants = sys.argv[2:]
keys = ["i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5"]
def ms(xs):
    return f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs) if len(xs) > 1 else 0:.3f}"
first = rows[variants[0]]
n_val = next(iter(first.values()))["n_val"]
print(f"held-out pairs {n_val}, chance R@1 {1 / n_val:.4f}, R@5 {5 / n_val:.4f}; mean ± sd over seeds "
      + " ".join(sorted(first)))
print("variant".ljust(26) + "".join(k.ljust(17) for k in keys))
for v in variants:
    print(v.ljust(26) + "".join(ms([rows[v][s][k] for s in sorted(rows[v])]).ljust(17) for k in keys))
for v in variants[1:]:
    d = {k: [rows[v][s][k] - first[s][k] for s in sorted(first)] for k in keys}
    print(f"{v} − {variants[0]}".ljust(26) + "".join(ms(d[k]).ljust(17) for k in keys))
PY
