#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate a three-modality demo dataset whose class needs the picture, the words and the sound.

Each sample is three things made independently of one another:

- a picture (64×64 PNG) of a circle or a square, in a random colour, size and
  place on a noisy background (tools/make-demo-data.py draws it);
- a sentence about warm or cold weather in varied words ("a balmy evening by
  the sea", "we walked in town on a frosty weekend"; the same words as the
  bundled demo);
- a sound (WAV, 16 kHz mono 16-bit, 0.5 to 1.5 s): a low tone (200-400 Hz)
  or a high one (1000-2000 Hz), steady or gliding, with a random timbre,
  loudness, onset and length, under white noise (5 to 20 dB below it).

The label is the triple, such as "circle-warm-high": 2 × 2 × 2 = 8 classes,
--per-class samples each.

Why each modality alone and each pair fall short. Let S (shape), W (weather)
and P (pitch) be the three factors. The design is balanced, so they are
uniform and independent, and the label is Y = (S, W, P). The picture is a
function of S and of random draws that do not depend on W or P; the sentence
of W and draws that do not depend on S or P; the sound of P and draws that do
not depend on S or W (a clip is picked from those of its pitch only). So
whatever a classifier computes from a set M of modalities, the factors missing
from M stay uniform and independent given what it sees: the posterior over Y
is uniform over 2^(3-|M|) triples, and no classifier, however good, can be
right more often than 2^-(3-|M|) of the time: 1/4 from one modality, 1/2 from
two. With all three each factor can be read (the check below reads every one
of them back from the files), so a good model reaches 100%.

tools/check-trimodal.py DIR checks this on the files written: it reads the
shape back from each PNG, the weather from each sentence and the pitch from
each WAV, and prints the best accuracy that any classifier of each set of
modalities can have (0.25, 0.50, 1.00), also when it may use what else the
files show (the figure's colour and place, the sentence's length, which clip).

Sound clips are shared to keep the dataset small: --clips K clips of each
pitch (default 32) are made and each sample gets one of those of its pitch,
each clip used about equally; a clip tells only its pitch, so sharing gives
nothing else away. --clips 0 makes a clip for every sample instead (about
17 MB at the default size rather than 3.7 MB).

--noise-column adds a numeric column "noise", which carries nothing: a
normal draw (mean 50, sd 10) independent of everything else, empty in about
one row in ten (to exercise missing cells), drawn from a generator of its
own so that every other file and cell is the same as without it. The label
still needs exactly the picture, the words and the sound.

Output: DIR/images/NNNN.png, DIR/images/clips/NNN.wav and DIR/texts.csv with
the columns image,text,audio,label (and noise), the audio paths relative to
DIR/images, which is the image folder:

  /usr/bin/python3 tools/make-trimodal-demo.py data/trimodal [--per-class 60] [--seed 14]
  /usr/bin/python3 tools/check-trimodal.py data/trimodal
  fusionlab-cli compare --images data/trimodal/images --csv data/trimodal/texts.csv

Standard library only; deterministic for a seed; running it again on the
same DIR rewrites the same files and removes the ones it no longer makes.
"""
import argparse
import array
import csv
import importlib.util
import math
import os
import random
import re
import sys
import wave

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


demo = _load("make_demo_data", "make-demo-data.py")

SHAPES = ["circle", "square"]
WEATHER = demo.WEATHER                      # {"warm": [...], "cold": [...]}
PITCHES = {"low": (200.0, 400.0), "high": (1000.0, 2000.0)}   # Hz, fundamental
RATE = 16000
SECONDS = (0.5, 1.5)
SIZE = demo.S


def tone(rng, pitch):
    """One clip of the pitch's range, as a list of 16-bit samples."""
    lo, hi = PITCHES[pitch]
    n = int(rng.uniform(*SECONDS) * RATE)
    length = int(n * rng.uniform(0.6, 0.95))   # the tone's part of the clip
    start = rng.randint(0, n - length)
    f0 = lo * (hi / lo) ** rng.random()        # log-uniform in the range
    f1 = f0 if rng.random() < 0.5 else lo * (hi / lo) ** rng.random()  # steady or a glide
    harmonics = [1.0, rng.uniform(0.0, 0.4), rng.uniform(0.0, 0.2)]
    norm = sum(harmonics)
    amp = rng.uniform(0.15, 0.5)
    # tone power ≈ amp²/2; noise 5-20 dB below it
    noise_sd = amp / math.sqrt(2) / 10 ** (rng.uniform(5.0, 20.0) / 20)
    fade = int(0.02 * RATE)
    phase, out = 0.0, []
    for i in range(n):
        x = rng.gauss(0.0, noise_sd)
        j = i - start
        if 0 <= j < length:
            f = f0 * (f1 / f0) ** (j / length)         # exponential glide
            phase += 2 * math.pi * f / RATE
            env = min(1.0, j / fade, (length - j) / fade)
            x += amp * env * sum(h * math.sin((k + 1) * phase)
                                 for k, h in enumerate(harmonics)) / norm
        out.append(max(-32767, min(32767, int(round(x * 32767)))))
    return out


