#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Camera-sized photos to S×S: the engine (all cores) against PIL on one core,
# decoding in full and with draft mode (libjpeg's DCT-domain scaling, what a
# careful Python user would do). The photos are made once, into data/photos/,
# from the GNOME wallpapers Debian ships (gnome-backgrounds, 4096² WebP
# artwork and photos): each a 4000×3000 JPEG (12 MP, quality 92) cut from a
# wallpaper, with ImageMagick.
#   bench/photos.sh [--count 40] [--image-size 64] [--runs 3]
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps gnome-backgrounds imagemagick python3-pil python3-numpy python3-torch

count=40
S=64
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --image-size) S="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/photos.sh [--count N] [--image-size S] [--runs N]" >&2; exit 2 ;;
  esac
done

dir=data/photos
mkdir -p "$dir"
# the wallpapers (WebP in GNOME 43, JPEG in older ones), not the tiny ones
mapfile -t sources < <(find /usr/share/backgrounds/gnome \( -name '*.jpg' -o -name '*.webp' \) -size +100k | sort)
[ "${#sources[@]}" -gt 0 ] || { echo "no wallpapers in /usr/share/backgrounds/gnome" >&2; exit 1; }
for k in $(seq 0 $((count - 1))); do
  out="$dir/photo-$k.jpg"
  [ -f "$out" ] && continue
  src="${sources[$((k % ${#sources[@]}))]}"
  # each a different cut: the wallpaper scaled to cover 4400×3300, cut at an offset
  convert "$src" -resize '4400x3300^' -crop "4000x3000+$((k * 37 % 400))+$((k * 23 % 300))" \
    +repage -quality 92 "$out"
done

[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fl-bench >/dev/null
list=$(mktemp)
out=$(mktemp -d)
trap 'rm -rf "$list" "$out"' EXIT
for k in $(seq 0 $((count - 1))); do echo "$PWD/$dir/photo-$k.jpg"; done > "$list"

for i in $(seq "$runs"); do
  echo "run $i/$runs …" >&2
  build/bench/fl-bench --decode "$list" --image-size "$S" > "$out/fl.$i"
  /usr/bin/python3 bench/torch_reference.py bench --threads 1 --decode "$list" --image-size "$S" > "$out/pil.$i"
  /usr/bin/python3 bench/torch_reference.py bench --threads 1 --decode "$list" --image-size "$S" --draft > "$out/draft.$i"
done

/usr/bin/python3 - "$out" "$runs" "$count" "$S" <<'PY'
import statistics, subprocess, sys
out, runs, count, S = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def med(prefix):
    v = [float(open("%s/%s.%d" % (out, prefix, i)).read().split("=")[1]) for i in range(1, runs + 1)]
    return statistics.median(v)
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
fl, pil, draft = med("fl"), med("pil"), med("draft")
print("machine: %s, %s cores; %s JPEGs of 4000×3000 to %s×%s; medians of %d runs" %
      (cpu, subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(), count, S, S, runs))
print()
print("| decoder | images/s | engine is |")
print("|---|---:|---:|")
print("| Fusion Lab, all cores | %.1f | |" % fl)
print("| PIL, one core, full decode | %.1f | %.2f× |" % (pil, fl / pil))
print("| PIL, one core, draft mode | %.1f | %.2f× |" % (draft, fl / draft))
PY
