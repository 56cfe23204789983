#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Validation accuracy of the engine against PyTorch on the Adwaita icon
# dataset (or any --images/--csv), for every fusion route, on the same data,
# split, initial weights, batch order and settings (10 epochs, batch 64,
# Adam 1e-3, S=64, seed 42); PyTorch's own init and shuffling with --own:
#   bench/accuracy.sh [--images DIR --csv FILE] [--epochs N] [--own]
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps python3-torch python3-numpy

images=/usr/share/icons/Adwaita/48x48
csv=data/icons.csv
epochs=10
own=()
while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --own) own=(--own-init --own-order); shift ;;
    *) echo "usage: bench/accuracy.sh [--images DIR --csv FILE] [--epochs N] [--own]" >&2; exit 2 ;;
  esac
done
[ -f "$csv" ] || python3 tools/make-icon-dataset.py --out "$csv"
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fusionlab-cli >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cli=build/cli/fusionlab-cli

echo "| fusion | Fusion Lab val_acc | PyTorch val_acc | difference | Fusion Lab train s | PyTorch train s |"
echo "|---|---:|---:|---:|---:|---:|"
for f in concat mean product image text; do
  # the same data, split, initial weights and batch order for both
  $cli train --images "$images" --csv "$csv" --fusion "$f" --epochs "$epochs" \
    --export "$out/data.safetensors" --quiet
  t0=$(date +%s.%N)
  $cli train --images "$images" --csv "$csv" --fusion "$f" --epochs "$epochs" --quiet > "$out/fl.$f"
  t1=$(date +%s.%N)
  /usr/bin/python3 bench/torch_reference.py train "$out/data.safetensors" --fusion "$f" --epochs "$epochs" "${own[@]}" > "$out/torch.$f"
  t2=$(date +%s.%N)
  a=$(tail -1 "$out/fl.$f" | awk '{print $10}')
  b=$(tail -1 "$out/torch.$f" | awk '{print $10}')
  awk -v f="$f" -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
    'BEGIN { printf "| %s | %.4f | %.4f | %+.1f points | %.1f | %.1f |\n", f, a, b, 100 * (a - b), t1 - t0, t2 - t1 }'
done
