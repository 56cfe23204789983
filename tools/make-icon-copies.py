#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A folder of COUNT real images for the scale benchmarks (bench/reopen.sh,
bench/scale.sh): the PNGs of the Adwaita icon theme (adwaita-icon-theme,
every size from 8x8 to 512x512), then copies of them under other names until
there are COUNT files, their times set an hour back (the decoded-image cache
keeps no file modified in the last 2 s), and its CSV: image
(<context>/<size>-<name>[-copyK].png), text (the icon's name) and label (its
context: apps, status, ...). Made once: when CSV already lists COUNT images,
nothing is done; otherwise IMAGES_DIR is emptied and made again.

  tools/make-icon-copies.py IMAGES_DIR CSV COUNT
"""
import os, shutil, sys, time
images, csv, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if os.path.exists(csv):
    with open(csv) as f:
        if sum(1 for _ in f) - 1 == count:
            sys.exit(0)
print("making %d images in %s …" % (count, images), file=sys.stderr)
shutil.rmtree(images, ignore_errors=True)
os.makedirs(images)
root = "/usr/share/icons/Adwaita"
sources = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                 if f.endswith(".png") and not os.path.islink(os.path.join(d, f)))
if not sources:
    sys.exit("no PNGs in " + root)
old = time.time() - 3600
with open(csv + ".tmp", "w") as out:
    out.write("image,text,label\n")
    for k in range(count):
        src = sources[k % len(sources)]
        copy = k // len(sources)
        context = os.path.basename(os.path.dirname(src))
        size = os.path.basename(os.path.dirname(os.path.dirname(src)))
        name = os.path.basename(src)[:-4]
        rel = "%s/%s-%s%s.png" % (context, size, name, "-copy%d" % copy if copy else "")
        os.makedirs(os.path.join(images, context), exist_ok=True)
        shutil.copyfile(src, os.path.join(images, rel))
        os.utime(os.path.join(images, rel), (old, old))
        out.write("%s,%s,%s\n" % (rel, name.replace("-", " ").replace("_", " ").replace(".", " "), context))
os.rename(csv + ".tmp", csv)
