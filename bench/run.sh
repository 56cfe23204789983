#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fusion Lab against PyTorch on this machine, in one run:
#   bench/run.sh [--runs 3] [--samples 4096] [--epochs 3]
# trains the reference model (S=64, batch 64, concat) with the engine and
# with PyTorch (both on all cores) on real data — the Adwaita icons and the
# bundled demo, the same split, initial weights and batch order for both
# (fusionlab-cli … --export) — for --epochs epochs (the median epoch counts)
# and times the evaluation; then, as a second line, one epoch on generated
# random data (on which PyTorch runs slower than on real images: never
# quote that one alone); decodes+resizes the same PNG files with the engine
# and with PIL; and prints the medians over the runs as a table.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps python3-torch python3-pil python3-numpy

runs=3
samples=4096
epochs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--runs N] [--samples N] [--epochs N]" >&2; exit 2 ;;
  esac
done

[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build fl-bench fusionlab-cli >/dev/null
[ -f data/icons.csv ] || python3 tools/make-icon-dataset.py --out data/icons.csv

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# the real datasets: name, image folder, CSV; each exported once for PyTorch
sets="icons:/usr/share/icons/Adwaita/48x48:data/icons.csv demo:resources/demo/images:resources/demo/texts.csv"
for set in $sets; do
  IFS=: read -r name images csv <<< "$set"
  build/cli/fusionlab-cli train --images "$images" --csv "$csv" --epochs "$epochs" \
    --export "$out/$name.safetensors" >/dev/null
done
# the same files for both decoders: the demo pictures and the Adwaita icons
{ ls "$PWD"/resources/demo/images/*.png; find /usr/share/icons/Adwaita/48x48 -name '*.png'; } > "$out/files"

for i in $(seq "$runs"); do
  echo "run $i/$runs …" >&2
  for set in $sets; do
    IFS=: read -r name images csv <<< "$set"
    build/bench/fl-bench --images "$images" --csv "$csv" --epochs "$epochs" > "$out/fl-$name.$i"
    /usr/bin/python3 bench/torch_reference.py train "$out/$name.safetensors" --epochs "$epochs" \
      --bench | grep = > "$out/torch-$name.$i"
  done
  # the engine without its AVX-512 direct conv: what OpenBLAS alone gives
  build/bench/fl-bench --images /usr/share/icons/Adwaita/48x48 --csv data/icons.csv \
    --epochs "$epochs" --no-direct-conv > "$out/fl-gemm.$i"
  build/bench/fl-bench --samples "$samples" > "$out/fl.$i"
  /usr/bin/python3 bench/torch_reference.py bench --samples "$samples" > "$out/torch.$i"
  build/bench/fl-bench --decode "$out/files" > "$out/fldec.$i"
  /usr/bin/python3 bench/torch_reference.py bench --decode "$out/files" > "$out/pildec.$i"
done

/usr/bin/python3 - "$out" "$runs" "$(wc -l < "$out/files")" <<'PY'
import os, statistics, sys, platform, subprocess
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
real = [(name, read("fl-" + name), read("torch-" + name)) for name in ("icons", "demo")]
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
print("machine: %s, %s threads; PyTorch %s; medians of %d runs" %
      (cpu, fl["threads"][0], th["torch_version"][0], runs))
print()
print("| measure | Fusion Lab | PyTorch | ratio |")
print("|---|---:|---:|---:|")
for data, f, t in real:
    for name, k, n in (("training", "train_samples_per_s", "train_samples"),
                       ("evaluation", "eval_samples_per_s", "val_samples")):
        a, b = med(f, k), med(t, k)
        print("| %s, %s (%s samples), samples/s | %.1f | %.1f | %.2f× |"
              % (name, data, f[n][0], a, b, a / b))
for name, k in (("training", "train_samples_per_s"),
                ("evaluation", "eval_samples_per_s")):
    a, b = med(fl, k), med(th, k)
    print("| %s, generated random data, samples/s | %.1f | %.1f | %.2f× |" % (name, a, b, a / b))
gm, ic = read("fl-gemm"), real[0][1]
for name, k in (("training", "train_samples_per_s"), ("evaluation", "eval_samples_per_s")):
    a, b = med(gm, k), med(real[0][2], k)
    print("| %s, icons, convs by im2col + sgemm (--no-direct-conv), samples/s | %.1f | %.1f | %.2f× |"
          % (name, a, b, a / b))
a, b = med(fd, "decode_images_per_s"), med(pd, "decode_images_per_s")
print("| decode+resize to 64×64 (%s PNGs), images/s | %.1f | %.1f (PIL) | %.2f× |" % (nfiles, a, b, a / b))
print()
print("engine: peak RSS %.0f MB (image cache %.0f MB, %s parameters); sgemm peak %.1f GFLOP/s" %
      (med(fl, "peak_rss_mb"), med(fl, "image_cache_mb"), fl["params"][0], med(fl, "sgemm_peak_gflops")))
ic = real[0][1]
print("on the icons: %.1f MFLOP per training sample as a dense engine counts them (the sgemm "
      "ceiling %.0f samples/s), training at %.0f%% of that ceiling; %.1f MFLOP actually done "
      "(the products with the pooled gradients' zeros skipped), at %.0f%% of sgemm's peak" %
      (med(ic, "train_mflop_per_sample"),
       med(ic, "sgemm_peak_gflops") * 1e3 / med(ic, "train_mflop_per_sample"),
       100 * med(ic, "machine_fraction"), med(ic, "train_mflop_done_per_sample"),
       100 * med(ic, "work_fraction")))
if med(ic, "fma_peak_gflops") > 0:
    print("the cores' AVX-512 FMA peak %.1f GFLOP/s (OpenBLAS runs %s kernels here, OPENBLAS_CORETYPE; "
          "the engine's own conv kernels use AVX-512: direct conv %s): training's arithmetic at %.0f%% "
          "of it, evaluation's at %.0f%%" %
          (med(ic, "fma_peak_gflops"), os.environ.get("OPENBLAS_CORETYPE", "its own choice of"),
           "on" if med(ic, "direct_conv") else "off",
           100 * med(ic, "fma_work_fraction"), 100 * med(ic, "fma_eval_fraction")))
PY
