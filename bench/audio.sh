#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Audio clips to log-mel spectrograms: Fusion Lab against NumPy/SciPy on
# this machine, in one run (issue 14: the engine on all cores at least 2×
# the reference on one core):
#   bench/audio.sh [--runs 3]
# decodes the same real clips — the Ogg sounds of sound-theme-freedesktop
# (22.05 to 96 kHz, mono and stereo) and phrases spoken by espeak-ng
# (22.05 kHz WAV, synthesized into a temporary folder) — and computes the
# design's log-mel of each, with the engine (fl-bench --audio, all cores,
# then one) and with bench/audio_reference.py (soundfile, resample_poly,
# numpy's rfft; one core), and prints the medians over the runs.
# BUILD=DIR chooses the build folder (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps python3-numpy python3-scipy python3-soundfile sound-theme-freedesktop espeak-ng

runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/audio.sh [--runs N]" >&2; exit 2 ;;
  esac
done

build="${BUILD:-build}"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" fl-bench >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
phrases=("a red circle" "a blue square" "the warm morning near the lake" "a cold night"
         "triangle" "we walked at the station on a sunny holiday" "one two three four five"
         "the forecast says rain" "Fusion Lab" "sound, picture and words")
i=0
for voice in en en-us en-gb-x-rp de fr; do
  for p in "${phrases[@]}"; do
    espeak-ng -v "$voice" -s $((130 + 10 * (i % 5))) -w "$out/say-$i.wav" "$p"
    i=$((i + 1))
  done
done
{ ls /usr/share/sounds/freedesktop/stereo/*.oga; ls "$out"/say-*.wav; } > "$out/clips"

for r in $(seq "$runs"); do
  echo "run $r/$runs …" >&2
  "$build/bench/fl-bench" --audio "$out/clips" > "$out/fl.$r"
  "$build/bench/fl-bench" --audio "$out/clips" --threads 1 > "$out/fl1.$r"
  /usr/bin/python3 bench/audio_reference.py bench --audio "$out/clips" > "$out/py.$r"
done

/usr/bin/python3 - "$out" "$runs" <<'PY'
import statistics, subprocess, sys
out, runs = sys.argv[1], int(sys.argv[2])
def read(prefix):
    vals = {}
    for i in range(1, runs + 1):
        for line in open("%s/%s.%d" % (out, prefix, i)):
            k, v = line.strip().split("=", 1)
            vals.setdefault(k, []).append(float(v))
    return vals
fl, fl1, py = read("fl"), read("fl1"), read("py")
med = lambda d: statistics.median(d["clips_per_s"])
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
n = int(fl["clips"][0])
print("machine: %s, %d threads; %d clips (%d refused); medians of %d runs" %
      (cpu, int(fl["threads"][0]), n, int(fl["failed"][0]), runs))
print()
print("| decode + log-mel of %d clips | clips/s | vs NumPy/SciPy |" % n)
print("|---|---:|---:|")
print("| Fusion Lab, all cores (%d) | %.1f | %.2f× |" % (int(fl["threads"][0]), med(fl), med(fl) / med(py)))
print("| Fusion Lab, one core | %.1f | %.2f× |" % (med(fl1), med(fl1) / med(py)))
print("| NumPy/SciPy (soundfile, resample_poly, rfft), one core | %.1f | 1.00× |" % med(py))
PY
