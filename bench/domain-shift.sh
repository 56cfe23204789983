#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Testing on another domain (issue 18): the same seven classes in two
# artwork styles (tools/make-domain-shift.py) — train on the Adwaita icons,
# whose held-out 20% give the in-domain validation accuracy, then test the
# saved model on every Tango icon with fusionlab-cli evaluate. For the
# image-only, text-only and concat routes, over SEEDS seeds (a seed picks
# the split and the initial weights): mean ± sd of each.
#
#   bench/domain-shift.sh [--epochs 10] [--seeds 3]
#
# BUILD=DIR picks the build folder (default build).
set -euo pipefail
cd "$(dirname "$0")/.."

epochs=10
seeds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    *) sed -n '10p' "$0" >&2; exit 2 ;;
  esac
done

build=${BUILD:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" fusionlab-cli >/dev/null
python3 tools/make-domain-shift.py --out-dir data/shift >/dev/null
cli="$build/cli/fusionlab-cli"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "train on the Adwaita icons (data/shift/adwaita.csv), test on the Tango icons (data/shift/tango.csv):"
echo "$epochs epochs, seeds 1..$seeds, S=64"
for fusion in image text concat; do
  for seed in $(seq 1 "$seeds"); do
    val=$(FUSIONLAB_IMAGE_CACHE=0 "$cli" train --images /usr/share/icons/Adwaita/48x48 --csv data/shift/adwaita.csv \
            --fusion "$fusion" --epochs "$epochs" --seed "$seed" --save "$tmp/m.model" --quiet |
          tail -1 | sed -n 's/.* val_acc \([0-9.]*\) .*/\1/p')
    test=$(FUSIONLAB_IMAGE_CACHE=0 "$cli" evaluate --model "$tmp/m.model" --images /usr/share/icons/Tango/32x32 \
             --csv data/shift/tango.csv --quiet | sed -n 's/.* accuracy \([0-9.]*\) .*/\1/p')
    echo "$fusion $val $test"
  done
done | python3 -c '
import statistics, sys
rows = {}
for line in sys.stdin:
    f, v, t = line.split()
    rows.setdefault(f, []).append((float(v), float(t)))
def ms(x):
    return "%.1f%% ± %.1f" % (100 * statistics.mean(x), 100 * (statistics.stdev(x) if len(x) > 1 else 0))
print("%-8s %-22s %-22s" % ("route", "Adwaita (validation)", "Tango (other style)"))
for f, r in rows.items():
    print("%-8s %-22s %-22s" % (f, ms([v for v, _ in r]), ms([t for _, t in r])))
'
