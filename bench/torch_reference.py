#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The reference model of SPEC §4 in PyTorch, for comparison with the engine.

  torch_reference.py train DATA.safetensors --fusion concat [--epochs 10]
      trains on exactly the data, split and settings the engine trains on
      (DATA written by `fusionlab-cli train … --export DATA`) and prints the
      engine's epoch lines.
  torch_reference.py bench [--samples 4096] [--image-size 64] [--decode LIST]
      throughput of one training epoch and one evaluation pass on generated
      data, and PIL decode+resize throughput (--draft: with PIL's draft
      mode, libjpeg's DCT scaling), as key=value lines.

Needs Debian's python3-torch (and python3-pil for --decode); run with
/usr/bin/python3.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


# the model is resources/torch/model.py, the one an export to PyTorch
# trains (fusionlab-cli export-torch): one source for both
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "torch"))
from model import FusionModel, objective, read_safetensors  # noqa: E402,F401  (torch_match.py imports it)


def Reference(S, V, C, fusion, branches="image,text", rank=8):
    """The reference model of SPEC §4 at its default widths."""
    return FusionModel(dict(image_size=S, conv1=32, conv2=64, feat_dim=128, text_hidden=100,
                            head_hidden=128, vocab_size=V, n_classes=C, fusion=fusion,
                            branches=branches, rank=rank))


def as_batch(x, t, extra=None):
    """A batch for FusionModel from images x and dense multi-hot bags t
    (N,V): the bags as token ids and offsets, as the engine reads them."""
    rows, cols = t.nonzero(as_tuple=True)
    counts = torch.bincount(rows, minlength=t.shape[0])
    off = torch.cat([counts.new_zeros(1), counts.cumsum(0)[:-1]])
    return dict(images=x, tok_idx=cols, tok_off=off, **(extra or {}))


def macro_f1(pred, true, C):
    f1s = []
    for c in range(C):
        tp = int(((pred == c) & (true == c)).sum())
        fp = int(((pred == c) & (true != c)).sum())
        fn = int(((pred != c) & (true == c)).sum())
        if tp + fp + fn == 0:
            continue
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(f1s) / max(len(f1s), 1)


def evaluate(model, x, t, y, batch):
    model.eval()
    loss, correct, preds = 0.0, 0, []
    with torch.no_grad():
        for i in range(0, len(y), batch):
            out, _ = model(as_batch(x[i:i + batch], t[i:i + batch]))
            loss += F.cross_entropy(out, y[i:i + batch], reduction="sum").item()
            preds.append(out.argmax(1))
    model.train()
    pred = torch.cat(preds)
    return loss / len(y), float((pred == y).float().mean()), pred


def cmd_train(args):
    d = read_safetensors(args.data)
    x, t, y = d["images"], d["text"], d["labels"].long()
    val = d["is_val"] > 0.5
    S, V, C = x.shape[2], t.shape[1], int(y.max()) + 1
    xt, tt, yt = x[~val], t[~val], y[~val]
    xv, tv, yv = x[val], t[val], y[val]
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads or os.cpu_count())
    model = Reference(S, V, C, args.fusion)
    init = {k[5:]: v for k, v in d.items() if k.startswith("init.")}
    if init and not args.own_init:
        model.load_state_dict(init)   # the engine's initial weights
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    n = len(yt)
    order = d.get("train_order")
    if order is not None and order.shape[0] < args.epochs:
        order = None
    train_rates, eval_rates = [], []
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        if order is not None and not args.own_order:
            # the engine's visiting order, given as dataset indices
            perm = order[epoch - 1].long()
            xe, te, ye = x[perm], t[perm], y[perm]
        else:
            perm = torch.randperm(n)
            xe, te, ye = xt[perm], tt[perm], yt[perm]
        loss_sum, correct = 0.0, 0
        for i in range(0, n, args.batch):
            xb, tb, yb = xe[i:i + args.batch], te[i:i + args.batch], ye[i:i + args.batch]
            out, heads = model(as_batch(xb, tb))
            loss, objective_ = objective(out, heads, yb)
            opt.zero_grad()
            objective_.backward()
            opt.step()
            loss_sum += loss.item() * len(yb)
            correct += int((out.argmax(1) == yb).sum())
        secs = time.time() - t0
        t1 = time.time()
        vl, va, pred = evaluate(model, xv, tv, yv, args.batch)
        train_rates.append(n / secs)
        eval_rates.append(len(yv) / (time.time() - t1))
        print("epoch %d/%d train_loss %.4f train_acc %.4f val_loss %.4f val_acc %.4f "
              "val_f1 %.4f samples_per_s %.1f" % (epoch, args.epochs, loss_sum / n, correct / n,
                                                  vl, va, macro_f1(pred, yv, C), n / secs),
              flush=True)
    if args.bench:
        # as fl-bench prints them: the median epoch's training throughput,
        # and the evaluation's
        print("torch_version=%s" % torch.__version__)
        print("train_samples_per_s=%.1f" % statistics.median(train_rates))
        print("eval_samples_per_s=%.1f" % statistics.median(eval_rates))


