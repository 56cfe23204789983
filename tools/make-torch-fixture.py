#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/torch-<case>.safetensors: the reference model of
SPEC §4 and engine/fl-model.h, at toy sizes, run through PyTorch for two
Adam steps. A case is a fusion route over a set of branches: the image +
text model of every route (torch-<fusion>, the files made before branch
sets), the audio and numeric baselines (torch-audio, torch-numeric), every
fusion route over all four branches (torch-<fusion>-image-text-audio-numeric)
and a few over three (torch-<fusion>-<branch>-<branch>-<branch>), and the
gru text encoder, text alone and concatenated with the image (torch-text-gru,
torch-concat-image-text-gru): embedding → torch.nn.GRU (each text alone, its
last state h_n) → linear → ReLU; and both again with the mean of the GRU's
states over the text's steps instead of the last (torch-text-gru-mean,
torch-concat-image-text-gru-mean).

The model is written from the formulas of engine/fl-model.h and fl-ops.h,
not from the engine's loops, so that it checks them: the audio branch
conv3x3(1→a1) → ReLU → maxpool2 → conv3x3(a1→a2) → ReLU → maxpool2 →
maxpool2 → flatten → linear → ReLU; the numeric one linear(2K→Hn) → ReLU →
linear(Hn→D) → ReLU; over K branches x_1 … x_K (in the order image, text,
audio, numeric) concat [x_1; …; x_K], mean Σx_k/K, product a ⊙ b for two
and (1 + x_1) ⊙ … ⊙ (1 + x_K) − 1 for more (summed here term by term, as
the products of every non-empty set of the x_k), gated Σ z_k ⊙ tanh(W_k x_k
+ b_k) with z the softmax over [l_1 … l_{K-1}, 0] of l = W_z [x_1; …; x_K]
+ b_z (σ for two), late a head per branch mixed by softmax(α), lowrank
Σ_r Π_k W_r^k [x_k; 1].

