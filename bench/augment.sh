#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What augmentation (--augment, issue 18: at most 15% per epoch) costs a
# training epoch, on real data (the Adwaita icons by default): runs with and
# without it, paired and interleaved — each round trains both, in turn
# first — so that the machine's other work falls on both alike. Each run's
# figure is its median epoch's training throughput (samples/s, evaluation
# excluded: augmentation never touches it); a round's ratio is off/on, the
# epoch's time with augmentation over without; the median of the rounds'
# ratios is printed. The image-only route is the worst case: augmentation's
# cost is the same for every route with pictures, and that route has the
# least other work per sample.
#   bench/augment.sh [--images DIR --csv FILE] [--rounds 5] [--epochs 3] [--fusion image] [--threads 2]
set -euo pipefail
cd "$(dirname "$0")/.."

images=/usr/share/icons/Adwaita/48x48
csv=data/icons.csv
rounds=5
epochs=3
fusion=image
threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --fusion) fusion="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "usage: bench/augment.sh [--images DIR --csv FILE] [--rounds N] [--epochs N] [--fusion F] [--threads N]" >&2; exit 2 ;;
  esac
done
[ -f "$csv" ] || python3 tools/make-icon-dataset.py --out "$csv"
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fusionlab-cli >/dev/null
cli=build/cli/fusionlab-cli

# the median epoch's samples/s of one run
run () {
  "$cli" train --images "$images" --csv "$csv" --fusion "$fusion" --epochs "$epochs" \
      --threads "$threads" --quiet "$@" |
    python3 -c 'import statistics, sys
v = [float(l.split("samples_per_s")[1]) for l in sys.stdin if l.startswith("epoch ")]
print(statistics.median(v))'
}

ratios=()
for i in $(seq "$rounds"); do
  if [ $((i % 2)) = 1 ]; then
    off=$(run); on=$(run --augment)
  else
    on=$(run --augment); off=$(run)
  fi
  ratio=$(python3 -c "print($off / $on)")
  echo "round $i/$rounds: without $off samples/s, with $on samples/s, epoch time × $ratio" >&2
  ratios+=("$ratio")
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
r = sorted(float(x) for x in sys.argv[1:])
print("augmentation: epoch time × %.3f (median of %d paired rounds; range %.3f–%.3f)"
      % (statistics.median(r), len(r), r[0], r[-1]))
PY
