#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build a second real image+text dataset: Twitter's Twemoji, from the npm
# package emoji-datasource-twitter (images CC-BY 4.0, data MIT).
#
# Each base emoji (no skin-tone variants) is a sample: the image is its 64×64
# PNG, the text is the words of its name and short names, lower-cased
# ("Grinning Face", "grinning" → "grinning face"), and the label is its
# Unicode category (Smileys & Emotion, Animals & Nature, Food & Drink, …).
# The "Component" category and any category with fewer than --min-count
# emoji are left out.
#
# Why it is a fair image+text test: neither the category nor the subcategory
# is in the text, so the label has to be learned — from the picture (faces
# are yellow discs, flags are striped rectangles, food is food-coloured) or
# from the words ("cat", "car", "ball") — and each alone is partial: a name
# like "crossed fingers" or "new moon" does not name its category, and many
# small objects, symbols and activities look alike at 64×64.
#
# Writes OUT (default data/emoji)/*.png and OUT/emoji.csv (image,text,label;
# image is the file name, so OUT itself is the image folder):
#
#   tools/make-emoji-dataset.sh [--out DIR] [--version V] [--min-count N]
#   fusionlab-cli compare --images data/emoji --csv data/emoji/emoji.csv --folds 5
#
# Needs npm (only `npm pack`: nothing is installed) and python3.

set -euo pipefail

out=data/emoji
version=16.0.0
min_count=20

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --min-count) min_count=$2; shift 2 ;;
    -h|--help) sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-emoji-dataset.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

for tool in npm tar python3; do
  command -v "$tool" >/dev/null || { echo "make-emoji-dataset.sh: $tool not found" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "emoji-datasource-twitter@$version" >/dev/null)
tar -xzf "$tmp"/emoji-datasource-twitter-*.tgz -C "$tmp"
pkg=$tmp/package
[[ -f $pkg/emoji.json && -d $pkg/img/twitter/64 ]] || {
  echo "make-emoji-dataset.sh: unexpected package layout in emoji-datasource-twitter@$version" >&2
  exit 1
}

mkdir -p "$out"

python3 - "$pkg" "$out" "$min_count" <<'EOF'
import collections
import csv
import json
import os
import re
import shutil
import sys

pkg, out, min_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
img_dir = os.path.join(pkg, "img", "twitter", "64")

with open(os.path.join(pkg, "emoji.json"), encoding="utf-8") as f:
    emoji = json.load(f)


def words(e):
    # name and short names only: never category or subcategory (the label)
    parts = [e.get("name") or ""] + list(e.get("short_names") or [])
    seen, ws = set(), []
    for w in re.split(r"[\W_]+", " ".join(parts).lower()):
        if w and w not in seen:
            seen.add(w)
            ws.append(w)
    return " ".join(ws)


rows = []
for e in emoji:  # base emoji only: skin_variations are not walked
    cat = e.get("category")
    img = e.get("image")
    if not cat or cat == "Component" or not img:
        continue
    if not e.get("has_img_twitter", True) or not os.path.isfile(os.path.join(img_dir, img)):
        continue
    text = words(e)
    if text:
        rows.append((img, text, cat))

counts = collections.Counter(r[2] for r in rows)
rows = [r for r in rows if counts[r[2]] >= min_count]
rows.sort(key=lambda r: (r[2], r[0]))

for img, _, _ in rows:
    shutil.copyfile(os.path.join(img_dir, img), os.path.join(out, img))

with open(os.path.join(out, "emoji.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)  # RFC 4180: quotes fields with commas or quotes, CRLF
    w.writerow(["image", "text", "label"])
    w.writerows(rows)

kept = collections.Counter(r[2] for r in rows)
print("%s: %d rows, %d classes" % (os.path.join(out, "emoji.csv"), len(rows), len(kept)))
for cat, n in sorted(kept.items(), key=lambda kv: -kv[1]):
    print("  %4d  %s" % (n, cat))
EOF