Each file holds, as F32:
  conv1.weight … head2.bias   the initial parameters, torch layout
                              (txt_emb.weight is (Ht,V), the transpose of
                              the engine's (V,Ht))
  input.images (N,3,S,S)      only when the route uses the image
  input.text   (N,V)          dense multi-hot, only when it uses the text
  input.tokens (N,L)          instead, for the gru: token ids in order, -1
                              after the text's end
  input.audio  (N,1,M,T)      a normalised spectrogram, only with audio
  input.numeric (N,2K)        K standardised values (0 where a cell was
                              empty) then K missing indicators, only with
                              numeric columns
  input.labels (N)            class indices, as floats
  out.logits (N,C), out.loss (1)         forward at the initial parameters
                              (late: the fused logits and their loss)
  grad.<param>                d(training loss)/d param there: the mean
                              cross-entropy, for late plus its heads' own
                              (the engine's fl_model_objective())
  step1.<param>, step2.<param>  the parameters after one and two steps of
                              torch.optim.Adam(lr=1e-3), each step taking a
                              fresh forward/backward on the same batch
and, in __metadata__, the sizes under the names of the engine's FlConfig
(rank only in the files of the routes added with it; the branch set, as
fl_branches_to_string() writes it, and the audio and numeric sizes only in
the files of cases made with branch sets). Modality dropout is off: it
only masks features, and the engine's tests cover it. The cases over three
or four branches start late's α at small random values rather than 0, so
that the vote's weights differ and a head mixed in the wrong place shows.

The batch is drawn again until every ReLU input and max-pool decision is
at least MARGIN from a kink, so that both sides take the same branches;
and, for the cases with branch sets, until torch's own float32 rounding,
measured against the same model run in float64, takes at most half of
test-torch.c's tolerances anywhere (rounding_share()).

    /usr/bin/python3 tools/make-torch-fixture.py [CASE...]

writes every case's file, or only those named. The image + text files come
out byte for byte as they were made before the other cases existed.

Run with Debian's python3-torch (/usr/bin/python3); the C tests need only
the files it writes, never PyTorch.
"""
import copy
import itertools
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

SIZES = dict(image_size=8, conv1=4, conv2=6, feat_dim=8, text_hidden=7,
             head_hidden=9, vocab_size=20, n_classes=5)
# the audio and numeric branches' sizes, in the files of the cases that
# have branch sets: a spectrogram as small as three poolings allow (8
# bands, 16 frames) and a few channels (the engine's are 16 and 32)
NEW_SIZES = dict(audio_mels=8, audio_frames=16, audio_conv1=3, audio_conv2=4,
                 n_numeric=3, numeric_hidden=5)
RANK = 3                # of lowrank, in its file's metadata
N = 6                   # batch
MODEL_SEED = 1234
DATA_SEED = 99
FUSIONS = ["concat", "mean", "product", "image", "text", "gated", "late", "lowrank"]
BRANCHES = ("image", "text", "audio", "numeric")
# name: (fusion, branches); the image + text cases are named by their route
CASES = {f: (f, None) for f in FUSIONS}
CASES.update({"audio": ("audio", ("audio",)), "numeric": ("numeric", ("numeric",))})
for f in ["concat", "mean", "product", "gated", "late", "lowrank"]:
    CASES[f + "-" + "-".join(BRANCHES)] = (f, BRANCHES)
# three branches, each set leaving out another one
CASES.update({
    "product-image-text-numeric": ("product", ("image", "text", "numeric")),
    "gated-image-audio-numeric": ("gated", ("image", "audio", "numeric")),
    "late-text-audio-numeric": ("late", ("text", "audio", "numeric")),
})
# the gru text encoder: the text route alone and with the image (concat);
# in their files' metadata text_encoder and max_tokens, and the texts as
# input.tokens (N, L) in order, -1 after a text's end. A text may run past
# max_tokens: the engine reads its first max_tokens only, as torch does here.
GRU_CASES = {"text-gru": ("text", ("text",)), "concat-image-text-gru": ("concat", ("image", "text")),
             "text-gru-mean": ("text", ("text",)), "concat-image-text-gru-mean": ("concat", ("image", "text"))}
CASES.update(GRU_CASES)
# the cases whose GRU feature is the mean of its states (text_pool "mean"
# in their metadata; the others have no text_pool: the last state)
MEAN_POOL_CASES = {"text-gru-mean", "concat-image-text-gru-mean"}
MAX_TOKENS = 4
# Every ReLU input and every max-pool window must be farther than this from
# a kink, so that float rounding (torch and the engine sum in different
# orders) cannot send the two down different branches.
MARGIN = 1e-5

PARAM_NAMES = ["conv1", "conv2", "img_fc", "txt_emb", "txt_fc", "txt_gru", "head1", "head2",
               "gmu_v", "gmu_t", "gmu_z", "lmf_a", "lmf_b",
               "late_img1", "late_img2", "late_txt1", "late_txt2", "late_alpha",
               "aud_conv1", "aud_conv2", "aud_fc", "num_fc1", "num_fc2",
               "gmu_aud", "gmu_num", "lmf_aud", "lmf_num",
               "late_aud1", "late_aud2", "late_num1", "late_num2"]
# each branch's part of gated, lowrank and late, under the engine's names
PART = {"image": ("gmu_v", "lmf_a", "late_img"), "text": ("gmu_t", "lmf_b", "late_txt"),
        "audio": ("gmu_aud", "lmf_aud", "late_aud"), "numeric": ("gmu_num", "lmf_num", "late_num")}


class RefModel(nn.Module):
    def __init__(self, fusion, branches, s):
        super().__init__()
        self.fusion = fusion
        self.branches = branches
        K, D = len(branches), s["feat_dim"]
        # created in the engine's order; each module draws from the global
        # generator with PyTorch's default init (kaiming_uniform, a=√5)
        if "image" in branches:
            s4 = s["image_size"] // 4
            self.conv1 = nn.Conv2d(3, s["conv1"], 3, padding=1)
            self.conv2 = nn.Conv2d(s["conv1"], s["conv2"], 3, padding=1)
            self.img_fc = nn.Linear(s["conv2"] * s4 * s4, D)
        self.gru = s.get("text_encoder") == "gru"
        self.mean_pool = s.get("text_pool", "last") == "mean"
        if "text" in branches and self.gru:
            # nn.Embedding's N(0, 1) rows, stored (Ht,V) as the bag's Linear
            # is; the GRU's last state → linear(D→D); no bias on the lookup
            self.txt_emb = nn.Module()
            self.txt_emb.weight = nn.Parameter(torch.randn(s["text_hidden"], s["vocab_size"]))
            self.txt_fc = nn.Linear(D, D)
            self.txt_gru = nn.GRU(s["text_hidden"], D, batch_first=True)
        elif "text" in branches:
            # the engine's embedding-bag, as a dense Linear on the multi-hot
            self.txt_emb = nn.Linear(s["vocab_size"], s["text_hidden"])
            self.txt_fc = nn.Linear(s["text_hidden"], D)
        if "audio" in branches:
            # three poolings: (M, T) → (M/8, T/8)
            a1, a2 = s["audio_conv1"], s["audio_conv2"]
            flat = a2 * (s["audio_mels"] // 8) * (s["audio_frames"] // 8)
            self.aud_conv1 = nn.Conv2d(1, a1, 3, padding=1)
            self.aud_conv2 = nn.Conv2d(a1, a2, 3, padding=1)
            self.aud_fc = nn.Linear(flat, D)
        if "numeric" in branches:
            self.num_fc1 = nn.Linear(2 * s["n_numeric"], s["numeric_hidden"])
            self.num_fc2 = nn.Linear(s["numeric_hidden"], D)
        H, C = s["head_hidden"], s["n_classes"]
        if fusion != "late":
            width = K * D if fusion == "concat" else D
            self.head1 = nn.Linear(width, H)
            self.head2 = nn.Linear(H, C)
        if fusion == "gated":
            # Arevalo et al. 2017: h_k = tanh(W_k x_k) and the gate's
            # logits l = W_z [x_1; …; x_K], K-1 of D each
            for b in branches:
                setattr(self, PART[b][0], nn.Linear(D, D))
            self.gmu_z = nn.Linear(K * D, (K - 1) * D)
        if fusion == "lowrank":
            # Liu et al. 2018: R factors (D, D+1) per branch, the bias
            # last; U(±1/√(D+1)) as the engine draws them
            # (held in a module each, so that they are named lmf_a.weight
            # and so on, as in the engine)
            bound = 1.0 / (D + 1) ** 0.5
            for b in branches:
                m = nn.Module()
                setattr(self, PART[b][1], m)
                m.weight = nn.Parameter(torch.empty(RANK, D, D + 1).uniform_(-bound, bound))
        if fusion == "late":
            for b in branches:
                setattr(self, PART[b][2] + "1", nn.Linear(D, H))
                setattr(self, PART[b][2] + "2", nn.Linear(H, C))
            # the engine starts α at 0 (an even vote); over more than two
            # branches the fixture starts it uneven, so that each head's
            # weight differs
            alpha = torch.zeros(K) if K == 2 else torch.empty(K).uniform_(-0.5, 0.5)
            self.late_alpha = nn.Parameter(alpha)

    def text_gru(self, tokens):
        """Each text's first MAX_TOKENS tokens through torch.nn.GRU alone,
        without padding; its last state (h_n), or the mean of its states
        h_1 … h_len with text_pool "mean"; 0 for an empty text."""
        feats = []
        for row in tokens:
            ids = row[row >= 0][:MAX_TOKENS].long()
            if len(ids) == 0:
                feats.append(self.txt_fc.weight.new_zeros(self.txt_fc.in_features))
                continue
            out, h = self.txt_gru(self.txt_emb.weight.t()[ids].unsqueeze(0))
            feats.append(out[0].mean(0) if self.mean_pool else h[0, 0])
        return torch.stack(feats)

    def fuse(self, xs):
        K = len(xs)
        if self.fusion == "gated":
            hs = [torch.tanh(getattr(self, PART[b][0])(x)) for b, x in zip(self.branches, xs)]
            l = self.gmu_z(torch.cat(xs, dim=1))
            if K == 2:
                z = torch.sigmoid(l)
                return z * hs[0] + (1 - z) * hs[1]
            # z = softmax over [l_1 … l_{K-1}, 0], feature by feature
            n, D = xs[0].shape
            l = torch.cat([l.reshape(n, K - 1, D), l.new_zeros(n, 1, D)], dim=1)
            z = torch.softmax(l, dim=1)
            out = z[:, 0] * hs[0]
            for k in range(1, K):
                out = out + z[:, k] * hs[k]
            return out
        if self.fusion == "lowrank":
            one = xs[0].new_ones(xs[0].shape[0], 1)
            out = None
            for b, x in zip(self.branches, xs):
                w = getattr(self, PART[b][1]).weight
                p = torch.einsum("nk,rdk->rnd", torch.cat([x, one], dim=1), w)
                out = p if out is None else out * p
            return out.sum(0)
        if self.fusion == "concat":
            return torch.cat(xs, dim=1)
        if self.fusion == "mean":
            out = xs[0]
            for x in xs[1:]:
                out = out + x
            return out / K
        if self.fusion == "product":
            if K == 2:
                return xs[0] * xs[1]
            # (1 + x_1) ⊙ … ⊙ (1 + x_K) − 1: the sum of the products of
            # every non-empty set of the branch vectors, term by term
            out = None
            for r in range(1, K + 1):
                for subset in itertools.combinations(xs, r):
                    term = subset[0]
                    for x in subset[1:]:
                        term = term * x
                    out = term if out is None else out + term
            return out
        assert K == 1, self.fusion   # a unimodal route
        return xs[0]

    def forward(self, images, text, audio, numeric):
        """Returns the logits, the heads' own logits (late; else none), and
        every ReLU input and max-pool input."""
        relu_in, pool_in = [], []

        def relu(x):
            relu_in.append(x)
            return F.relu(x)

        def pool(x):
            pool_in.append(x)
            return F.max_pool2d(x, 2)

        xs = []
        for b in self.branches:
            if b == "image":
                x = pool(relu(self.conv1(images)))
                x = pool(relu(self.conv2(x)))
                xs.append(relu(self.img_fc(x.flatten(1))))
            elif b == "text" and self.gru:
                xs.append(relu(self.txt_fc(self.text_gru(text))))
            elif b == "text":
                xs.append(relu(self.txt_fc(relu(self.txt_emb(text)))))
            elif b == "audio":
                x = pool(relu(self.aud_conv1(audio)))
                x = pool(pool(relu(self.aud_conv2(x))))
                xs.append(relu(self.aud_fc(x.flatten(1))))
            else:
                xs.append(relu(self.num_fc2(relu(self.num_fc1(numeric)))))
        if self.fusion == "late":
            heads = [getattr(self, PART[b][2] + "2")(relu(getattr(self, PART[b][2] + "1")(x)))
                     for b, x in zip(self.branches, xs)]
            w = torch.softmax(self.late_alpha, dim=0)
            out = w[0] * heads[0]
            for k in range(1, len(heads)):
                out = out + w[k] * heads[k]
            return out, heads, relu_in, pool_in
        logits = self.head2(relu(self.head1(self.fuse(xs))))
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


def make_batch(gen, s, branches):
    """The inputs of N samples; audio and numeric only for the branches
    that read them, drawn after the others, so that the image + text
    cases draw what they always drew."""
    S, V, C = s["image_size"], s["vocab_size"], s["n_classes"]
    images = torch.randn(N, 3, S, S, generator=gen)
    text = torch.zeros(N, V)
    for i in range(N):
        # row 0 has no token at all; the others 1 to 4 distinct tokens
        k = 0 if i == 0 else 1 + int(torch.randint(4, (1,), generator=gen))
        text[i, torch.randperm(V, generator=gen)[:k]] = 1.0
    labels = torch.randperm(N, generator=gen) % C   # every class present
    if s.get("text_encoder") == "gru":
        text = gru_tokens(gen, V)
    audio = numeric = None
    if "audio" in branches:
        audio = torch.randn(N, 1, s["audio_mels"], s["audio_frames"], generator=gen)
    if "numeric" in branches:
        # K standardised values, 0 where the cell was empty, then the K
        # missing indicators; about a quarter of the cells empty
        K = s["n_numeric"]
        values = torch.randn(N, K, generator=gen)
        missing = (torch.rand(N, K, generator=gen) < 0.25).to(torch.float32)
        numeric = torch.cat([values * (1 - missing), missing], dim=1)
    return images, text, labels, audio, numeric


def gru_tokens(gen, V):
    """(N, MAX_TOKENS + 2) token ids in order, -1 after each text's end:
    an empty text, one of a single token, one past MAX_TOKENS, the others
    1 to MAX_TOKENS + 2 tokens, repeats allowed."""
    L = MAX_TOKENS + 2
    tokens = torch.full((N, L), -1.0)
    for i in range(N):
        k = [0, 1, L][i] if i < 3 else 1 + int(torch.randint(L, (1,), generator=gen))
        tokens[i, :k] = torch.randint(V, (k,), generator=gen).to(torch.float32)
    return tokens


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


def two_steps(model, params0, inputs, dtype=torch.float32):
    """Two steps of torch.optim.Adam(lr=1e-3) from params0 on the batch
    inputs, each a fresh forward and backward, in dtype (float64 in a copy
    of model). Returns the margins to the kinks at each step and the record:
    the logits, the loss and the gradients at params0, and the parameters
    after each step."""
    if dtype != torch.float32:
        model = copy.deepcopy(model).to(dtype)
    images, text, labels, audio, numeric = [x if x is None or x.dtype == torch.int64 else x.to(dtype)
                                            for x in inputs]
    with torch.no_grad():
        for n, p in model.named_parameters():
            p.copy_(params0[n])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    margins, record = [], {}
    for step in (1, 2):
        opt.zero_grad()
        logits, heads, relu_in, pool_in = model(images, text, audio, numeric)
        loss = F.cross_entropy(logits, labels)
        # late: loss = CE(fused) + Σ_k CE(head k)
        objective = loss + sum(F.cross_entropy(h, labels) for h in heads)
        objective.backward()
        margins.append(worst_margin(relu_in, pool_in))
        if step == 1:
            record["logits"] = logits.detach().clone()
            record["loss"] = loss.detach().reshape(1).clone()
            record["grad"] = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
        opt.step()
        record[step] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return margins, record


# test-torch.c's tolerances for the cases with branch sets, |engine −
# torch| ≤ abs + rel·|torch| (the forward values and the gradients with
# |torch| at least the largest of the tensor's: the products and wider sums
# of three and four branches make elements that are small differences of
# large terms), and the share of them that float32 rounding may take in a
# well-conditioned fixture
TOLERANCES = {"logits": (5e-9, 1e-6, True), "loss": (5e-9, 1e-6, True),
              "grad": (5e-9, 1e-5, True), 1: (2e-9, 1e-5, False), 2: (2e-9, 1e-5, False)}
ALPHA_STEP_ABS = 2e-8
ROUNDING_SHARE = 0.5


def rounding_share(r32, r64):
    """The largest share of test-torch.c's tolerance that the float32
    record r32 takes, measured against the float64 record r64, and where.
    Where a value is a small difference of large terms, or where Adam's
    step lr·g/(|g| + ε) turns a gradient of the order of ε into the step's
    first digits, float32 rounding alone, whoever does it, can take more
    than the tolerance: such a batch is drawn again."""
    worst = (0.0, None)
    for key, (atol, rtol, normwise) in TOLERANCES.items():
        tensors = {key: (r32[key], r64[key])} if key in ("logits", "loss") else \
                  {f"{key}.{n}": (r32[key][n], r64[key][n]) for n in r32[key]}
        for name, (a, b) in tensors.items():
            abs_tol = ALPHA_STEP_ABS if name.endswith("late_alpha") and key in (1, 2) else atol
            scale = b.abs().clamp(min=b.abs().max().item()) if normwise else b.abs()
            share = ((a.double() - b).abs() / (abs_tol + rtol * scale)).max().item()
            worst = max(worst, (share, name), key=lambda w: w[0])
    return worst


def make_fixture(case, outdir):
    fusion, branches = CASES[case]
    s = dict(SIZES, **NEW_SIZES) if branches else SIZES
    if case in GRU_CASES:
        s = dict(s, text_encoder="gru", max_tokens=MAX_TOKENS)
    if case in MEAN_POOL_CASES:
        s = dict(s, text_pool="mean")
    if branches is None:
        branches = (fusion,) if fusion in ("image", "text") else ("image", "text")
    torch.manual_seed(MODEL_SEED)
    model = RefModel(fusion, branches, s)
    names = list(model.state_dict().keys())
    assert all(n.split(".")[0] in PARAM_NAMES for n in names), names
    params0 = {n: p.detach().clone() for n, p in model.named_parameters()}

    # draw batches until every kink is comfortably far away, at the initial
    # parameters and after the first Adam step; and for the cases with
    # branch sets, until float32 rounding (torch's own, measured against
    # the same model in float64) stays well inside test-torch.c's
    # tolerances, so that the engine's rounding, of the same size, passes
    gen = torch.Generator().manual_seed(DATA_SEED)
    share = where = None
    for attempt in range(200):
        inputs = make_batch(gen, s, branches)
        margins, record = two_steps(model, params0, inputs)
        if min(margins) <= MARGIN:
            continue
        if s is SIZES:
            break
        share, where = rounding_share(record, two_steps(model, params0, inputs, torch.float64)[1])
        if share <= ROUNDING_SHARE:
            break
    else:
        sys.exit(f"{case}: no batch keeps its kinks {MARGIN} apart and its rounding small")
    images, text, labels, audio, numeric = inputs

    tensors = [(n, params0[n]) for n in names]
    if "image" in branches:
        tensors.append(("input.images", images))
    if "text" in branches:
        tensors.append(("input.tokens" if model.gru else "input.text", text))
    if "audio" in branches:
        tensors.append(("input.audio", audio))
    if "numeric" in branches:
        tensors.append(("input.numeric", numeric))
    tensors += [("input.labels", labels.to(torch.float32)),
                ("out.logits", record["logits"]),
                ("out.loss", record["loss"])]
    tensors += [("grad." + n, record["grad"][n]) for n in names]
    tensors += [("step1." + n, record[1][n]) for n in names]
    tensors += [("step2." + n, record[2][n]) for n in names]

    metadata = {k: str(v) for k, v in s.items()}
    if fusion in ("gated", "late", "lowrank"):
        metadata["rank"] = str(RANK)
    if s is not SIZES:
        metadata["branches"] = ",".join(b for b in BRANCHES if b in branches)
    metadata.update(fusion=fusion, batch=str(N), torch=torch.__version__,
                    margin=f"{min(margins):.3g}", made_by="tools/make-torch-fixture.py")
    path = os.path.join(outdir, f"torch-{case}.safetensors")
    save_safetensors(path, tensors, metadata)
    rounding = "" if share is None else f", float32 rounding {share:.2f} of the tolerance ({where})"
    print(f"{path}: loss {record['loss'].item():.6f}, batch attempt {attempt + 1}, "
          f"worst margin {min(margins):.3g}{rounding}, {os.path.getsize(path)} bytes")


def main():
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = os.path.join(here, "..", "tests", "data")
    wanted = sys.argv[1:] or list(CASES)
    for case in wanted:
        if case not in CASES:
            sys.exit(f"unknown case {case}; one of {' '.join(CASES)}")
        make_fixture(case, outdir)


if __name__ == "__main__":
    main()
