#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates the seed corpora fuzz/corpus/NAME from the engine's own
writers, so the fuzzers start from real files:

   fuzz/make-corpus.py [BUILD-DIR]      (default: build)

- model: fusionlab-cli train --save on a slice of the demo data (text and
  concat fusion, 4x4 images, so the files stay small), match --save (a
  matching model) on the same, and fuzz/make-seeds
  (fl_model_file_save) for version-2 files with audio and numeric
  branches; each also as its header alone;
- experiment: fusionlab-cli compare --experiment and train --experiment;
- safetensors: fuzz/make-seeds (fl_safetensors_save) and the PyTorch
  fixtures in tests/data;
- image: fuzz/make-seeds (PNG, BMP, TGA, JPEG through stb_image_write), the
  GIF embedded in tests/test-image.c, and a few demo PNGs;
- image-cache: fuzz/make-seeds (the decoded-image cache of some of those
  images, whole, truncated and a header alone);
- csv, text, paths: slices of resources/demo/texts.csv and the edge cases
  written below;
- audio: short WAVs written here (PCM, float, µ-law, hostile headers), and
  with python3-soundfile (when /usr/bin/python3 has it; tools/deps.sh
  installs it for bench/audio.sh) short FLAC, Ogg Vorbis, Ogg Opus, RF64
  and WAVE_FORMAT_EXTENSIBLE clips, each also cut in half.

