#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build a real image+text+audio dataset: Debian's Adwaita icons, each with a
# spoken clip of its name made by espeak-ng.
#
# The rows, pictures, texts and labels are those of tools/make-icon-dataset.py
# (which this script runs): each PNG icon of the 48x48 folder is a sample,
# its label is its context folder (actions, devices, legacy, status, …).
#
# What each modality carries:
# - image: the icon (most legacy ones in colour, most others monochrome
#   symbolic drawings);
# - text: the words of the icon's name ("network-wireless-signal-weak" →
#   "network wireless signal weak"); 993 icons have 646 different texts, as
#   many names appear in two contexts (legacy and another);
# - audio: the same words spoken by espeak-ng, in a voice drawn for each
#   icon from 8 English accents × 12 voice variants, at 140-200 words a
#   minute, pitch 25-75 and loudness 60-140 (espeak-ng's scales), with
#   0-20 ms between words. The clip says the name and nothing else (a name
#   may hold a word of its context, as every emblems icon's starts with
#   "emblem", in the text too), and the voice is drawn from the seed and the
#   icon's path, independently of its context.
#
# So the sound holds the text's information, no more: the audio-only route
# measures how much of the name a small log-mel CNN hears, and image+audio
# against image+text whether hearing the name serves fusion as well as
# reading it. It is not a dataset where the sound adds what the words lack
# (tools/make-trimodal-demo.py makes one where each modality is needed).
#
# Clips are 22,050 Hz mono 16-bit WAV (espeak-ng's rate: the loader
# resamples), with the silence espeak-ng leaves around the speech cut to
# 50 ms, and at most 2.0 s long, the window the audio branch hears: a name
# that takes longer is said again faster (the final speed is in voices.tsv).
#
# Writes OUT (default data/spoken-icons)/images/CONTEXT/NAME.png (the icons,
# copied), images/CONTEXT/NAME.wav beside each, spoken-icons.csv
# (image,text,audio,label; paths relative to OUT/images, the image folder)
# and voices.tsv (how each clip was spoken). Deterministic for a seed; running
# it again rewrites the same files and removes those it no longer makes.
#
#   tools/make-spoken-icons.sh [--out DIR | DIR] [--seed N] [--size 48x48] [--min-count N]
#   fusionlab-cli compare --images data/spoken-icons/images \
#       --csv data/spoken-icons/spoken-icons.csv --folds 5
#
# Installs what it needs (adwaita-icon-theme, espeak-ng, python3) with
# tools/deps.sh.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=data/spoken-icons
seed=14
size=48x48
min_count=10

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --min-count) min_count=$2; shift 2 ;;
    -h|--help) sed -n '4,47p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "make-spoken-icons.sh: unknown argument: $1" >&2; exit 2 ;;
    *) out=$1; shift ;;
  esac
done
[[ $seed =~ ^[0-9]+$ ]] || { echo "make-spoken-icons.sh: --seed takes a number" >&2; exit 2; }

# only this script's packages, not the build's (FL_PACKAGES)
. "$here/deps.sh"
FL_PACKAGES="" fl_install_deps adwaita-icon-theme espeak-ng python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$here/make-icon-dataset.py" --size "$size" --min-count "$min_count" \
  --out "$tmp/icons.csv" >/dev/null
mkdir -p "$out/images"

/usr/bin/python3 - "$tmp/icons.csv" "/usr/share/icons/Adwaita/$size" "$out" "$seed" <<'EOF'
import array
import collections
import concurrent.futures
import csv
import os
import random
import shutil
import subprocess
import sys
import wave

icons_csv, theme, out, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
img_dir = os.path.join(out, "images")

ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
           "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"]
WINDOW = 2.0        # seconds the audio branch hears
MARGIN = 0.05       # silence kept before and after the speech
THRESHOLD = 300     # |sample| above which espeak-ng is speaking


def voice(image):
    """The clip's voice, from the seed and the icon's path only."""
    rng = random.Random("%d:%s" % (seed, image))
    return {"voice": "%s+%s" % (rng.choice(ACCENTS), rng.choice(VARIANTS)),
            "speed": rng.randint(140, 200), "pitch": rng.randint(25, 75),
            "amplitude": rng.randint(60, 140), "gap": rng.randint(0, 2)}


def speak(text, v, path):
    """espeak-ng → path; returns (rate, samples cut to the speech and its margins)."""
    subprocess.run(["espeak-ng", "-v", v["voice"], "-s", str(v["speed"]), "-p", str(v["pitch"]),
                    "-a", str(v["amplitude"]), "-g", str(v["gap"]), "-w", path, text],
                   check=True, stdout=subprocess.DEVNULL)
    with wave.open(path, "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2), path
        rate = w.getframerate()
        x = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        x.byteswap()
    loud = [i for i, s in enumerate(x) if abs(s) > THRESHOLD]
    if not loud:
        raise RuntimeError("%s: espeak-ng said nothing for %r" % (path, text))
    m = int(MARGIN * rate)
    return rate, x[max(0, loud[0] - m):loud[-1] + m + 1]


def make_clip(row):
    wav = os.path.splitext(row["image"])[0] + ".wav"
    path = os.path.join(img_dir, wav)
    v = voice(row["image"])
    for _ in range(4):  # too long for the window: again, faster
        rate, x = speak(row["text"], v, path)
        if len(x) <= WINDOW * rate:
            break
        v["speed"] = int(v["speed"] * len(x) / (WINDOW * rate - 0.1 * rate)) + 1
    else:
        raise RuntimeError("%s: %r does not fit in %.1f s" % (path, row["text"], WINDOW))
    if sys.byteorder == "big":
        x.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())
    return wav, v, len(x) / rate


with open(icons_csv, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
for r in rows:
    os.makedirs(os.path.dirname(os.path.join(img_dir, r["image"])), exist_ok=True)
    shutil.copyfile(os.path.join(theme, r["image"]), os.path.join(img_dir, r["image"]))
with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
    clips = list(pool.map(make_clip, rows))

keep = {os.path.normpath(p) for r, c in zip(rows, clips) for p in (r["image"], c[0])}
for d, _, files in os.walk(img_dir, topdown=False):
    for f in files:
        rel = os.path.normpath(os.path.relpath(os.path.join(d, f), img_dir))
        if f.endswith((".png", ".wav")) and rel not in keep:
            os.remove(os.path.join(d, f))
    if d != img_dir and not os.listdir(d):
        os.rmdir(d)

with open(os.path.join(out, "spoken-icons.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["image", "text", "audio", "label"])
    w.writerows((r["image"], r["text"], c[0], r["label"]) for r, c in zip(rows, clips))
with open(os.path.join(out, "voices.tsv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter="\t", lineterminator="\n")
    w.writerow(["audio", "voice", "speed", "pitch", "amplitude", "gap", "seconds"])
    w.writerows((c[0], c[1]["voice"], c[1]["speed"], c[1]["pitch"], c[1]["amplitude"],
                 c[1]["gap"], "%.3f" % c[2]) for c in clips)

secs = sorted(c[2] for c in clips)
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
print("%s: %d rows, %d classes; clips %.2f-%.2f s (median %.2f), %d said faster "
      "to fit %.1f s; %.1f MB"
      % (os.path.join(out, "spoken-icons.csv"), len(rows), len({r["label"] for r in rows}),
         secs[0], secs[-1], secs[len(secs) // 2],
         sum(c[1]["speed"] != voice(r["image"])["speed"] for r, c in zip(rows, clips)),
         WINDOW, size / 1e6))
for label, n in collections.Counter(r["label"] for r in rows).most_common():
    print("  %4d  %s" % (n, label))
EOF
