#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/torch-<fusion>.safetensors: the reference model of
SPEC §4, at toy sizes, run through PyTorch for two Adam steps.

Each file holds, as F32:
  conv1.weight … head2.bias   the initial parameters, torch layout
                              (txt_emb.weight is (Ht,V), the transpose of
                              the engine's (V,Ht))
  input.images (N,3,S,S)      only when the route uses the image
  input.text   (N,V)          dense multi-hot, only when it uses the text
  input.labels (N)            class indices, as floats
  out.logits (N,C), out.loss (1)         forward at the initial parameters
                              (late: the fused logits and their loss)
  grad.<param>                d(training loss)/d param there: the mean
                              cross-entropy, for late plus its two heads'
                              own (the engine's fl_model_objective())
  step1.<param>, step2.<param>  the parameters after one and two steps of
                              torch.optim.Adam(lr=1e-3), each step taking a
                              fresh forward/backward on the same batch
and, in __metadata__, the sizes under the names of the engine's FlConfig
(rank only in the files of the routes added with it). Modality dropout is
off: it only masks features, and the engine's tests cover it.

    /usr/bin/python3 tools/make-torch-fixture.py [FUSION...]

writes every route's file, or only those named (the first five's files were
made before the last three routes existed; remaking them is harmless but
needless).

Run with Debian's python3-torch (/usr/bin/python3); the C tests need only
the files it writes, never PyTorch.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

SIZES = dict(image_size=8, conv1=4, conv2=6, feat_dim=8, text_hidden=7,
             head_hidden=9, vocab_size=20, n_classes=5)
RANK = 3                # of lowrank, in its file's metadata
N = 6                   # batch
MODEL_SEED = 1234
DATA_SEED = 99
FUSIONS = ["concat", "mean", "product", "image", "text", "gated", "late", "lowrank"]
# Every ReLU input and every max-pool window must be farther than this from
# a kink, so that float rounding (torch and the engine sum in different
# orders) cannot send the two down different branches.
MARGIN = 1e-5

PARAM_NAMES = ["conv1", "conv2", "img_fc", "txt_emb", "txt_fc", "head1", "head2",
               "gmu_v", "gmu_t", "gmu_z", "lmf_a", "lmf_b",
               "late_img1", "late_img2", "late_txt1", "late_txt2", "late_alpha"]


class RefModel(nn.Module):
    def __init__(self, fusion, s):
        super().__init__()
        self.fusion = fusion
        self.uses_image = fusion != "text"
        self.uses_text = fusion != "image"
        D = s["feat_dim"]
        # created in the engine's order; each module draws from the global
        # generator with PyTorch's default init (kaiming_uniform, a=√5)
        if self.uses_image:
            s4 = s["image_size"] // 4
            self.conv1 = nn.Conv2d(3, s["conv1"], 3, padding=1)
            self.conv2 = nn.Conv2d(s["conv1"], s["conv2"], 3, padding=1)
            self.img_fc = nn.Linear(s["conv2"] * s4 * s4, D)
        if self.uses_text:
            # the engine's embedding-bag, as a dense Linear on the multi-hot
            self.txt_emb = nn.Linear(s["vocab_size"], s["text_hidden"])
            self.txt_fc = nn.Linear(s["text_hidden"], D)
        H, C = s["head_hidden"], s["n_classes"]
        if fusion != "late":
            width = 2 * D if fusion == "concat" else D
            self.head1 = nn.Linear(width, H)
            self.head2 = nn.Linear(H, C)
        if fusion == "gated":
            # Arevalo et al. 2017: h_v, h_t and the gate z
            self.gmu_v = nn.Linear(D, D)
            self.gmu_t = nn.Linear(D, D)
            self.gmu_z = nn.Linear(2 * D, D)
        if fusion == "lowrank":
            # Liu et al. 2018: R factors (D, D+1) per modality, the bias
            # last; U(±1/√(D+1)) as the engine draws them
            # (held in a module each, so that they are named lmf_a.weight
            # and lmf_b.weight, as in the engine)
            bound = 1.0 / (D + 1) ** 0.5
            self.lmf_a, self.lmf_b = nn.Module(), nn.Module()
            self.lmf_a.weight = nn.Parameter(torch.empty(RANK, D, D + 1).uniform_(-bound, bound))
            self.lmf_b.weight = nn.Parameter(torch.empty(RANK, D, D + 1).uniform_(-bound, bound))
        if fusion == "late":
            self.late_img1 = nn.Linear(D, H)
            self.late_img2 = nn.Linear(H, C)
            self.late_txt1 = nn.Linear(D, H)
            self.late_txt2 = nn.Linear(H, C)
            self.late_alpha = nn.Parameter(torch.zeros(2))

    def fuse(self, a, b):
        if self.fusion == "gated":
            z = torch.sigmoid(self.gmu_z(torch.cat([a, b], dim=1)))
            return z * torch.tanh(self.gmu_v(a)) + (1 - z) * torch.tanh(self.gmu_t(b))
        if self.fusion == "lowrank":
            one = torch.ones(a.shape[0], 1)
            pa = torch.einsum("nk,rdk->rnd", torch.cat([a, one], dim=1), self.lmf_a.weight)
            pb = torch.einsum("nk,rdk->rnd", torch.cat([b, one], dim=1), self.lmf_b.weight)
            return (pa * pb).sum(0)
        return {"concat": lambda: torch.cat([a, b], dim=1),
                "mean": lambda: (a + b) / 2,
                "product": lambda: a * b,
                "image": lambda: a,
                "text": lambda: b}[self.fusion]()

    def forward(self, images, text):
        """Returns the logits, the heads' own logits (late; else none), and
        every ReLU input and max-pool input."""
        relu_in, pool_in = [], []

        def relu(x):
            relu_in.append(x)
            return F.relu(x)

        def pool(x):
            pool_in.append(x)
            return F.max_pool2d(x, 2)

        a = b = None
        if self.uses_image:
            x = pool(relu(self.conv1(images)))
            x = pool(relu(self.conv2(x)))
            a = relu(self.img_fc(x.flatten(1)))
        if self.uses_text:
            b = relu(self.txt_fc(relu(self.txt_emb(text))))
        if self.fusion == "late":
            li = self.late_img2(relu(self.late_img1(a)))
            lt = self.late_txt2(relu(self.late_txt1(b)))
            w = torch.softmax(self.late_alpha, dim=0)
            return w[0] * li + w[1] * lt, [li, lt], relu_in, pool_in
        logits = self.head2(relu(self.head1(self.fuse(a, b))))
        return logits, [], relu_in, pool_in


def worst_margin(relu_in, pool_in):
    """The smallest distance to a kink: |x| at each ReLU, and the gap between
    the two largest values of each 2x2 window whose maximum survives the ReLU
    (windows of zeros tie in both torch and the engine, harmlessly: the
    gradient routed there is zeroed by the ReLU behind them)."""
    m = min(x.detach().abs().min().item() for x in relu_in)
    for x in pool_in:
        w = F.unfold(x.detach().flatten(0, 1).unsqueeze(1), 2, stride=2)  # (NC,4,L)
        top2 = w.topk(2, dim=1).values
        live = top2[:, 0, :] > 0
        if live.any():
            m = min(m, (top2[:, 0, :] - top2[:, 1, :])[live].min().item())
    return m


def make_batch(gen, s):
    S, V, C = s["image_size"], s["vocab_size"], s["n_classes"]
    images = torch.randn(N, 3, S, S, generator=gen)
    text = torch.zeros(N, V)
    for i in range(N):
        # row 0 has no token at all; the others 1 to 4 distinct tokens
        k = 0 if i == 0 else 1 + int(torch.randint(4, (1,), generator=gen))
        text[i, torch.randperm(V, generator=gen)[:k]] = 1.0
    labels = torch.randperm(N, generator=gen) % C   # every class present
    return images, text, labels


def save_safetensors(path, tensors, metadata):
    """The safetensors format by hand: u64 LE header length, a JSON header,
    then the raw little-endian float32 data, in order."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors:
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)   # data 8-byte aligned
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def make_fixture(fusion, outdir):
    s = SIZES
    torch.manual_seed(MODEL_SEED)
    model = RefModel(fusion, s)
    names = list(model.state_dict().keys())
    assert all(n.split(".")[0] in PARAM_NAMES for n in names), names
    params0 = {n: p.detach().clone() for n, p in model.named_parameters()}

    # draw batches until every kink is comfortably far away, at the initial
    # parameters and after the first Adam step
    gen = torch.Generator().manual_seed(DATA_SEED)
    for attempt in range(100):
        images, text, labels = make_batch(gen, s)
        with torch.no_grad():
            for n, p in model.named_parameters():
                p.copy_(params0[n])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        margins, record = [], {}
        for step in (1, 2):
            opt.zero_grad()
            logits, heads, relu_in, pool_in = model(images, text)
            loss = F.cross_entropy(logits, labels)
            # late: loss = CE(fused) + CE(image head) + CE(text head)
            objective = loss + sum(F.cross_entropy(h, labels) for h in heads)
            objective.backward()
            margins.append(worst_margin(relu_in, pool_in))
            if step == 1:
                record["logits"] = logits.detach().clone()
                record["loss"] = loss.detach().reshape(1).clone()
                record["grad"] = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
            opt.step()
            record[step] = {n: p.detach().clone() for n, p in model.named_parameters()}
        if min(margins) > MARGIN:
            break
    else:
        sys.exit(f"{fusion}: no batch keeps its kinks {MARGIN} apart")

    tensors = [(n, params0[n]) for n in names]
    if model.uses_image:
        tensors.append(("input.images", images))
    if model.uses_text:
        tensors.append(("input.text", text))
    tensors += [("input.labels", labels.to(torch.float32)),
                ("out.logits", record["logits"]),
                ("out.loss", record["loss"])]
    tensors += [("grad." + n, record["grad"][n]) for n in names]
    tensors += [("step1." + n, record[1][n]) for n in names]
    tensors += [("step2." + n, record[2][n]) for n in names]

    metadata = {k: str(v) for k, v in s.items()}
    if fusion in ("gated", "late", "lowrank"):
        metadata["rank"] = str(RANK)
    metadata.update(fusion=fusion, batch=str(N), torch=torch.__version__,
                    margin=f"{min(margins):.3g}", made_by="tools/make-torch-fixture.py")
    path = os.path.join(outdir, f"torch-{fusion}.safetensors")
    save_safetensors(path, tensors, metadata)
    print(f"{path}: loss {record['loss'].item():.6f}, batch attempt {attempt + 1}, "
          f"worst margin {min(margins):.3g}, {os.path.getsize(path)} bytes")


def main():
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = os.path.join(here, "..", "tests", "data")
    wanted = sys.argv[1:] or FUSIONS
    for fusion in wanted:
        if fusion not in FUSIONS:
            sys.exit(f"unknown fusion {fusion}; one of {' '.join(FUSIONS)}")
        make_fixture(fusion, outdir)


if __name__ == "__main__":
    main()