The seeds are rewritten; the inputs the fuzzers added (merged in with
libFuzzer's -merge=1, named by their SHA-1) are kept. Needs only python3
and a configured build."""
import json
import math
import os
import re
import struct
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(SRC, "resources", "demo")
CORPUS = os.path.join(SRC, "fuzz", "corpus")

CSV_CASES = {
    "quoted.csv": b'image,text,label\n"a,b.png","say ""hi"", then\nleave",x\n',
    "bom-crlf.csv": b"\xef\xbb\xbfimage,caption,class\r\n1.png,one,a\r\n2.png,two,b\r\n",
    "cr.csv": b"file,description,category\r1.png,one,a\r2.png,two,b",
    "ragged.csv": b"image,text,label\n1.png\n2.png,t,l,extra,more\n\n  \n3.png, spaced ,l\n",
    "bad-utf8.csv": b"image,text,label\n1.png,caf\xe9 \xff\xfe,l\n",
    "unclosed.csv": b'image,text,label\n1.png,"never closed,l\n',
    "nul.csv": b"image,text,label\n1.png,a\x00b,l\n",
    "header-only.csv": b"image,text,label\n",
    "stray-quote.csv": b'path,text\nab"c.png,x"y\n',
    "empty.csv": b"",
}

TEXT_CASES = [
    "Hello, WORLD! GTK4", "ＧＴＫ full width", "Straße", "日本語", "東京タワー",
    "GTK4日本", "हिन्दी", "ภาษาไทย", "한국어 문장", "\u0301 a mark alone",
    "ｰ half-width prolonged mark", "don't_stop-now", "",
]

PATH_CASES = [
    "a.png", "cats/1.png", "1.png", "./a.png", "cats/../a.png", "cats//1.png",
    "cats/./1.png", "cats\\1.png", "..\\up.png", "../outside/secret.png",
    "escape.png", "out/secret.png", "out/cats/1.png", "inside.png", "secret.png",
    "/etc/passwd", "\\a.png", "C:\\x.png", "cats/.hidden.png",
    "dogs/../../root/a.png", "cats/1.png/..", "missing.png", ".",
]


SHA1 = re.compile(r"^[0-9a-f]{40}$")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def copy_all(target, folder, prefix=""):
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            write(target, prefix + name, f.read())


def demo_rows(n):
    with open(os.path.join(DEMO, "texts.csv"), encoding="utf-8") as f:
        return f.read().splitlines()[: n + 1]


def cli(build, *args):
    exe = os.path.join(build, "cli", "fusionlab-cli")
    subprocess.run([exe, *args, "-q"], check=True, stdout=subprocess.DEVNULL)


def models_and_experiments(build, tmp):
    csv = os.path.join(tmp, "slice.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("\n".join(demo_rows(30)) + "\n")
    images = os.path.join(DEMO, "images")
    common = ["--images", images, "--csv", csv, "--epochs", "1", "--image-size", "4"]
    for fusion in ("text", "concat"):
        out = os.path.join(tmp, "model-%s.safetensors" % fusion)
        cli(build, "train", *common, "--fusion", fusion, "--save", out)
        with open(out, "rb") as f:
            data = f.read()
        write("model", os.path.basename(out), data)
        write("model", "header-only-%s" % fusion, header_only(data))
    match_model(build, tmp, common, images, csv)
    for command in ("train", "compare"):
        out = os.path.join(tmp, "%s.json" % command)
        cli(build, command, *common, "--experiment", out)
        with open(out, "rb") as f:
            # the machine's folders are no business of the corpus
            data = f.read().replace(images.encode(), b"images").replace(csv.encode(), b"texts.csv")
        write("experiment", command + ".json", data)


def match_model(build, tmp, common, images, csv):
    """A matching model (fusionlab-cli match --save), the data it records
    made relative: the machine's folders are no business of the corpus."""
    out = os.path.join(tmp, "model-match.safetensors")
    cli(build, "match", *common, "--embed-dim", "4", "--save", out)
    with open(out, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    header["__metadata__"]["data"] = json.dumps({"images": "images", "csv": "texts.csv"})
    text = json.dumps(header).encode()
    data = struct.pack("<Q", len(text)) + text + data[8 + n :]
    write("model", "model-match.safetensors", data)
    write("model", "header-only-match", header_only(data))


def header_only(data):
    """The model file without its tensors: small, so the fuzzer spends its
    time in the header and the metadata."""
    n = struct.unpack("<Q", data[:8])[0]
    header = {"__metadata__": json.loads(data[8 : 8 + n])["__metadata__"]}
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text


def gif_from_test():
    with open(os.path.join(SRC, "tests", "test-image.c"), encoding="utf-8") as f:
        body = re.search(r"two_frame_gif\[\d+\] = \{(.*?)\};", f.read(), re.S).group(1)
    return bytes(int(x, 16) for x in re.findall(r"0x[0-9a-fA-F]{2}", body))


def seeds(build, tmp):
    out = os.path.join(tmp, "seeds")
    subprocess.run([os.path.join(build, "fuzz", "make-seeds"), out], check=True)
    copy_all("image", os.path.join(out, "image"))
    write("image", "two-frames.gif", gif_from_test())
    for name in ("0000.png", "0001.png", "0002.png"):
        with open(os.path.join(DEMO, "images", name), "rb") as f:
            write("image", "demo-" + name, f.read())
    copy_all("safetensors", os.path.join(out, "safetensors"))
    copy_all("image-cache", os.path.join(out, "image-cache"))
    for name in sorted(os.listdir(os.path.join(out, "model"))):
        with open(os.path.join(out, "model", name), "rb") as f:
            data = f.read()
        write("model", "model-" + name, data)
        write("model", "header-only-" + name.replace(".safetensors", ""), header_only(data))
    for name in ("torch-text.safetensors", "torch-image.safetensors"):
        with open(os.path.join(SRC, "tests", "data", name), "rb") as f:
            write("safetensors", name, f.read())


def texts_and_cells():
    rows = demo_rows(400)
    for n in (1, 3, 10):
        write("csv", "demo-%d.csv" % n, "\n".join(rows[: n + 1]) + "\n")
    for name, data in CSV_CASES.items():
        write("csv", name, data)
    for i, row in enumerate(rows[1:6]):
        write("text", "demo-%d.txt" % i, row.split(",")[1])
    for i, text in enumerate(TEXT_CASES):
        write("text", "case-%02d.txt" % i, text)
    write("text", "bad-utf8.txt", b"ok \xc3\x28 \xe2\x82 end")
    for i, cell in enumerate(PATH_CASES):
        write("paths", "cell-%02d" % i, cell)


def wav(channels, rate, bits, data, tag=1, declared=None):
    """A RIFF WAVE file: a 16-byte fmt chunk and a data chunk that says it
    holds `declared` bytes (default: what it holds)."""
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)
    size = len(data) if declared is None else declared
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tone(n, rate, amp=0.5):
    return [amp * math.sin(2 * math.pi * 440 * i / rate) for i in range(n)]


def audio_by_hand():
    pcm = struct.pack("<800h", *[int(v * 32767) for v in tone(800, 16000)])
    write("audio", "pcm16-16k.wav", wav(1, 16000, 16, pcm))
    write("audio", "u8-8k.wav", wav(1, 8000, 8, bytes(int(128 + 100 * v) for v in tone(400, 8000))))
    write("audio", "float-stereo.wav", wav(2, 44100, 32, struct.pack("<400f", *tone(400, 44100)), tag=3))
    write("audio", "ulaw.wav", wav(1, 8000, 8, bytes(range(256)), tag=7))
    write("audio", "zero-channels.wav", wav(0, 16000, 16, pcm[:100]))
    write("audio", "huge-rate.wav", wav(1, 10000000, 16, pcm[:100]))
    write("audio", "many-channels.wav", wav(100, 16000, 16, pcm))
    write("audio", "nan.wav", wav(1, 16000, 32, struct.pack("<3f", 0.1, float("nan"), 0.2), tag=3))
    write("audio", "promises-more.wav", wav(1, 16000, 16, pcm[:200], declared=96000))
    write("audio", "empty.wav", wav(1, 16000, 16, b""))
    write("audio", "not-audio.wav", b"this is not audio")


def audio_with_soundfile():
    try:
        import numpy as np
        import soundfile
    except ImportError:
        print("no python3-soundfile: FLAC and Ogg seeds left out", file=sys.stderr)
        return
    import io
    t = np.arange(1600) / 16000.0
    x = 0.5 * np.sin(2 * np.pi * 440 * t)
    cases = [("short.flac", x, 16000, "FLAC", "PCM_16"),
             ("stereo-8k.flac", np.stack([x[:400], x[:400]], 1), 8000, "FLAC", "PCM_24"),
             ("short.ogg", x, 16000, "OGG", "VORBIS"),
             ("short.opus", x, 48000, "OGG", "OPUS"),
             ("rf64.wav", x[:200], 16000, "RF64", "PCM_16"),
             ("extensible.wav", np.stack([x[:200]] * 3, 1), 22050, "WAVEX", "PCM_24")]
    for name, data, rate, fmt, subtype in cases:
        out = io.BytesIO()
        soundfile.write(out, data, rate, format=fmt, subtype=subtype)
        write("audio", name, out.getvalue())
        write("audio", "cut-" + name, out.getvalue()[: len(out.getvalue()) // 2])


def main(argv):
    build = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(SRC, "build"))
    subprocess.run(["meson", "compile", "-C", build, "fusionlab-cli", "fuzz/make-seeds"],
                   check=True, stdout=subprocess.DEVNULL)
    for target in ("csv", "text", "image", "safetensors", "model", "experiment", "paths",
                   "image-cache", "audio"):
        folder = os.path.join(CORPUS, target)
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            if not SHA1.match(name):
                os.remove(os.path.join(folder, name))
    with tempfile.TemporaryDirectory() as tmp:
        models_and_experiments(build, tmp)
        seeds(build, tmp)
    texts_and_cells()
    audio_by_hand()
    audio_with_soundfile()
    for target in sorted(os.listdir(CORPUS)):
        folder = os.path.join(CORPUS, target)
        size = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))
        print("%-12s %3d files %8d bytes" % (target, len(os.listdir(folder)), size))


if __name__ == "__main__":
    main(sys.argv)
