#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the picture pipeline's options (issue 18) do to accuracy on real
# data: for each dataset and route, validation accuracy and macro-F1 as
# mean ± sd (n − 1) over 5 stratified folds, each fold scored at its final
# epoch — the folds of `fusionlab-cli compare --folds 5` (its runs are
# `train --kfold 5 --fold k` with the same seed), for the routes asked
# alone rather than all eight; then each variant against the first of its
# route, fold by fold: the mean ± sd of the paired differences and in how
# many folds it was ahead.
#
#   bench/pipeline.sh [--data "icons emoji clipart"] [--routes "image lowrank"]
#                     [--variants "squash squash+augment crop crop+augment"]
#                     [--folds 5] [--epochs 10]
#
# A variant is a fit (squash, crop, pad) and "+augment". The text-only
# route reads no picture, so neither fit nor augmentation can change it:
# it is run once, as the reference. A fit other than squash is skipped on a
# dataset whose pictures are all square, where every fit gives the same
# bytes (tests/test-image.c checks it), so the rows would only repeat
# squash's; the script says so. Another pipeline option (the GRU text
# encoder, issue 18) is another variant: a case in variant_opts below.
set -euo pipefail
cd "$(dirname "$0")/.."

datasets="icons emoji"
routes="image lowrank"
variants="squash squash+augment crop crop+augment"
folds=5
epochs=10
while [ $# -gt 0 ]; do
  case "$1" in
    --data) datasets="$2"; shift 2 ;;
    --routes) routes="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --folds) folds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "usage: bench/pipeline.sh [--data \"icons emoji\"] [--routes \"image lowrank\"] [--variants \"squash squash+augment\"] [--folds 5] [--epochs 10]" >&2; exit 2 ;;
  esac
done

# the CLI options of a variant: "crop+augment" → --fit crop --augment
variant_opts () {
  local v="$1" fit="${1%%+*}"
  printf -- "--fit %s" "$fit"
  case "$v" in *+augment*) printf -- " --augment" ;; esac
}

data_args () {
  case "$1" in
    icons)
      [ -f data/icons.csv ] || python3 tools/make-icon-dataset.py --out data/icons.csv
      echo "--images /usr/share/icons/Adwaita/48x48 --csv data/icons.csv" ;;
    emoji)
      [ -f data/emoji/emoji.csv ] || bash tools/make-emoji-dataset.sh
      echo "--images data/emoji --csv data/emoji/emoji.csv" ;;
    clipart)
      # drawings that are not square (tools/make-clipart-dataset.py), where
      # the fits differ
      [ -f data/clipart.csv ] || /usr/bin/python3 tools/make-clipart-dataset.py --out data/clipart.csv
      echo "--images /usr/share/openclipart/png --csv data/clipart.csv" ;;
    *) echo "unknown dataset $1 (icons, emoji, clipart)" >&2; exit 2 ;;
  esac
}

# Whether every PNG the CSV names is square (its IHDR), 0 if so.
all_square () {
  python3 - "$@" <<'PY'
import csv, os, struct, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
root, path = args["--images"], args["--csv"]
for row in csv.DictReader(open(path)):
    with open(os.path.join(root, row["image"]), "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(1)
    w, h = struct.unpack(">II", head[16:24])
    if w != h:
        sys.exit(1)
PY
}

[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fusionlab-cli >/dev/null
cli=build/cli/fusionlab-cli
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# one fold: "acc f1" of its final epoch
fold () {
  "$cli" train $1 --fusion "$2" $3 --kfold "$folds" --fold "$4" --epochs "$epochs" --quiet |
    awk '/^epoch /{for (i = 1; i <= NF; i++) { if ($i == "val_acc") a = $(i+1); if ($i == "val_f1") f = $(i+1) }} END {print a, f}'
}

for d in $datasets; do
  args=$(data_args "$d")
  square=0
  if all_square $args; then square=1; fi
  for r in text $routes; do
    for v in $variants; do
      if [ "$r" = text ] && [ "$v" != squash ]; then continue; fi
      if [ "$square" = 1 ] && [ "${v%%+*}" != squash ]; then
        echo "# $d: every picture is square, so --fit ${v%%+*} gives squash's bytes: $r $v skipped" >&2
        continue
      fi
      echo "# $d $r $v: $cli train $args --fusion $r $(variant_opts "$v") --kfold $folds --fold K --epochs $epochs" >&2
      for k in $(seq 0 $((folds - 1))); do
        echo "$d $r $v $(fold "$args" "$r" "$(variant_opts "$v")" "$k")" >> "$out/folds"
      done
    done
  done
done

python3 - "$out/folds" <<'PY'
import collections, statistics, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    d, r, v, acc, f1 = line.split()
    rows.setdefault((d, r, v), []).append((float(acc), float(f1)))
print("| data | route | fit | augment | accuracy (%) | macro-F1 |")
print("|---|---|---|---|---|---|")
for (d, r, v), xs in rows.items():
    acc = [100 * a for a, _ in xs]
    f1 = [f for _, f in xs]
    fit = "—" if r == "text" else v.split("+")[0]
    aug = "—" if r == "text" else ("yes" if "+augment" in v else "no")
    print("| %s | %s | %s | %s | %.1f ± %.1f | %.3f ± %.3f |" % (
        d, r, fit, aug, statistics.mean(acc), statistics.stdev(acc),
        statistics.mean(f1), statistics.stdev(f1)))
# the same folds for every variant: each against the first of its route,
# fold by fold (a paired difference, far tighter than the two spreads)
print()
print("| data | route | variant − %s | accuracy difference (points) | folds better |" % "first")
print("|---|---|---|---|---|")
for (d, r, v), xs in rows.items():
    first = next(k for k in rows if k[0] == d and k[1] == r)
    if first[2] == v:
        continue
    diff = [100 * (a - b[0]) for (a, _), b in zip(xs, rows[first])]
    print("| %s | %s | %s − %s | %+.1f ± %.1f | %d of %d |" % (
        d, r, v, first[2], statistics.mean(diff), statistics.stdev(diff),
        sum(x > 0 for x in diff), len(diff)))
PY
