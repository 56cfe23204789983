#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build a real image+text dataset from Debian's adwaita-icon-theme.

Each PNG icon of one size folder is a sample: the image is the icon, the text
is the words of its name ("document-open-recent-symbolic" → "document open
recent"), and the label is its context folder (actions, devices, places,
status, …). Contexts with fewer than --min-count icons are left out.

The CSV's image column holds paths relative to the size folder, so that
folder itself is the image folder:

  tools/make-icon-dataset.py --out data/icons.csv
  fusionlab-cli train --images /usr/share/icons/Adwaita/48x48 --csv data/icons.csv
"""
import argparse
import csv
import os
import re
import sys


def words(name):
    stem = name.split(".")[0]
    parts = [p for p in re.split(r"[-_]+", stem) if p and p != "symbolic"]
    return " ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--theme", default="/usr/share/icons/Adwaita")
    ap.add_argument("--size", default="48x48")
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--out", default="data/icons.csv")
    args = ap.parse_args()

    root = os.path.join(args.theme, args.size)
    if not os.path.isdir(root):
        sys.exit("%s: not found; install adwaita-icon-theme" % root)
    rows = []
    for context in sorted(os.listdir(root)):
        folder = os.path.join(root, context)
        if not os.path.isdir(folder):
            continue
        icons = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
        if len(icons) < args.min_count:
            continue
        rows += [(context + "/" + f, words(f), context) for f in icons]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["image", "text", "label"])
        w.writerows(rows)
    print("%s: %d icons from %s; image folder: %s" % (args.out, len(rows), root, root))


if __name__ == "__main__":
    main()
