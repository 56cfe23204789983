#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/match-fixture.json: what PyTorch says engine/fl-match.c
must compute, so that tests/test-match.c checks it without PyTorch.

  /usr/bin/python3 tools/make-match-fixture.py [--out tests/data/match-fixture.json]

Needs python3-torch (Debian; hence /usr/bin/python3), for this script only.
Each case is a batch of raw image and text embeddings x, y (N,E), drawn in
float32 with a fixed seed and stored exactly; PyTorch then computes, in
float64 with autograd,

  u = F.normalize(x, dim=1, eps=1e-12), v = F.normalize(y, dim=1, eps=1e-12)
  infonce: t = torch.clamp(s.exp(), max=100); Z = t u vᵀ;
           L = (F.cross_entropy(Z, arange) + F.cross_entropy(Zᵀ, arange)) / 2
  hinge:   S = u vᵀ; the VSE++ max of hinges with margin m, mean over N
  map_cosine: (1 - F.cosine_similarity(x, y, dim=1)).mean()  (raw x, y)
  map_mse:    F.mse_loss(x, y)                                (raw x, y)

and records L and dL/dx, dL/dy (and dL/ds for InfoNCE): the whole chain,
normalisation included, as a trainer will run it. The mapping cases use
torch's own cosine_similarity rather than normalize, so the engine's
normalise-then-dot is checked against a second formula.
"""
import argparse
import json
import math

import torch
import torch.nn.functional as F


def infonce(u, v, s):
    t = torch.clamp(s.exp(), max=100.0)
    z = t * u @ v.T
    target = torch.arange(u.shape[0])
    return (F.cross_entropy(z, target) + F.cross_entropy(z.T, target)) / 2


def hinge(u, v, margin):
    sim = u @ v.T
    n = sim.shape[0]
    diag = sim.diag()
    off = torch.eye(n, dtype=torch.bool)
    cost_t = (margin + sim - diag[:, None]).masked_fill(off, -math.inf)   # image i vs text j
    cost_i = (margin + sim - diag[None, :]).masked_fill(off, -math.inf)   # text j vs image i
    return (cost_t.max(dim=1).values.clamp(min=0).sum()
            + cost_i.max(dim=0).values.clamp(min=0).sum()) / n


def case(name, loss, n, e, seed, **kw):
    g = torch.Generator().manual_seed(seed)
    x32 = torch.randn(n, e, generator=g, dtype=torch.float32)
    y32 = torch.randn(n, e, generator=g, dtype=torch.float32)
    if kw.get("pull", 0.0):
        y32 = (y32 + kw["pull"] * x32).to(torch.float32)   # some true pairs close
    x = x32.double().requires_grad_()
    y = y32.double().requires_grad_()
    u, v = F.normalize(x, dim=1, eps=1e-12), F.normalize(y, dim=1, eps=1e-12)
    out = {"name": name, "loss_kind": loss, "N": n, "E": e,
           "x": x32.flatten().tolist(), "y": y32.flatten().tolist()}
    if loss == "infonce":
        s32 = torch.tensor(kw["s"], dtype=torch.float32)
        s = s32.double().requires_grad_()
        L = infonce(u, v, s)
        L.backward()
        out.update(s=s32.item(), ds=s.grad.item())
    elif loss == "hinge":
        L = hinge(u, v, kw["margin"])
        L.backward()
        out.update(margin=kw["margin"])
    elif loss == "map_cosine":
        L = (1 - F.cosine_similarity(x, y, dim=1)).mean()
        L.backward()
    else:
        L = F.mse_loss(x, y)
        L.backward()
    out.update(loss=L.item(), dx=x.grad.flatten().tolist(), dy=y.grad.flatten().tolist())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/match-fixture.json")
    args = ap.parse_args()
    f32 = lambda v: torch.tensor(v, dtype=torch.float32).item()
    cases = [
        case("infonce at CLIP's start", "infonce", 8, 6, 1, s=f32(math.log(1 / 0.07)), pull=1.0),
        case("infonce, cool", "infonce", 5, 4, 2, s=0.5),
        case("infonce clamped at 100", "infonce", 6, 5, 3, s=f32(math.log(200.0)), pull=2.0),
        case("hinge m 0.2", "hinge", 7, 5, 4, margin=0.2, pull=0.7),
        case("mapping, cosine", "map_cosine", 7, 6, 5, pull=1.0),
        case("mapping, mse", "map_mse", 5, 8, 6, pull=0.5),
    ]
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