def write_wav(path, samples):
    data = array.array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()                         # WAV is little-endian
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def make_clips(rng, samples, per_pitch, clip_dir):
    """Writes the clips; returns each sample's clip path (relative to images/)."""
    counts = {p: sum(s[2] == p for s in samples) for p in PITCHES}
    k = {p: min(per_pitch, counts[p]) if per_pitch > 0 else counts[p] for p in PITCHES}
    made = [(p, j) for p in PITCHES for j in range(k[p])]
    rng.shuffle(made)                           # names in random order: a name tells nothing
    width = max(3, len(str(len(made) - 1)))
    name = {}
    for i, (p, j) in enumerate(made):
        name[p, j] = "clips/%0*d.wav" % (width, i)
    for p, j in sorted(made, key=lambda pj: name[pj]):
        write_wav(os.path.join(clip_dir, os.path.basename(name[p, j])), tone(rng, p))
    used = dict.fromkeys(PITCHES, 0)
    paths = []
    for s in samples:                           # samples are shuffled: round-robin is random
        paths.append(name[s[2], used[s[2]] % k[s[2]]])
        used[s[2]] += 1
    return paths


def remove_stale(folder, pattern, keep):
    for f in os.listdir(folder):
        if re.fullmatch(pattern, f) and f not in keep:
            os.remove(os.path.join(folder, f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output folder (DIR/images and DIR/texts.csv)")
    ap.add_argument("--per-class", type=int, default=60)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--clips", type=int, default=32,
                    help="clips made per pitch and shared (0: one per sample)")
    ap.add_argument("--noise-column", action="store_true",
                    help="add a numeric column 'noise' that carries nothing")
    args = ap.parse_args()
    if args.per_class < 1 or args.clips < 0:
        ap.error("--per-class must be at least 1 and --clips at least 0")

    rng = random.Random(args.seed)
    # the noise column's own generator: the rest is the same with or without it
    noise_rng = random.Random("noise:%d" % args.seed)
    img_dir = os.path.join(args.out, "images")
    clip_dir = os.path.join(img_dir, "clips")
    os.makedirs(clip_dir, exist_ok=True)
    samples = [(s, w, p) for s in SHAPES for w in WEATHER for p in PITCHES
               for _ in range(args.per_class)]
    rng.shuffle(samples)
    clips = make_clips(rng, samples, args.clips, clip_dir)
    width = max(4, len(str(len(samples) - 1)))
    rows = []
    for i, (shape, weather, pitch) in enumerate(samples):
        name = "%0*d.png" % (width, i)
        with open(os.path.join(img_dir, name), "wb") as f:
            f.write(demo.png_bytes(demo.draw(rng, shape), SIZE, SIZE))
        row = [name, demo.sentence(rng, weather), clips[i], "-".join((shape, weather, pitch))]
        if args.noise_column:
            row.append("" if noise_rng.random() < 0.1 else "%.2f" % noise_rng.gauss(50.0, 10.0))
        rows.append(row)
    remove_stale(img_dir, r"\d+\.png", {r[0] for r in rows})
    remove_stale(clip_dir, r"\d+\.wav", {os.path.basename(c) for c in clips})

    with open(os.path.join(args.out, "texts.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["image", "text", "audio", "label"] + (["noise"] if args.noise_column else []))
        w.writerows(rows)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.out) for f in fs)
    print("wrote %d samples in %d classes (%d clips) to %s: %.1f MB"
          % (len(rows), 8, len(set(clips)), args.out, size / 1e6))


if __name__ == "__main__":
    main()
