#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The matching model of fl-matcher.h in PyTorch, the reference for
`fusionlab-cli match` (issue 15).

  torch_match.py DATA.safetensors [--loss infonce|hinge|mapping]
                 [--map-loss cosine|mse] [--epochs 10] [--seed 42]

DATA is what `fusionlab-cli train --fusion concat --seed S … --export DATA`
writes: the normalised images, the multi-hot bags over the training split's
vocabulary, and the validation mask of the seeded split — the split
`fusionlab-cli match --seed S` holds out, as both build the same run (FlRun)
from the same data and seed. Everything else is PyTorch's own: the initial
weights (torch.manual_seed(seed)) and the shuffle. --engine-init and
--engine-order start from exactly the engine's run instead: its branches'
initial weights and its visiting order from DATA, and its projections drawn
as fl-matcher.c draws them (GLib's GRand, called through ctypes).

The model, as fl-matcher.h draws it:
  image  conv3×3(3→32) ReLU pool2, conv3×3(32→64) ReLU pool2, linear → D, ReLU
  text   EmbeddingBag(V, 100, sum) + bias, ReLU, linear → D, ReLU
  each   linear(D → E), L2-normalised
  loss   infonce: symmetric cross-entropy of t·u vᵀ, t = clamp(e^s, max 100),
                  s learnable from log(1/0.07)
         hinge:   VSE++ max of hinges, margin 0.2, mean over the batch
         mapping: the text side frozen at its initial weights; the image side
                  regresses it: mean(1 - cos) or mse_loss of the projections
Adam (lr 1e-3), batch 64, a final batch of a single pair skipped as the
engine skips it. nn.Linear's default initialisation is the engine's
U(±1/√fan_in); the EmbeddingBag is given the bound of the Linear(V, 100) it
stands for (nn.EmbeddingBag's own N(0, 1) would not be the same model).

Retrieval is computed here, in numpy from the embeddings: the cosine matrix
of the held-out images against their texts, each true pair's rank = the
number of candidates not strictly worse than it (ties count against it, as
in fl-match.h), R@1/5/10 and the median rank both ways. The epoch lines are
those of `fusionlab-cli match`.

Needs Debian's python3-torch; run with /usr/bin/python3.
"""
import argparse
import ctypes
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_reference import read_safetensors   # bench/, beside this script


class ImageSide(nn.Module):
    """The image branch and its projection into the shared space."""

    def __init__(self, S, c1, c2, D, E):
        super().__init__()
        self.conv1 = nn.Conv2d(3, c1, 3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.img_fc = nn.Linear(c2 * (S // 4) ** 2, D)
        self.proj = nn.Linear(D, E)

    def forward(self, x):
        a = F.max_pool2d(F.relu(self.conv1(x)), 2)
        a = F.max_pool2d(F.relu(self.conv2(a)), 2)
        return self.proj(F.relu(self.img_fc(a.flatten(1))))


class TextSide(nn.Module):
    """The text branch and its projection."""

    def __init__(self, V, H, D, E):
        super().__init__()
        bound = 1 / math.sqrt(V)   # that of nn.Linear(V, H)
        self.txt_emb = nn.EmbeddingBag(V, H, mode="sum")
        self.txt_emb_bias = nn.Parameter(torch.empty(H))
        nn.init.uniform_(self.txt_emb.weight, -bound, bound)
        nn.init.uniform_(self.txt_emb_bias, -bound, bound)
        self.txt_fc = nn.Linear(H, D)
        self.proj = nn.Linear(D, E)

    def forward(self, idx, offsets):
        b = F.relu(self.txt_emb(idx, offsets) + self.txt_emb_bias)
        return self.proj(F.relu(self.txt_fc(b)))


class Bags:
    """The multi-hot rows as EmbeddingBag input: each sample's word indices."""

    def __init__(self, multi_hot):
        rows, cols = multi_hot.nonzero(as_tuple=True)
        counts = torch.bincount(rows, minlength=multi_hot.shape[0])
        self.words = torch.split(cols, counts.tolist())

    def batch(self, idx):
        words = [self.words[i] for i in idx.tolist()]
        lengths = torch.tensor([0] + [len(w) for w in words[:-1]])
        return torch.cat(words), torch.cumsum(lengths, 0)


def build(d, args):
    img = d["images"]
    S = img.shape[2]
    c1, c2 = d["init.conv1.weight"].shape[0], d["init.conv2.weight"].shape[0]
    D, H = d["init.img_fc.weight"].shape[0], d["init.txt_emb.weight"].shape[0]
    V = d["text"].shape[1]
    image = ImageSide(S, c1, c2, D, args.embed_dim)
    text = TextSide(V, H, D, args.embed_dim)
    if args.engine_init:
        with torch.no_grad():
            for name in ("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                         "img_fc.weight", "img_fc.bias"):
                image.get_parameter(name).copy_(d["init." + name])
            text.txt_emb.weight.copy_(d["init.txt_emb.weight"].T)
            text.txt_emb_bias.copy_(d["init.txt_emb.bias"])
            for name in ("txt_fc.weight", "txt_fc.bias"):
                text.get_parameter(name).copy_(d["init." + name])
        engine_projections(args.seed, image, text)
    return image, text


def engine_projections(seed, image, text):
    """fl-matcher.c's init_proj(): W and b of the image's projection, then
    the text's, each element g_rand_double_range (±1/√D), from the GRand
    seeded with the two 32-bit halves of seed ^ "matcher!"."""
    glib = ctypes.CDLL("libglib-2.0.so.0")
    glib.g_rand_new_with_seed_array.restype = ctypes.c_void_p
    glib.g_rand_new_with_seed_array.argtypes = [ctypes.POINTER(ctypes.c_uint32), ctypes.c_uint]
    glib.g_rand_double_range.restype = ctypes.c_double
    glib.g_rand_double_range.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double]
    glib.g_rand_free.argtypes = [ctypes.c_void_p]
    s2 = seed ^ 0x6d61746368657221
    words = (ctypes.c_uint32 * 2)(s2 & 0xFFFFFFFF, s2 >> 32)
    rng = glib.g_rand_new_with_seed_array(words, 2)
    with torch.no_grad():
        for side in (image, text):
            bound = 1 / math.sqrt(side.proj.in_features)
            for t in (side.proj.weight, side.proj.bias):
                vals = [glib.g_rand_double_range(rng, -bound, bound) for _ in range(t.numel())]
                t.copy_(torch.tensor(vals, dtype=torch.float64).reshape(t.shape))
    glib.g_rand_free(rng)


def hinge(u, v, margin):
    sim = u @ v.T
    diag = sim.diag()
    off = torch.eye(sim.shape[0], dtype=torch.bool)
    cost_t = (margin + sim - diag[:, None]).masked_fill(off, -math.inf)
    cost_i = (margin + sim - diag[None, :]).masked_fill(off, -math.inf)
    return (cost_t.max(dim=1).values.clamp(min=0).sum()
            + cost_i.max(dim=0).values.clamp(min=0).sum()) / sim.shape[0]


def loss_of(args, zi, zt, log_scale):
    if args.loss == "mapping" and args.map_loss == "mse":
        return F.mse_loss(zi, zt)
    if args.loss == "mapping":
        return (1 - F.cosine_similarity(zi, zt, dim=1)).mean()
    u, v = F.normalize(zi, dim=1), F.normalize(zt, dim=1)
    if args.loss == "hinge":
        return hinge(u, v, 0.2)
    z = torch.clamp(log_scale.exp(), max=100.0) * u @ v.T
    target = torch.arange(z.shape[0])
    return (F.cross_entropy(z, target) + F.cross_entropy(z.T, target)) / 2


def ranks(sim):
    """1-based ranks of the true pairs, rows (image → text) and columns."""
    diag = np.diag(sim)
    i2t = (~(sim < diag[:, None])).sum(axis=1)
    t2i = (~(sim < diag[None, :])).sum(axis=0)
    return i2t, t2i


def recall(r):
    return [float(np.mean(r <= k)) for k in (1, 5, 10)] + [float(np.median(r))]


def evaluate(image, text, x, bags, val, batch):
    us, vs = [], []
    with torch.no_grad():
        for i in range(0, len(val), batch):
            b = val[i:i + batch]
            us.append(image(x[b]).double().numpy())
            vs.append(text(*bags.batch(b)).double().numpy())
    u, v = np.concatenate(us), np.concatenate(vs)
    u /= np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    i2t, t2i = ranks(u @ v.T)
    return recall(i2t), recall(t2i)


def train(args):
    d = read_safetensors(args.data)
    x, bags = d["images"], Bags(d["text"])
    is_val = d["is_val"] > 0.5
    train_idx = torch.nonzero(~is_val).flatten()
    val = torch.nonzero(is_val).flatten()[:5000]   # as fl_matcher_evaluate caps it
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads or os.cpu_count())
    image, text = build(d, args)
    log_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = list(image.parameters())
    if args.loss == "mapping":
        text.requires_grad_(False)   # the target: frozen at its start
    else:
        params += list(text.parameters())
    if args.loss == "infonce":
        params.append(log_scale)
    opt = torch.optim.Adam(params, lr=args.lr)
    order = d.get("train_order") if args.engine_order else None
    nt, n = len(train_idx), len(val)
    print("# chance n_val %d r1 %.4f r5 %.4f r10 %.4f medr %.1f"
          % (n, min(1, 1 / n), min(1, 5 / n), min(1, 10 / n), (n + 1) / 2), flush=True)
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        perm = order[epoch - 1].long() if order is not None else train_idx[torch.randperm(nt)]
        loss_sum, counted = 0.0, 0
        for i in range(0, nt, args.batch):
            b = perm[i:i + args.batch]
            if len(b) < 2:
                continue   # as the engine: no negative to contrast with
            loss = loss_of(args, image(x[b]), text(*bags.batch(b)), log_scale)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(b)
            counted += len(b)
        sps = nt / (time.time() - t0)
        a, t = evaluate(image, text, x, bags, val, args.batch)
        print("epoch %d/%d train_loss %.4f i2t_r1 %.4f i2t_r5 %.4f i2t_r10 %.4f t2i_r1 %.4f "
              "t2i_r5 %.4f t2i_r10 %.4f i2t_medr %.1f t2i_medr %.1f samples_per_s %.1f"
              % (epoch, args.epochs, loss_sum / max(counted, 1), a[0], a[1], a[2], t[0], t[1],
                 t[2], a[3], t[3], sps), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--loss", default="infonce", choices=["infonce", "hinge", "mapping"])
    ap.add_argument("--map-loss", default="cosine", choices=["cosine", "mse"])
    ap.add_argument("--embed-dim", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--engine-init", action="store_true",
                    help="the engine's initial weights (branches from DATA, projections redrawn)")
    ap.add_argument("--engine-order", action="store_true",
                    help="the engine's visiting order from DATA")
    train(ap.parse_args())


if __name__ == "__main__":
    main()
