#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check that a dataset from tools/make-trimodal-demo.py needs all three modalities.

  /usr/bin/python3 tools/check-trimodal.py DIR

Reads DIR/texts.csv and the files it names, and reads each factor back from
its own modality only: the shape from the PNG (how much of its bounding box
the figure fills: π/4 for a circle, 1 for a square), the weather from the
sentence (its warm or cold word), the pitch from the WAV (the strongest DFT
bin of 32 ms blocks in 200-400 Hz against 1000-2000 Hz). It checks the WAVs
are 16 kHz mono 16-bit of 0.5 to 1.5 s, and that every factor read agrees
with the label.

Then, for every set of modalities, it prints the best accuracy any classifier
of that set can reach on these samples: grouping the samples by the factors
read from those modalities and predicting each group's most common label
(which is what a perfect classifier of those factors does): 0.25 for one
modality, 0.50 for two, 1.00 for three. A classifier could also use what
else a modality shows, so for each one alone the factor is grouped with it
too (image: the figure's main colour channel and quadrant; text: the
sentence's length; audio: which clip it is, which covers anything a clip
shows, as clips are shared), fitted on half of the samples and scored on the
other half, both ways: it should stay near 0.25. With a "noise" column the
same is done for its quartiles (near 0.125).

Standard library only. Exits 1 if a check fails.
"""
import collections
import csv
import importlib.util
import itertools
import math
import operator
import os
import struct
import sys
import wave
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_trimodal_demo", os.path.join(HERE, "make-trimodal-demo.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

MODALITIES = ("image", "text", "audio")
BLOCK = 512


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path):
    """8-bit RGB or RGBA, not interlaced -> (width, height, bytes per pixel, rows)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        n, tag = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if tag == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("only 8-bit RGB(A), not interlaced")
            bpp = 3 if ctype == 2 else 4
        elif tag == b"IDAT":
            idat += body
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            pred = (0, a, prev[i], (a + prev[i]) // 2, paeth(a, prev[i], c))[ft]
            line[i] = (line[i] + pred) & 0xFF
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def read_image(path):
    """-> (shape, (main colour channel, quadrant))"""
    w, h, bpp, rows = read_png(path)
    px = [[tuple(r[x * bpp:x * bpp + 3]) for x in range(w)] for r in rows]
    border = [px[y][x] for y in range(h) for x in range(w)
              if x in (0, w - 1) or y in (0, h - 1)]
    bg = [sorted(p[c] for p in border)[len(border) // 2] for c in range(3)]
    fg = [(x, y) for y in range(h) for x in range(w)
          if sum(abs(a - b) for a, b in zip(px[y][x], bg)) > 100]
    xs, ys = [p[0] for p in fg], [p[1] for p in fg]
    fill = len(fg) / ((max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1))
    colour = [sum(px[y][x][c] for x, y in fg) for c in range(3)]
    quadrant = (sum(xs) / len(xs) >= w / 2, sum(ys) / len(ys) >= h / 2)
    return ("square" if fill > 0.9 else "circle"), (colour.index(max(colour)), quadrant)


def read_text(text):
    """-> (weather, (number of words,))"""
    words = text.lower().split()
    found = {wt for wt, adjs in gen.WEATHER.items() for a in adjs if a in words}
    return (found.pop() if len(found) == 1 else "?"), (len(words),)


def _tables():
    bins = {}
    for band, (lo, hi) in gen.PITCHES.items():
        ks = range(int(lo * BLOCK / gen.RATE), int(math.ceil(hi * BLOCK / gen.RATE)) + 1)
        bins[band] = [([math.cos(2 * math.pi * k * n / BLOCK) for n in range(BLOCK)],
                       [math.sin(2 * math.pi * k * n / BLOCK) for n in range(BLOCK)]) for k in ks]
    return bins


TABLES = _tables()


def read_audio(path):
    """-> (pitch, problem or None)"""
    with wave.open(path, "rb") as w:
        fmt = (w.getframerate(), w.getnchannels(), w.getsampwidth())
        raw = w.readframes(w.getnframes())
    if fmt != (gen.RATE, 1, 2):
        return "?", "format %s, not (16000 Hz, mono, 16-bit)" % (fmt,)
    x = [v / 32768 for (v,) in struct.iter_unpack("<h", raw)]
    seconds = len(x) / gen.RATE
    if not gen.SECONDS[0] <= seconds <= gen.SECONDS[1]:
        return "?", "%.3f s long" % seconds
    peak = dict.fromkeys(gen.PITCHES, 0.0)
    for s in range(0, len(x) - BLOCK + 1, BLOCK):
        block = x[s:s + BLOCK]
        for band, table in TABLES.items():
            for cos, sin in table:
                re_ = sum(map(operator.mul, block, cos))
                im = sum(map(operator.mul, block, sin))
                peak[band] = max(peak[band], re_ * re_ + im * im)
    return max(peak, key=peak.get), None


def majority_accuracy(keys, labels):
    """Best accuracy of any rule that sees only the key: each key's commonest label."""
    groups = collections.defaultdict(collections.Counter)
    for k, y in zip(keys, labels):
        groups[k][y] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(labels)


def crossfit_accuracy(keys, backoff, labels):
    """Each key's commonest label learned on one half, scored on the other, both ways;
    a key not seen in the learning half falls back to its backoff key."""
    right = 0
    for half in (0, 1):
        groups = collections.defaultdict(collections.Counter)
        for i, (k, b, y) in enumerate(zip(keys, backoff, labels)):
            if i % 2 == half:
                groups[k][y] += 1
                groups[("backoff",) + b][y] += 1
        for i, (k, b, y) in enumerate(zip(keys, backoff, labels)):
            if i % 2 != half:
                c = groups.get(k) or groups[("backoff",) + b]
                right += bool(c) and c.most_common(1)[0][0] == y
    return right / len(labels)


def read_all(folder, rows, problems):
    factors, extras = {m: [] for m in MODALITIES}, {m: [] for m in MODALITIES}
    clips = {}
    for n, row in enumerate(rows, start=2):
        shape, extra = read_image(os.path.join(folder, "images", row["image"]))
        factors["image"].append(shape)
        extras["image"].append(extra)
        weather, extra = read_text(row["text"])
        factors["text"].append(weather)
        extras["text"].append(extra)
        if row["audio"] not in clips:
            clips[row["audio"]] = read_audio(os.path.join(folder, "images", row["audio"]))
        pitch, problem = clips[row["audio"]]
        if problem:
            problems.append("line %d: %s: %s" % (n, row["audio"], problem))
        factors["audio"].append(pitch)
        extras["audio"].append((row["audio"],))
        truth = dict(zip(MODALITIES, row["label"].split("-")))
        for m in MODALITIES:
            if factors[m][-1] != truth.get(m):
                problems.append("line %d: the %s reads %s, the label is %s"
                                % (n, m, factors[m][-1], row["label"]))
    return factors, extras, len(clips)


def noise_check(rows, labels):
    cells = [r["noise"] for r in rows]
    values = sorted(float(c) for c in cells if c != "")
    q = [values[len(values) * i // 4] for i in (1, 2, 3)]
    keys = [("empty",) if c == "" else (sum(float(c) >= t for t in q),) for c in cells]
    acc = crossfit_accuracy(keys, [()] * len(keys), labels)
    print("noise column: %d empty cells; its quartiles (and empty) alone: %.3f "
          "(chance 0.125)" % (cells.count(""), acc))
    return acc


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-trimodal.py DIR")
    folder = sys.argv[1]
    with open(os.path.join(folder, "texts.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    labels = [r["label"] for r in rows]
    problems = []
    factors, extras, n_clips = read_all(folder, rows, problems)
    ok = {m: sum(f == t.split("-")[i] for f, t in zip(factors[m], labels))
          for i, m in enumerate(MODALITIES)}
    print("%d samples, %d classes, %d clips; factors read back from the files: %s"
          % (len(rows), len(set(labels)), n_clips,
             ", ".join("%s %d/%d" % (m, ok[m], len(rows)) for m in MODALITIES)))
    print("best accuracy of any classifier that sees only:")
    for r in (1, 2, 3):
        for ms in itertools.combinations(MODALITIES, r):
            keys = list(zip(*(factors[m] for m in ms)))
            acc = majority_accuracy(keys, labels)
            cap = 2.0 ** (r - 3)
            print("  %-18s %.3f   (cap %.3f)" % ("+".join(ms), acc, cap))
            if abs(acc - cap) > 1e-9:
                problems.append("%s reaches %.3f, not %.3f" % ("+".join(ms), acc, cap))
    print("the same with what else one modality's files show "
          "(fitted on half, scored on the other):")
    for m in MODALITIES:
        keys = [(f,) + e for f, e in zip(factors[m], extras[m])]
        acc = crossfit_accuracy(keys, [(f,) for f in factors[m]], labels)
        print("  %-18s %.3f   (cap 0.250)" % (m, acc))
        if acc > 0.35:
            problems.append("%s with its other features reaches %.3f" % (m, acc))
    if rows and "noise" in rows[0] and noise_check(rows, labels) > 0.25:
        problems.append("the noise column tells the label")
    for p in problems[:10]:
        print("FAIL", p)
    print("%s: %d problem(s)" % ("FAILED" if problems else "ok", len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
