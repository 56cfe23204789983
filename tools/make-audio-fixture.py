#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/audio/: a few generated clips and, beside each, what
NumPy/SciPy say its log-mel is (bench/audio_reference.py, the design's
definition written plainly), so that tests/test-audio.c checks the engine
without Python.

  /usr/bin/python3 tools/make-audio-fixture.py [--out tests/data/audio]

Needs python3-numpy, python3-scipy and python3-soundfile (to write FLAC and
Ogg); when they are missing it installs them with tools/deps.sh. For each
clip NAME it writes NAME (the clip) and NAME.logmel: 64 × 200 little-endian
float32, band-major, computed by audio_reference.clip_logmel() from the
clip as decoded by soundfile (so the Ogg's lossy coding is the same on both
sides). The signals are seeded: the same bytes on every run.

  tone-16k-mono.wav      16 kHz mono PCM, 2.5 s: a 440 Hz tone, a chirp and
                         noise; longer than the 2 s window. No resampling:
                         the engine must agree to float rounding.
  noise-16k-stereo.flac  16 kHz stereo FLAC, 1.2 s: a tone and noise per
                         channel; shorter than the window (zero-padded),
                         mixed to mono, lossless: as exact as the WAV.
  tone-44k-stereo.wav    44.1 kHz stereo PCM, 0.6 s: a 440 Hz tone (the
                         right channel at half amplitude) and a little noise.
  tone-8k.flac           8 kHz mono FLAC, 2.5 s: a 1000 Hz tone and noise.
  tones-22k.ogg          22.05 kHz mono Ogg Vorbis, 1.5 s: 440 and 2500 Hz.
  adpcm.wav              16 kHz mono IMA ADPCM, 0.1 s: an encoding the engine
                         refuses (no .logmel).
  rf64.wav               16 kHz mono RF64, 200 samples: the test cuts it to
                         check that a truncated RF64 is refused (no .logmel).

The last three are resampled, by libsamplerate in the engine and by
resample_poly here: the test compares them more loosely.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
    import soundfile
    from scipy.signal import chirp
except ImportError:
    subprocess.run(["bash", "-c", ". tools/deps.sh && fl_install_deps python3-numpy "
                    "python3-scipy python3-soundfile"], cwd=ROOT, check=True)
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

sys.path.insert(0, os.path.join(ROOT, "bench"))
import audio_reference  # noqa: E402


def seconds(rate, dur):
    return np.arange(int(round(rate * dur))) / rate


def tone(t, f, a):
    return a * np.sin(2 * np.pi * f * t)


def clips(rng):
    """(name, samples (frames, channels), rate, format, subtype)"""
    t = seconds(16000, 2.5)
    sweep = 0.2 * chirp(t, f0=100.0, t1=2.5, f1=7000.0)
    yield ("tone-16k-mono.wav", tone(t, 440, 0.5) + sweep + rng.normal(0, 0.01, len(t)),
           16000, "WAV", "PCM_16")
    t = seconds(16000, 1.2)
    left = tone(t, 440, 0.4) + rng.normal(0, 0.005, len(t))
    right = tone(t, 3000, 0.3) + rng.normal(0, 0.005, len(t))
    yield ("noise-16k-stereo.flac", np.stack([left, right], 1), 16000, "FLAC", "PCM_16")
    t = seconds(44100, 0.6)
    left = tone(t, 440, 0.5) + rng.normal(0, 0.003, len(t))
    right = tone(t, 440, 0.25) + rng.normal(0, 0.003, len(t))
    yield ("tone-44k-stereo.wav", np.stack([left, right], 1), 44100, "WAV", "PCM_16")
    t = seconds(8000, 2.5)
    yield ("tone-8k.flac", tone(t, 1000, 0.5) + rng.normal(0, 0.01, len(t)), 8000, "FLAC", "PCM_16")
    t = seconds(22050, 1.5)
    yield ("tones-22k.ogg", tone(t, 440, 0.4) + tone(t, 2500, 0.2) + rng.normal(0, 0.005, len(t)),
           22050, "OGG", "VORBIS")
    t = seconds(16000, 0.1)
    yield ("adpcm.wav", tone(t, 440, 0.5), 16000, "WAV", "IMA_ADPCM")
    yield ("rf64.wav", tone(t, 440, 0.5)[:200], 16000, "RF64", "PCM_16")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "audio"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(14)
    for name, x, rate, fmt, subtype in clips(rng):
        path = os.path.join(args.out, name)
        soundfile.write(path, np.clip(x, -1, 1), rate, format=fmt, subtype=subtype)
        if name in ("adpcm.wav", "rf64.wav"):
            continue
        mel = audio_reference.clip_logmel(path).astype("<f4")
        assert mel.shape == (64, 200)
        mel.tofile(path + ".logmel")
        print("%s: %d bytes, log-mel from %.2f to %.2f" % (name, os.path.getsize(path),
                                                           mel.min(), mel.max()))


if __name__ == "__main__":
    main()
