# SPDX-License-Identifier: MIT
"""Fusion Lab's model in PyTorch: the reference model of the engine
(engine/fl-model.h), every branch and every fusion route, under the
engine's parameter names, so that a model file's tensors load into it as a
state_dict and its state_dict saves back as a model file.

  image (N,3,S,S)  conv3x3(3→c1) → ReLU → maxpool2 → conv3x3(c1→c2) → ReLU
                   → maxpool2 → flatten → linear(→D) → ReLU
  text  token ids  embedding-bag(V→Ht, a sum of rows) → ReLU → linear(Ht→D) → ReLU
     or (gru)      the first max_tokens ids in order → embedding(V→Ht) →
                   nn.GRU(Ht, D), its last state (or, text_pool "mean",
                   the mean of its states over the text) → linear(D→D) → ReLU
  audio (N,1,M,T)  conv3x3(1→a1) → ReLU → maxpool2 → conv3x3(a1→a2) → ReLU
                   → maxpool2 → maxpool2 → flatten → linear(→D) → ReLU
  numeric (N,2K)   linear(2K→Hn) → ReLU → linear(Hn→D) → ReLU
  fuse x_1 … x_k (in the order image, text, audio, numeric), then
  linear(F→Hh) → ReLU → linear(Hh→C); late: a head per branch instead,
  mixed by softmax(α).

The routes: concat [x_1; …; x_k]; mean Σx/k; product a ⊙ b for two and
(1 + x_1) ⊙ … ⊙ (1 + x_k) − 1 for more; gated Σ z_k ⊙ tanh(W_k x_k + b_k),
z = σ(W_z [x]) for two, else the softmax over [l_1 … l_{k-1}, 0]; lowrank
Σ_r Π_k W_r^k [x_k; 1]; late; and the unimodal image, text, audio, numeric.

This one file is the model of `fusionlab-cli export-torch`'s folder (which
copies it there), of bench/torch_reference.py and of the tests that check it
against the engine (tests/test-torch-export.py). It needs only torch and
numpy.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BRANCHES = ("image", "text", "audio", "numeric")
# each branch's part of gated (W_k), lowrank (its factor) and late (its head)
PART = {"image": ("gmu_v", "lmf_a", "late_img"), "text": ("gmu_t", "lmf_b", "late_txt"),
        "audio": ("gmu_aud", "lmf_aud", "late_aud"), "numeric": ("gmu_num", "lmf_num", "late_num")}
UNIMODAL = ("image", "text", "audio", "numeric")
# the bits of a modality-dropout mask (the engine's FlDrop)
DROP_BIT = {b: 1 << i for i, b in enumerate(BRANCHES)}


def model_branches(config):
    """The branches of a model of config (the engine's FlConfig as a model
    file's "config" holds it), in branch order."""
    if config["fusion"] in UNIMODAL:
        return (config["fusion"],)
    names = config.get("branches") or "image,text"
    return tuple(b for b in BRANCHES if b in names.split(","))


class FusionModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        c = config
        self.fusion = c["fusion"]
        self.branches = model_branches(c)
        K, D = len(self.branches), c["feat_dim"]
        H, C = c["head_hidden"], c["n_classes"]
        self.rank = c.get("rank", 8)
        # created in the engine's order, each with PyTorch's default init
        # (kaiming_uniform, a=√5), as the engine draws its own
        if "image" in self.branches:
            s4 = c["image_size"] // 4
            self.conv1 = nn.Conv2d(3, c["conv1"], 3, padding=1)
            self.conv2 = nn.Conv2d(c["conv1"], c["conv2"], 3, padding=1)
            self.img_fc = nn.Linear(c["conv2"] * s4 * s4, D)
        self.gru = c.get("text_encoder", "bow") == "gru"
        self.max_tokens = c.get("max_tokens", 32)
        # files from before poolings have none: the last state
        self.mean_pool = c.get("text_pool", "last") == "mean"
        if "text" in self.branches and self.gru:
            # a lookup without bias, nn.Embedding's N(0, 1) rows, stored
            # (Ht, V) as the bag's weight is
            self.txt_emb = nn.Module()
            self.txt_emb.weight = nn.Parameter(torch.randn(c["text_hidden"], c["vocab_size"]))
            self.txt_fc = nn.Linear(D, D)
            self.txt_gru = nn.GRU(c["text_hidden"], D, batch_first=True)
        elif "text" in self.branches:
            # the embedding-bag's weight as torch's Linear(V, Ht) lays it
            # out, (Ht, V), which is how model files store it
            self.txt_emb = nn.Linear(c["vocab_size"], c["text_hidden"])
            self.txt_fc = nn.Linear(c["text_hidden"], D)
        if "audio" in self.branches:
            a1, a2 = c.get("audio_conv1", 16), c.get("audio_conv2", 32)
            flat = a2 * (c["audio_mels"] // 8) * (c["audio_frames"] // 8)
            self.aud_conv1 = nn.Conv2d(1, a1, 3, padding=1)
            self.aud_conv2 = nn.Conv2d(a1, a2, 3, padding=1)
            self.aud_fc = nn.Linear(flat, D)
        if "numeric" in self.branches:
            self.num_fc1 = nn.Linear(2 * c["n_numeric"], c["numeric_hidden"])
            self.num_fc2 = nn.Linear(c["numeric_hidden"], D)
        if self.fusion != "late":
            self.head1 = nn.Linear(K * D if self.fusion == "concat" else D, H)
            self.head2 = nn.Linear(H, C)
        if self.fusion == "gated":
            for b in self.branches:
                setattr(self, PART[b][0], nn.Linear(D, D))
            self.gmu_z = nn.Linear(K * D, (K - 1) * D)
        if self.fusion == "lowrank":
            # R factors (D, D+1) per branch, the bias last, U(±1/√(D+1));
            # each in a module of its own so that it is named lmf_a.weight
            bound = 1.0 / (D + 1) ** 0.5
            for b in self.branches:
                m = nn.Module()
                m.weight = nn.Parameter(torch.empty(self.rank, D, D + 1).uniform_(-bound, bound))
                setattr(self, PART[b][1], m)
        if self.fusion == "late":
            for b in self.branches:
                setattr(self, PART[b][2] + "1", nn.Linear(D, H))
                setattr(self, PART[b][2] + "2", nn.Linear(H, C))
            self.late_alpha = nn.Parameter(torch.zeros(K))   # an even vote

    def branch_vector(self, b, batch):
        """Branch b's (N, D) vector, after its ReLU."""
        if b == "image":
            x = F.max_pool2d(F.relu(self.conv1(batch["images"])), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            return F.relu(self.img_fc(x.flatten(1)))
        if b == "text" and self.gru:
            return F.relu(self.txt_fc(self.gru_state(batch["tok_idx"], batch["tok_off"])))
        if b == "text":
            # a sum of the embedding's rows, never a V-wide matmul
            h = F.embedding_bag(batch["tok_idx"], self.txt_emb.weight.t(), batch["tok_off"],
                                mode="sum") + self.txt_emb.bias
            return F.relu(self.txt_fc(F.relu(h)))
        if b == "audio":
            x = F.max_pool2d(F.relu(self.aud_conv1(batch["audio"])), 2)
            x = F.max_pool2d(F.max_pool2d(F.relu(self.aud_conv2(x)), 2), 2)
            return F.relu(self.aud_fc(x.flatten(1)))
        return F.relu(self.num_fc2(F.relu(self.num_fc1(batch["numeric"]))))

    def gru_state(self, idx, off):
        """(N, D): the GRU's last state over each text's first max_tokens
        ids (idx[off[i]:off[i+1]], in order), or with text_pool "mean" the
        mean of its states h_1 … h_len, packed so that padding never
        reaches it; 0 for an empty text, as in the engine."""
        ends = torch.cat([off[1:], off.new_tensor([len(idx)])])
        lens = (ends - off).clamp(max=self.max_tokens)
        N, T = len(off), max(int(lens.max()) if len(off) else 0, 1)
        pos = off[:, None] + torch.arange(T)[None, :]
        valid = torch.arange(T)[None, :] < lens[:, None]
        # a padding step reads a 0 after the last id, and packing skips it
        padded = torch.cat([idx, idx.new_zeros(1)])
        ids = torch.where(valid, padded[pos.clamp(max=len(idx))], 0)
        x = F.embedding(ids, self.txt_emb.weight.t())
        packed = nn.utils.rnn.pack_padded_sequence(x, lens.clamp(min=1).cpu(), batch_first=True,
                                                   enforce_sorted=False)
        out, h = self.txt_gru(packed)
        live = (lens > 0).unsqueeze(1).to(h.dtype)
        if not self.mean_pool:
            return h[0] * live
        # the padded steps' states come back 0: a sum over the valid ones
        states, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        return states.sum(1) / lens.clamp(min=1).unsqueeze(1).to(h.dtype) * live

    def fuse(self, xs):
        K = len(xs)
        if self.fusion == "concat":
            return torch.cat(xs, dim=1)
        if self.fusion == "mean":
            return sum(xs[1:], xs[0]) / K
        if self.fusion == "product":
            if K == 2:
                return xs[0] * xs[1]
            out = 1 + xs[0]
            for x in xs[1:]:
                out = out * (1 + x)
            return out - 1
        if self.fusion == "gated":
            hs = [torch.tanh(getattr(self, PART[b][0])(x)) for b, x in zip(self.branches, xs)]
            l = self.gmu_z(torch.cat(xs, dim=1))
            if K == 2:
                z = torch.sigmoid(l)
                return z * hs[0] + (1 - z) * hs[1]
            n, D = xs[0].shape
            z = torch.softmax(torch.cat([l.reshape(n, K - 1, D), l.new_zeros(n, 1, D)], dim=1), dim=1)
            return sum(z[:, k] * hs[k] for k in range(K))
        if self.fusion == "lowrank":
            one = xs[0].new_ones(xs[0].shape[0], 1)
            out = None
            for b, x in zip(self.branches, xs):
                p = torch.einsum("nk,rdk->rnd", torch.cat([x, one], dim=1),
                                 getattr(self, PART[b][1]).weight)
                out = p if out is None else out * p
            return out.sum(0)
        return xs[0]   # a unimodal route

    def forward(self, batch):
        """The (N, C) logits of a batch (a dict: "images" (N,3,S,S)
        normalised, "tok_idx" and "tok_off" (N) of the bags, "audio"
        (N,1,M,T), "numeric" (N,2K), for the branches the model has; and
        for training with modality dropout "drop", (N) masks of DROP_BIT),
        and for late the logits of each branch's head (else [])."""
        xs = [self.branch_vector(b, batch) for b in self.branches]
        drop = batch.get("drop")
        if drop is not None and len(xs) > 1:
            xs = [x * ((drop & DROP_BIT[b]) == 0).unsqueeze(1).to(x.dtype)
                  for b, x in zip(self.branches, xs)]
        if self.fusion != "late":
            return self.head2(F.relu(self.head1(self.fuse(xs)))), []
        heads = [getattr(self, PART[b][2] + "2")(F.relu(getattr(self, PART[b][2] + "1")(x)))
                 for b, x in zip(self.branches, xs)]
        w = torch.softmax(self.late_alpha, dim=0)
        return sum(w[k] * heads[k] for k in range(len(heads))), heads


def objective(logits, heads, labels):
    """The mean cross-entropy every route reports, and the training loss
    the engine differentiates: for late, plus each head's own."""
    loss = F.cross_entropy(logits, labels)
    return loss, loss + sum(F.cross_entropy(h, labels) for h in heads)


# ---- safetensors, by hand (Debian's torch has no safetensors package) ----

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64,
          "U8": np.uint8}


def read_safetensors(path, mmap=False, with_metadata=False):
    """The tensors of a safetensors file as torch tensors (numpy arrays,
    read-only and mapped, with mmap), and with with_metadata its
    __metadata__ too."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        start = 8 + n
        data = None if mmap else f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        count = (e - b) // dt.itemsize
        if mmap:
            a = np.memmap(path, dtype=dt, mode="r", offset=start + b, shape=(count,)) \
                if count else np.zeros(0, dt)
            out[name] = a.reshape(info["shape"])
        else:
            out[name] = torch.from_numpy(np.frombuffer(data, dtype=dt, count=count, offset=b)
                                         .copy().reshape(info["shape"]))
    if with_metadata:
        return out, header.get("__metadata__", {})
    return out


def save_safetensors(path, tensors, metadata):
    """Writes (name, tensor) pairs and string metadata, atomically: u64 LE
    header length, a JSON header, the raw little-endian data in order."""
    names = {np.dtype(v).name: k for k, v in DTYPES.items()}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors:
        a = t.detach().cpu().contiguous().numpy() if torch.is_tensor(t) else np.asarray(t)
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[a.dtype.name], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


# ---- a model file: the weights and what predicting needs ----

def load_model_file(path):
    """A Fusion Lab model file (fusionlab-cli train --save, or train.py's):
    the model with its weights, and the file's metadata (config, classes,
    vocab, the inputs' normalisation)."""
    tensors, meta = read_safetensors(path, with_metadata=True)
    model = FusionModel(json.loads(meta["config"]))
    model.load_state_dict(tensors)
    return model, meta


def image_table(meta):
    """(3, 256): the normalised value of each byte of each channel, formed
    in double and rounded once, as the engine's fl_image_to_float()."""
    mean = torch.tensor(json.loads(meta["image_mean"]), dtype=torch.float64)
    std = torch.tensor(json.loads(meta["image_std"]), dtype=torch.float64)
    v = torch.arange(256, dtype=torch.float64) / 255.0
    return ((v[None, :] - mean[:, None]) / std[:, None]).to(torch.float32)


def normalise_images(table, images):
    """(N,3,S,S) uint8 → float, through image_table()."""
    x = torch.as_tensor(images).long()
    return table[torch.arange(3).view(1, 3, 1, 1), x]


class ExportedData:
    """The samples of an export folder (data/shard-*.safetensors, mapped,
    not read: each process of a torchrun shares the page cache), gathered
    into batches for FusionModel."""

    def __init__(self, folder, shards, meta):
        self.shards = [read_safetensors(os.path.join(folder, s), mmap=True) for s in shards]
        starts = np.cumsum([0] + [len(s["labels"]) for s in self.shards])
        self.start, self.n = starts[:-1], int(starts[-1])
        self.table = image_table(meta)
        self.labels = torch.from_numpy(np.concatenate([np.asarray(s["labels"]) for s in self.shards])
                                       .astype(np.int64))

    def batch(self, idx, branches, device="cpu"):
        """The inputs of samples idx (dataset indices) for a model of these
        branches."""
        idx = np.asarray(idx, dtype=np.int64)
        where = np.searchsorted(self.start, idx, side="right") - 1
        local = idx - self.start[where]
        out = {"labels": self.labels[torch.from_numpy(idx)]}
        if "image" in branches:
            img = np.stack([self.shards[s]["images"][i] for s, i in zip(where, local)])
            out["images"] = normalise_images(self.table, torch.from_numpy(img))
        if "text" in branches:
            bags = [self.shards[s]["tok_idx"][self.shards[s]["tok_off"][i]:self.shards[s]["tok_off"][i + 1]]
                    for s, i in zip(where, local)]
            lens = np.array([len(b) for b in bags], dtype=np.int64)
            out["tok_idx"] = torch.from_numpy(np.concatenate(bags).astype(np.int64)) \
                if lens.sum() else torch.zeros(0, dtype=torch.int64)
            out["tok_off"] = torch.from_numpy(np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64))
        for b in ("audio", "numeric"):
            if b in branches:
                out[b] = torch.from_numpy(np.stack([self.shards[s][b][i] for s, i in zip(where, local)])
                                          .astype(np.float32))
        return {k: v.to(device) for k, v in out.items()}
