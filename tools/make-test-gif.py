#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Prints the two-frame GIF that tests/test-image.c embeds as a C array.

Frame 1 is 2x2: red, green / blue, white. Frame 2 is all black, so a
decoder that returned the last frame instead of the first would show it.
Run it once (Debian python3-pil) and paste the output; the test never needs PIL.
"""
import io

from PIL import Image

PALETTE = [255, 0, 0,  0, 255, 0,  0, 0, 255,  255, 255, 255,  0, 0, 0]


def frame(indices):
    im = Image.new("P", (2, 2))
    im.putpalette(PALETTE + [0] * (768 - len(PALETTE)))
    im.putdata(indices)
    return im


first = frame([0, 1, 2, 3])
second = frame([4, 4, 4, 4])
buf = io.BytesIO()
first.save(buf, "GIF", save_all=True, append_images=[second], duration=100, loop=0)
data = buf.getvalue()

print("/* tools/make-test-gif.py: 2x2, frame 1 red green / blue white, frame 2 black */")
print("static const guint8 two_frame_gif[%d] = {" % len(data))
for i in range(0, len(data), 12):
    print("  " + ", ".join("0x%02x" % b for b in data[i:i + 12]) + ",")
print("};")
