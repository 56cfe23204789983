#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The text encoder (issue 18): the bag of words against the GRU on real
# data, in accuracy and in cost.
#
#   bench/text-encoder.sh [--data "icons emoji"] [--routes "text lowrank"]
#                         [--encoders "bow gru gru-mean"] [--folds 5] [--epochs 10]
#                         [--pairs 5] [--only accuracy|cost] [--sorted]
#
# accuracy: for each dataset, route and encoder (bow, gru: its last state,
# gru-mean: the mean of its states, --text-pool mean), validation accuracy and
# macro-F1 as mean ± sd (n − 1) over 5 stratified folds, each fold scored at
# its final epoch — the folds of `fusionlab-cli compare --folds 5` (its runs
# are `train --kfold 5 --fold k` with the same seed), for the routes asked
# alone. The same folds and seed for both encoders. With --sorted, the text
# route also trains on a copy of the CSV whose texts have their words in
# alphabetical order ("<data>-sorted"): what the GRU gains from word order
# is what it loses there (a bag of words gives the same bits).
# cost: the training throughput of one epoch of the text route and of the
# fusion route, bow and gru alternated (pairs × 2 runs, bow first in even
# pairs, gru first in odd ones), since the machine is shared and its speed
# drifts: the median of each, and the median of the pairs' ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

datasets="icons emoji"
routes="text lowrank"
encoders="bow gru gru-mean"
folds=5
epochs=10
pairs=5
only=""
sorted=0
while [ $# -gt 0 ]; do
  case "$1" in
    --data) datasets="$2"; shift 2 ;;
    --routes) routes="$2"; shift 2 ;;
    --encoders) encoders="$2"; shift 2 ;;
    --folds) folds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --sorted) sorted=1; shift ;;
    *) echo "usage: bench/text-encoder.sh [--data \"icons emoji\"] [--routes \"text lowrank\"] [--encoders \"bow gru gru-mean\"] [--folds 5] [--epochs 10] [--pairs 5] [--only accuracy|cost] [--sorted]" >&2; exit 2 ;;
  esac
done

data_args () {
  case "$1" in
    icons)
      [ -f data/icons.csv ] || python3 tools/make-icon-dataset.py --out data/icons.csv
      echo "--images /usr/share/icons/Adwaita/48x48 --csv data/icons.csv" ;;
    emoji)
      [ -f data/emoji/emoji.csv ] || bash tools/make-emoji-dataset.sh
      echo "--images data/emoji --csv data/emoji/emoji.csv" ;;
    *) echo "unknown dataset $1 (icons, emoji)" >&2; exit 2 ;;
  esac
}

# FUSIONLAB_CLI: a fusionlab-cli already built (else build/'s, built here)
cli=${FUSIONLAB_CLI:-build/cli/fusionlab-cli}
if [ -z "${FUSIONLAB_CLI:-}" ]; then
  [ -f build/build.ninja ] || meson setup build >/dev/null
  meson compile -C build fusionlab-cli >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# the options of an encoder of --encoders
encoder_args () {
  case "$1" in
    bow|gru) echo "--text-encoder $1" ;;
    gru-mean) echo "--text-encoder gru --text-pool mean" ;;
    *) echo "unknown encoder $1 (bow, gru, gru-mean)" >&2; exit 2 ;;
  esac
}

# the final epoch's "name value" pairs of a run, as "acc f1 samples_per_s"
final () {
  awk '/^epoch /{for (i = 1; i <= NF; i++) { if ($i == "val_acc") a = $(i+1); if ($i == "val_f1") f = $(i+1); if ($i == "samples_per_s") s = $(i+1) }} END {print a, f, s}'
}

# the CSV of data args with each text's words sorted, into $out; its args
sorted_args () {
  python3 - "$out/$1-sorted.csv" $2 <<'PY'
import csv, re, sys
args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
rows = list(csv.DictReader(open(args["--csv"], newline="")))
with open(sys.argv[1], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    for r in rows:
        r["text"] = " ".join(sorted(re.findall(r"\w+", r["text"].lower())))
        w.writerow(r)
print("--images", args["--images"], "--csv", sys.argv[1])
PY
}

if [ "$only" != cost ]; then
  for d in $datasets; do
    args=$(data_args "$d")
    if [ "$sorted" = 1 ]; then
      for e in $encoders; do
        echo "# $d-sorted text $e: the same, on $out/$d-sorted.csv" >&2
        sargs=$(sorted_args "$d" "$args")
        eargs=$(encoder_args "$e")
        for k in $(seq 0 $((folds - 1))); do
          echo "$d-sorted text $e $("$cli" train $sargs --fusion text $eargs --kfold "$folds" \
                                   --fold "$k" --epochs "$epochs" --quiet | final)" >> "$out/folds"
        done
      done
    fi
    for r in $routes; do
      for e in $encoders; do
        eargs=$(encoder_args "$e")
        echo "# $d $r $e: $cli train $args --fusion $r $eargs --kfold $folds --fold K --epochs $epochs" >&2
        for k in $(seq 0 $((folds - 1))); do
          echo "$d $r $e $("$cli" train $args --fusion "$r" $eargs --kfold "$folds" --fold "$k" \
                          --epochs "$epochs" --quiet | final)" >> "$out/folds"
        done
      done
    done
  done
  python3 - "$out/folds" <<'PY'
import collections, statistics, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    d, r, e, acc, f1, _ = line.split()
    rows.setdefault((d, r, e), []).append((float(acc), float(f1)))
print("| data | route | text encoder | accuracy (%) | macro-F1 |")
print("|---|---|---|---|---|")
for (d, r, e), xs in rows.items():
    acc = [100 * a for a, _ in xs]
    f1 = [f for _, f in xs]
    print("| %s | %s | %s | %.1f ± %.1f | %.3f ± %.3f |" % (
        d, r, e, statistics.mean(acc), statistics.stdev(acc), statistics.mean(f1), statistics.stdev(f1)))
PY
fi

if [ "$only" != accuracy ]; then
  for d in $datasets; do
    args=$(data_args "$d")
    for r in $routes; do
      echo "# cost, $d $r: $cli train $args --fusion $r --text-encoder E --epochs 1, E alternated, $pairs pairs" >&2
      for p in $(seq 1 "$pairs"); do
        order="bow gru"
        [ $((p % 2)) = 0 ] || order="gru bow"
        for e in $order; do
          echo "$d $r $p $e $("$cli" train $args --fusion "$r" --text-encoder "$e" --epochs 1 --quiet | final)" >> "$out/cost"
        done
      done
    done
  done
  python3 - "$out/cost" <<'PY'
import collections, statistics, sys
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    d, r, p, e, _, _, sps = line.split()
    runs.setdefault((d, r), {}).setdefault(p, {})[e] = float(sps)
print("| data | route | bow (samples/s) | gru (samples/s) | gru / bow, time per epoch |")
print("|---|---|---|---|---|")
for (d, r), ps in runs.items():
    bow = [x["bow"] for x in ps.values()]
    gru = [x["gru"] for x in ps.values()]
    ratio = [x["bow"] / x["gru"] for x in ps.values()]
    print("| %s | %s | %.0f | %.0f | %.2f× (median of %d pairs) |" % (
        d, r, statistics.median(bow), statistics.median(gru), statistics.median(ratio), len(ps)))
PY
fi
