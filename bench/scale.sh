#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Scale (issue 16: 100,000 samples at S = 64 train without swapping, in at
# most the uint8 images + 300 MB). Makes a folder of COUNT real images
# (tools/make-icon-copies.py: the Adwaita icons, then copies; in
# data/scale/, once), trains the reference model (concat) on it with
# fusionlab-cli for one epoch on all cores, and prints the peak resident
# memory (GNU time's maximum RSS) against the decoded images' own size
# (COUNT × 3 × S × S bytes) and the 300 MB the issue allows on top. Then
# opens the same folder in the app under Xvfb (1400×900) and scrolls the
# Data page's grid of every sample (fusionlab --scroll-report: a steady
# scroll for 10 s, then jumps across the whole list), printing the main
# loop's longest gap, the frames drawn a second and the app's peak RSS.
#
#   bench/scale.sh [--count 100000] [--image-size 64] [--epochs 1]
#
# BUILD=DIR picks the build folder (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps adwaita-icon-theme time xvfb xauth

count=100000
S=64
epochs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --image-size) S="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) sed -n '15p' "$0" >&2; exit 2 ;;
  esac
done

build="${BUILD:-build}"
dir=data/scale
images="$dir/images"
csv="$dir/images.csv"
/usr/bin/python3 tools/make-icon-copies.py "$images" "$csv" "$count"   # once
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" fusionlab-cli fusionlab >/dev/null

log=$(mktemp)
shot=$(mktemp --suffix .png)
trap 'rm -f "$log" "$shot"' EXIT
start=$(date +%s.%N)
FUSIONLAB_IMAGE_CACHE=0 /usr/bin/time -v "$build/cli/fusionlab-cli" train --images "$images" --csv "$csv" \
  --image-size "$S" --epochs "$epochs" --quiet 2> "$log" | tail -1
end=$(date +%s.%N)
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
/usr/bin/python3 - "$count" "$S" "$rss_kb" "$start" "$end" <<'PY'
import sys
count, S, rss_kb, start, end = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
images = count * 3 * S * S
rss = rss_kb * 1024
print("%d samples at S = %d: peak RSS %.0f MB; the uint8 images %.0f MB; the rest %.0f MB "
      "(target ≤ 300 MB: %s); %.0f s in all"
      % (count, S, rss / 1e6, images / 1e6, (rss - images) / 1e6,
         "met" if rss - images <= 300e6 else "NOT met", end - start))
PY

FUSIONLAB_IMAGE_CACHE=0 xvfb-run -a -s '-screen 0 1400x900x24' /usr/bin/time -v "$build/app/fusionlab" \
  --images "$images" --csv "$csv" --image-size "$S" --window-size 1400x900 --screenshot "$shot" \
  --scroll-report 2> "$log" | sed -n 's/^main loop while /the Data page, /p'
echo "the app with $count samples on its Data page: peak RSS $(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log") / 1000)) MB"
