#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Which DCT-domain reduction a JPEG should be decoded at before the
# engine's bilinear resize to S×S (PyTorch's, align_corners=False, no
# antialiasing): the smallest that keeps both sides ≥ S (what the engine
# does, engine/fl-image.c), or ≥ 2·S (what issue 16 first asked). Each is
# compared with the ideal, the full decode box-filtered to S×S, on the
# photos of bench/photos.sh (data/photos/) re-encoded at three sizes.
# PIL's draft mode makes the same libjpeg reduction as the engine.
#   bench/jpeg-scale.py [--count 12] [--image-size 64]
import argparse, glob, io, sys
import numpy as np
from PIL import Image


def bilinear(a, S):
    """a (H, W, 3) to (S, S, 3) as torch's upsample_bilinear2d."""
    def taps(n_in):
        x = np.clip((np.arange(S) + 0.5) * n_in / S - 0.5, 0, None)
        i0 = np.minimum(np.floor(x).astype(int), n_in - 1)
        return i0, np.minimum(i0 + 1, n_in - 1), x - i0
    y0, y1, ly = taps(a.shape[0])
    x0, x1, lx = taps(a.shape[1])
    r = a[y0] * (1 - ly)[:, None, None] + a[y1] * ly[:, None, None]
    return r[:, x0] * (1 - lx)[None, :, None] + r[:, x1] * lx[None, :, None]


p = argparse.ArgumentParser()
p.add_argument("--count", type=int, default=12)
p.add_argument("--image-size", type=int, default=64)
args = p.parse_args()
S = args.image_size
files = sorted(glob.glob("data/photos/*.jpg"))[:args.count]
if not files:
    sys.exit("no photos in data/photos/: run bench/photos.sh first")
err = {1: [], 2: []}
for f in files:
    photo = Image.open(f).convert("RGB")
    for size in ((640, 480), (1024, 768), (1600, 1200)):
        buf = io.BytesIO()
        photo.resize(size, Image.LANCZOS).save(buf, "JPEG", quality=90)
        full = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        ideal = np.asarray(full.resize((S, S), Image.BOX), dtype=np.float64)
        for k in err:
            im = Image.open(io.BytesIO(buf.getvalue()))
            im.draft("RGB", (k * S, k * S))
            out = bilinear(np.asarray(im.convert("RGB"), dtype=np.float64), S)
            err[k].append(np.abs(out - ideal).mean())
for k, e in err.items():
    print("sides >= %s: mean |diff| from the box-filtered full decode %.2f ± %.2f levels (%d pictures)"
          % ("S" if k == 1 else "%d·S" % k, np.mean(e), np.std(e), len(e)))
