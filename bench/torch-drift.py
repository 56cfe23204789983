#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""How far one PyTorch process (export-torch's train.py) strays from the
engine's epoch lines, seed by seed, against how far PyTorch strays from
itself when it trains in float64 instead of float32: the noise floor of
the same training.

  bench/torch-drift.py [--seeds 1,2,3,4,5,6,7,8] [--epochs 3] [--batch 64]
                       [--fusion concat] [-- more fusionlab-cli train options]

e.g. `bench/torch-drift.py -- --text-encoder gru --text-pool mean`. On the
bundled demo data at S = 16. For each seed it prints, per epoch, the largest
|difference| of train_loss, train_acc, val_loss, val_acc and val_f1 between
the engine (`fusionlab-cli train --json`) and train.py (float32, one
thread), and between train.py in float32 and in float64 (the same initial
weights, data and order). A model with an image branch has max-pool windows
whose two largest values lie within an ulp of each other; the order a side
sums its convolution in picks the winner, the gradient follows it, and from
there two runs part ways: float32 against float64 PyTorch as much as the
engine against PyTorch (tests/test-torch-export.py says what was measured).

FUSIONLAB_CLI: a fusionlab-cli already built (else build/cli/fusionlab-cli).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CLI = os.environ.get("FUSIONLAB_CLI", os.path.join(SRC, "build", "cli", "fusionlab-cli"))
DEMO = ["--images", os.path.join(SRC, "resources/demo/images"),
        "--csv", os.path.join(SRC, "resources/demo/texts.csv"), "--image-size", "16"]
KEYS = ("train_loss", "train_acc", "val_loss", "val_acc", "val_f1")

# train.py of a folder, in float64: the model, its Adam and its batches
FLOAT64 = r"""
import json, os, sys, torch
folder = sys.argv[1]
sys.path.insert(0, folder)
import train as tr
class Data64:
    def __init__(self, d): self.d = d
    def __getattr__(self, name): return getattr(self.d, name)
    def batch(self, *a, **k):
        return {n: v.double() if v.is_floating_point() else v for n, v in self.d.batch(*a, **k).items()}
init = tr.Trainer.__init__
def init64(self, args, cfg):
    init(self, args, cfg)
    self.model.double()
    self.opt = torch.optim.Adam(self.model.parameters(), lr=args.lr, eps=float(cfg["eps"]),
                                betas=(float(cfg["beta1"]), float(cfg["beta2"])))
    self.data = Data64(self.data)
tr.Trainer.__init__ = init64
tr.Trainer.save = lambda self: None
cfg = json.load(open(os.path.join(folder, "config.json")))
sys.argv = ["train.py", "--data", folder, "--json", "--threads", "1"]
tr.Trainer(tr.parse_args(cfg), cfg).run()
"""


def lines(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit("%s failed:\n%s" % (" ".join(cmd), p.stderr))
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]


def worst(a, b):
    return [max(abs(x[k] - y[k]) for k in KEYS) for x, y in zip(a, b)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="1,2,3,4,5,6,7,8")
    ap.add_argument("--epochs", default="3")
    ap.add_argument("--batch", default="64")
    ap.add_argument("--fusion", default="concat")
    ap.add_argument("train", nargs="*", help="more fusionlab-cli train options, after --")
    a = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    fmt = lambda v: " ".join("%.1e" % x for x in v)
    print("# engine vs PyTorch float32 | PyTorch float32 vs float64: max |difference| per epoch")
    with tempfile.TemporaryDirectory(prefix="fl-torch-drift-") as tmp:
        for seed in a.seeds.split(","):
            s = DEMO + ["--epochs", a.epochs, "--batch", a.batch, "--fusion", a.fusion,
                        "--seed", seed] + a.train
            folder = os.path.join(tmp, "s" + seed)
            engine = lines([CLI, "train", "-q", "--json"] + s)
            lines([CLI, "export-torch", "-q", "--out", folder] + s)
            t32 = lines(["/usr/bin/python3", os.path.join(folder, "train.py"), "--json", "--threads", "1",
                         "--out", os.path.join(folder, "model.safetensors")], env=env)
            t64 = lines(["/usr/bin/python3", "-c", FLOAT64, folder], env=env)
            va = max(abs(x["val_acc"] - y["val_acc"]) for x, y in zip(engine, t32))
            print("seed %-3s %s (val_acc %.4f) | %s" % (seed, fmt(worst(engine, t32)), va,
                                                       fmt(worst(t32, t64))), flush=True)


if __name__ == "__main__":
    main()