def cmd_bench(args):
    threads = args.threads or os.cpu_count()
    torch.set_num_threads(threads)
    if args.decode:
        from PIL import Image
        paths = open(args.decode).read().split()
        t0 = time.time()
        for p in paths:
            im = Image.open(p)
            if args.draft:
                # JPEG only: libjpeg's DCT-domain scaling, to the largest
                # reduction that keeps S a side (as the engine does)
                im.draft("RGB", (args.image_size, args.image_size))
            im = im.convert("RGBA")
            bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
            np.asarray(Image.alpha_composite(bg, im).convert("RGB")
                       .resize((args.image_size, args.image_size), Image.BILINEAR))
        print("decode_images_per_s=%.1f" % (len(paths) / (time.time() - t0)))
        return
    torch.manual_seed(1)
    S, V, C, B = args.image_size, 2000, 10, args.batch
    total = int(args.samples / 0.8 + 0.5)
    n_train = args.samples
    x = torch.randn(total, 3, S, S)
    t = (torch.rand(total, V) < 8 / V).float()
    y = torch.randint(0, C, (total,))
    model = Reference(S, V, C, "concat")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    # one warm-up batch, as the engine's first batch also allocates
    out, _ = model(as_batch(x[:B], t[:B])); F.cross_entropy(out, y[:B]).backward(); opt.zero_grad()
    t0 = time.time()
    perm = torch.randperm(n_train)
    for i in range(0, n_train, B):
        idx = perm[i:i + B]
        loss = F.cross_entropy(model(as_batch(x[idx], t[idx]))[0], y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    train_sps = n_train / (time.time() - t0)
    t0 = time.time()
    evaluate(model, x[n_train:], t[n_train:], y[n_train:], B)
    eval_sps = (total - n_train) / (time.time() - t0)
    print("threads=%d" % threads)
    print("torch_version=%s" % torch.__version__)
    print("train_samples_per_s=%.1f" % train_sps)
    print("eval_samples_per_s=%.1f" % eval_sps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("data")
    tr.add_argument("--fusion", default="concat",
                    choices=["concat", "mean", "product", "gated", "late", "lowrank", "image", "text"])
    tr.add_argument("--epochs", type=int, default=10)
    tr.add_argument("--batch", type=int, default=64)
    tr.add_argument("--lr", type=float, default=1e-3)
    tr.add_argument("--seed", type=int, default=42)
    tr.add_argument("--threads", type=int, default=0)
    tr.add_argument("--own-init", action="store_true", help="PyTorch's own random init")
    tr.add_argument("--own-order", action="store_true", help="PyTorch's own shuffling")
    tr.add_argument("--bench", action="store_true",
                    help="end with the median throughputs as key=value lines")
    be = sub.add_parser("bench")
    be.add_argument("--samples", type=int, default=4096)
    be.add_argument("--image-size", type=int, default=64)
    be.add_argument("--batch", type=int, default=64)
    be.add_argument("--threads", type=int, default=0)
    be.add_argument("--decode")
    be.add_argument("--draft", action="store_true", help="with --decode: PIL's draft mode")
    args = ap.parse_args()
    {"train": cmd_train, "bench": cmd_bench}[args.cmd](args)


if __name__ == "__main__":
    main()
