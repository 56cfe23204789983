#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The audio branch's input in NumPy/SciPy: the log-mel of /work/design-14.md
(engine/fl-audio.h), written plainly, as a user without Fusion Lab would.

  /usr/bin/python3 bench/audio_reference.py bench --audio LIST   # clips/s, one core
  /usr/bin/python3 bench/audio_reference.py logmel CLIP          # its (64, 200) log-mel

A clip is decoded with python3-soundfile (libsndfile, as the engine), only
the frames the first 2 s need; mixed to mono (the mean of its channels);
resampled to 16 kHz with scipy.signal.resample_poly (a 16 kHz clip is taken
as it is); cut or zero-padded to 32000 samples; framed (200 frames of 400
samples at a hop of 160, zeros past the end), windowed with a periodic Hann
window, zero-padded to 512, numpy's rfft, power; 64 triangular HTK mel
filters from 0 to 8000 Hz with peaks of 1; ln(energy + 1e-6).

tools/make-audio-fixture.py computes the test fixture with these functions.
Needs python3-numpy, python3-scipy and python3-soundfile (bench/audio.sh
installs them). "bench" keeps NumPy and its BLAS on one thread.
"""
import os
import sys

if len(sys.argv) > 1 and sys.argv[1] == "bench":
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"

import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

RATE = 16000
SAMPLES = 32000
HOP = 160
WIN = 400
NFFT = 512
MELS = 64
FRAMES = 200


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def mel_filters():
    """(64, 257): band j rises from corner j to 1 at corner j+1 and falls to
    0 at corner j+2; corners evenly spaced in mel from 0 to 8000 Hz."""
    corners = mel_to_hz(np.linspace(0.0, hz_to_mel(RATE / 2.0), MELS + 2))
    freqs = np.arange(NFFT // 2 + 1) * RATE / NFFT
    fb = np.zeros((MELS, NFFT // 2 + 1))
    for j in range(MELS):
        up = (freqs - corners[j]) / (corners[j + 1] - corners[j])
        down = (corners[j + 2] - freqs) / (corners[j + 2] - corners[j + 1])
        fb[j] = np.maximum(0.0, np.minimum(up, down))
    return fb


FB = mel_filters()
WINDOW = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(WIN) / WIN)


def logmel_16k(x):
    """The (64, 200) log-mel of x, mono samples at 16 kHz."""
    padded = np.zeros((FRAMES - 1) * HOP + WIN)
    n = min(len(x), SAMPLES)
    padded[:n] = x[:n]
    idx = np.arange(FRAMES)[:, None] * HOP + np.arange(WIN)[None, :]
    frames = padded[idx] * WINDOW
    power = np.abs(np.fft.rfft(frames, n=NFFT, axis=1)) ** 2
    return np.log(FB @ power.T + 1e-6)


def to_16k(x, rate):
    """x at rate Hz resampled to 16 kHz."""
    if rate == RATE:
        return x
    g = math.gcd(RATE, rate)
    return resample_poly(x, RATE // g, rate // g)


def frames_needed(rate):
    """As the engine: every frame of the 2 s window, and 50 ms more when
    resampling, so the filter sees signal around the window's end."""
    need = SAMPLES * rate // RATE
    return need if rate == RATE else need + rate // 20 + 64


def clip_logmel(path):
    import soundfile
    with soundfile.SoundFile(path) as f:
        x = f.read(frames_needed(f.samplerate), dtype="float32", always_2d=True)
        rate = f.samplerate
    mono = x.astype(np.float64).mean(axis=1)
    return logmel_16k(to_16k(mono, rate))


def bench(list_file):
    paths = [p for p in open(list_file).read().split("\n") if p]
    for p in paths[:3]:          # warm up: imports, caches
        clip_logmel(p)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for p in paths:
            clip_logmel(p)
        best = max(best, len(paths) / (time.perf_counter() - t0))
    print("clips=%d" % len(paths))
    print("clips_per_s=%.1f" % best)


def main(argv):
    if len(argv) == 4 and argv[1] == "bench" and argv[2] == "--audio":
        bench(argv[3])
    elif len(argv) == 3 and argv[1] == "logmel":
        np.savetxt(sys.stdout, clip_logmel(argv[2]), fmt="%.6f")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
