#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Build a real dataset of pictures that are not square, from Debian's
Open Clip Art Library (openclipart-png, openclipart-svg: 155 MB, installed
by this script when missing).

The icons and the emoji are all square, so fitting them to S×S by squashing,
cropping or padding gives the same pixels; the clip art is drawn at its own
shape. Each sample is one PNG whose width/height is outside [0.8, 1.25]
(wide or tall), its label the top folder (animals, food, people, …) and its
text the title and description of the same drawing's SVG (the authors'
names and the keywords left out: the keywords often repeat the folder
name). The folders 'unsorted' and 'special' are not subjects and are left
out, as are folders with fewer than --min-count such drawings are left out;
larger ones are capped at --max-count (the first by a hash of the path, so
the choice is stable and spread over the subfolders).

  tools/make-clipart-dataset.py --out data/clipart.csv
  fusionlab-cli train --images /usr/share/openclipart/png --csv data/clipart.csv --fit crop
"""
import argparse
import csv
import hashlib
import html
import os
import re
import struct
import subprocess
import sys

PNG = "/usr/share/openclipart/png"
SVG = "/usr/share/openclipart/svg"


def install():
    if os.path.isdir(PNG) and os.path.isdir(SVG):
        return
    print("installing openclipart-png and openclipart-svg (155 MB) …", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends",
                           "openclipart-png", "openclipart-svg"], check=True, env=env)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def svg_text(path):
    """The drawing's own title and description (not the library's, not the
    authors' names), as plain words."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            svg = f.read(200000)
    except OSError:
        return ""
    work = re.search(r"<cc:Work.*?</cc:Work>", svg, re.S)
    block = work.group(0) if work else svg
    title = re.search(r"<dc:title>([^<]*)</dc:title>", block)
    desc = re.search(r"<dc:description>([^<]*)</dc:description>", block)
    words = " ".join(html.unescape(m.group(1)) for m in (title, desc) if m)
    words = re.sub(r"[^\w' -]+", " ", words).lower()
    return " ".join(words.split()[:40])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="data/clipart.csv")
    ap.add_argument("--min-count", type=int, default=80)
    ap.add_argument("--max-count", type=int, default=150)
    args = ap.parse_args()
    install()

    by_class = {}
    for root, _, files in os.walk(PNG):
        for name in files:
            if not name.endswith(".png"):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, PNG)
            size = png_size(path)
            if size is None or size[1] == 0 or 0.8 <= size[0] / size[1] <= 1.25:
                continue
            text = svg_text(os.path.join(SVG, rel[:-4] + ".svg"))
            if not text:
                continue
            by_class.setdefault(rel.split("/")[0], []).append((rel, text))

    rows = []
    for label, items in sorted(by_class.items()):
        if len(items) < args.min_count or label in ("unsorted", "special"):
            continue
        items.sort(key=lambda it: hashlib.sha1(it[0].encode()).hexdigest())
        rows += [(rel, text, label) for rel, text in items[:args.max_count]]
        print("%-20s %4d of %d" % (label, min(len(items), args.max_count), len(items)), file=sys.stderr)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["image", "text", "label"])
        w.writerows(sorted(rows))
    print("%d samples in %d classes → %s" % (len(rows), len({r[2] for r in rows}), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
