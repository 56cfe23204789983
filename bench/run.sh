#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fusion Lab against PyTorch on this machine, in one run:
#   bench/run.sh [--runs 3] [--samples 4096]
# trains the reference model (S=64, batch 64, concat) for one epoch on the
# same generated data size with the engine and with PyTorch (both on all
# cores), times one evaluation pass, decodes+resizes the same PNG files with
# the engine and with PIL, and prints the medians over the runs as a table.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps python3-torch python3-pil python3-numpy

runs=3
samples=4096
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--runs N] [--samples N]" >&2; exit 2 ;;
  esac
done

[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fl-bench >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# the same files for both decoders: the demo pictures and the Adwaita icons
{ ls "$PWD"/resources/demo/images/*.png; find /usr/share/icons/Adwaita/48x48 -name '*.png'; } > "$out/files"

for i in $(seq "$runs"); do
  echo "run $i/$runs …" >&2
  build/bench/fl-bench --samples "$samples" > "$out/fl.$i"
  /usr/bin/python3 bench/torch_reference.py bench --samples "$samples" > "$out/torch.$i"
  build/bench/fl-bench --decode "$out/files" > "$out/fldec.$i"
  /usr/bin/python3 bench/torch_reference.py bench --decode "$out/files" > "$out/pildec.$i"
done

/usr/bin/python3 - "$out" "$runs" "$(wc -l < "$out/files")" <<'PY'
import statistics, sys, platform, subprocess
out, runs, nfiles = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def read(prefix):
    vals = {}
    for i in range(1, runs + 1):
        for line in open("%s/%s.%d" % (out, prefix, i)):
            k, v = line.strip().split("=", 1)
            vals.setdefault(k, []).append(v)
    return vals
def med(vals, k):
    return statistics.median(float(v) for v in vals[k])
fl, th, fd, pd = read("fl"), read("torch"), read("fldec"), read("pildec")
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
print("machine: %s, %s threads; PyTorch %s; medians of %d runs" %
      (cpu, fl["threads"][0], th["torch_version"][0], runs))
print()
print("| measure | Fusion Lab | PyTorch | ratio |")
print("|---|---:|---:|---:|")
for name, k in (("training, samples/s", "train_samples_per_s"),
                ("evaluation, samples/s", "eval_samples_per_s")):
    a, b = med(fl, k), med(th, k)
    print("| %s | %.1f | %.1f | %.2f× |" % (name, a, b, a / b))
a, b = med(fd, "decode_images_per_s"), med(pd, "decode_images_per_s")
print("| decode+resize to 64×64 (%s PNGs), images/s | %.1f | %.1f (PIL) | %.2f× |" % (nfiles, a, b, a / b))
print()
print("engine: peak RSS %.0f MB (image cache %.0f MB, %s parameters); "
      "%.1f MFLOP per training sample; sgemm peak %.1f GFLOP/s; "
      "training reaches %.0f%% of that peak" %
      (med(fl, "peak_rss_mb"), med(fl, "image_cache_mb"), fl["params"][0],
       med(fl, "train_mflop_per_sample"), med(fl, "sgemm_peak_gflops"),
       100 * med(fl, "machine_fraction")))
PY
