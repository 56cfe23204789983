#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reopening an image folder (issue 16: < 2 s for 20,000 images): a load of
# a folder of real images at S = 64 without the cache, the first load with
# it (decoding every image and writing the cache file), then the same load
# again, which reads them from the decoded-image cache
# (engine/fl-image-cache.h), each timed by fl-bench --load-only (the whole
# of fl_dataset_load(): the folder scanned, the CSV read, the paths
# resolved, the images loaded, on all cores).
#
# The folder is made once, in data/reopen/: the PNGs of the Adwaita icon
# theme (adwaita-icon-theme, every size from 8×8 to 512×512), then copies
# of them under other names until there are --count files, their times set
# an hour back (the cache keeps no file modified in the last 2 s); its CSV
# has image, text (the icon's name) and label (its context: apps, status, …).
# The cache is written to a scratch XDG_CACHE_HOME, emptied before each run,
# so the first load finds no cache and the user's cache is not touched.
# Both loads read files the page cache already holds (the folder was just
# made, the cache file just written): this measures decoding against
# reading back, not the disk.
#
#   bench/reopen.sh [--count 20000] [--image-size 64] [--runs 1]
#
# BUILD=DIR picks the build folder (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps adwaita-icon-theme

count=20000
S=64
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --image-size) S="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/reopen.sh [--count N] [--image-size S] [--runs N]" >&2; exit 2 ;;
  esac
done

build="${BUILD:-build}"
dir=data/reopen
images="$dir/images"
csv="$dir/images.csv"

# the folder: <context>/<size>-<name>[-copyK].png, made once per count
/usr/bin/python3 tools/make-icon-copies.py "$images" "$csv" "$count"

[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" fl-bench >/dev/null
cache=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$cache" "$out"' EXIT

for i in $(seq "$runs"); do
  echo "run $i/$runs …" >&2
  rm -rf "${cache:?}"/*
  FUSIONLAB_IMAGE_CACHE=0 \
    "$build/bench/fl-bench" --load-only --images "$images" --csv "$csv" --image-size "$S" > "$out/off.$i"
  XDG_CACHE_HOME="$cache" FUSIONLAB_IMAGE_CACHE=1 \
    "$build/bench/fl-bench" --load-only --images "$images" --csv "$csv" --image-size "$S" > "$out/first.$i"
  XDG_CACHE_HOME="$cache" FUSIONLAB_IMAGE_CACHE=1 \
    "$build/bench/fl-bench" --load-only --images "$images" --csv "$csv" --image-size "$S" > "$out/again.$i"
done
cache_bytes=$(du -cb "$cache"/fusionlab/images/*.flic | tail -1 | cut -f1)

/usr/bin/python3 - "$out" "$runs" "$count" "$S" "$cache_bytes" <<'PY'
import statistics, subprocess, sys
out, runs, count, S, cache_bytes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
def read(name):
    return dict(line.strip().split("=", 1) for line in open("%s/%s" % (out, name)))
off = [read("off.%d" % i) for i in range(1, runs + 1)]
first = [read("first.%d" % i) for i in range(1, runs + 1)]
again = [read("again.%d" % i) for i in range(1, runs + 1)]
t0 = statistics.median(float(r["load_seconds"]) for r in off)
t1 = statistics.median(float(r["load_seconds"]) for r in first)
t2 = statistics.median(float(r["load_seconds"]) for r in again)
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
print("machine: %s, %s cores" % (cpu, subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()))
print("folder: %s images (%s loaded, %s skipped), S = %s; cache file %.1f MB"
      % (count, first[0]["samples"], first[0]["skipped"], S, cache_bytes / 1e6))
print("load without the cache:  %7.2f s  (%.0f images/s)" % (t0, int(count) / t0))
print("first load (decoding, writing the cache): %.2f s" % t1)
print("reopen (from the cache): %7.2f s  (%.0f images/s)  target < 2 s: %s"
      % (t2, int(count) / t2, "met" if t2 < 2 else "NOT met"))
print("reopen against a load without the cache: %.1f× faster   (medians of %d run%s)"
      % (t0 / t2, runs, "s" if runs > 1 else ""))
if not off[0]["samples"] == first[0]["samples"] == again[0]["samples"]:
    sys.exit("the two loads kept different samples")
PY
