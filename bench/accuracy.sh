#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Validation accuracy of the engine against PyTorch on the Adwaita icon
# dataset (or any --images/--csv), for every fusion route, on the same data,
# split, initial weights, batch order and settings (10 epochs, batch 64,
# Adam 1e-3, S=64), averaged over the seeds given (each seed draws its own
# split, initial weights and order); --own gives PyTorch its own init and
# shuffling instead.
#   bench/accuracy.sh [--images DIR --csv FILE] [--epochs N] [--seeds "42 43 44"] [--own]
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps python3-torch python3-numpy

images=/usr/share/icons/Adwaita/48x48
csv=data/icons.csv
epochs=10
seeds="42 43 44"
own=()
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --own) own=(--own-init --own-order); shift ;;
    *) echo "usage: bench/accuracy.sh [--images DIR --csv FILE] [--epochs N] [--seeds \"42 43\"] [--own]" >&2; exit 2 ;;
  esac
done
[ -f "$csv" ] || python3 tools/make-icon-dataset.py --out "$csv"
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fusionlab-cli >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cli=build/cli/fusionlab-cli

for f in concat mean product image text; do
  for seed in $seeds; do
    # the same data, split, initial weights and batch order for both
    $cli train --images "$images" --csv "$csv" --fusion "$f" --epochs "$epochs" --seed "$seed" \
      --export "$out/data.safetensors" --quiet
    t0=$(date +%s.%N)
    $cli train --images "$images" --csv "$csv" --fusion "$f" --epochs "$epochs" --seed "$seed" \
      --quiet | tail -1 | awk '{print $10}' >> "$out/fl.$f"
    t1=$(date +%s.%N)
    /usr/bin/python3 bench/torch_reference.py train "$out/data.safetensors" --fusion "$f" \
      --epochs "$epochs" --seed "$seed" "${own[@]}" | tail -1 | awk '{print $10}' >> "$out/torch.$f"
    t2=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { print b - a, c - b }' >> "$out/time.$f"
    echo "$f seed $seed: $(tail -1 "$out/fl.$f") vs $(tail -1 "$out/torch.$f")" >&2
  done
done

echo "| fusion | Fusion Lab val_acc | PyTorch val_acc | difference | per seed (Fusion Lab / PyTorch) | train s, Fusion Lab / PyTorch |"
echo "|---|---:|---:|---:|---|---:|"
for f in concat mean product image text; do
  paste "$out/fl.$f" "$out/torch.$f" "$out/time.$f" | awk -v f="$f" '
    { a += $1; b += $2; ta += $3; tb += $4; n++; per = per sprintf("%s%.3f / %.3f", n > 1 ? ", " : "", $1, $2) }
    END { printf "| %s | %.4f | %.4f | %+.1f points | %s | %.0f / %.0f |\n",
                 f, a / n, b / n, 100 * (a - b) / n, per, ta / n, tb / n }'
done
