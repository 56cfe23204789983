#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""resources/torch/model.py — the model an export to PyTorch trains, and
bench/torch_reference.py's — against every fixture of
tools/make-torch-fixture.py (tests/data/torch-*.safetensors), which is
written from the formulas, not from model.py: the logits and the gradients
of the training loss of every route over every branch set, at the fixture's
weights, within 1e-6. Skips (77) only when torch cannot be imported."""
import glob
import os
import sys

try:
    import torch
except ImportError as e:
    print("SKIP: torch cannot be imported (%s); tools/deps.sh installs python3-torch" % e)
    sys.exit(77)

SRC = os.environ.get("FUSIONLAB_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(SRC, "resources", "torch"))
import model as fl  # noqa: E402

NOT_CONFIG = ("batch", "torch", "margin", "made_by")
TOL = 1e-6


def inputs(t):
    batch = {}
    if "input.images" in t:
        batch["images"] = t["input.images"]
    if "input.tokens" in t:
        # the gru's ids in order, -1 after each text's end
        idx, off = [], []
        for row in t["input.tokens"]:
            off.append(len(idx))
            idx += row[row >= 0].long().tolist()
        batch["tok_idx"] = torch.tensor(idx, dtype=torch.long)
        batch["tok_off"] = torch.tensor(off, dtype=torch.long)
    if "input.text" in t:
        # the fixture's dense multi-hot rows as the token ids of each bag
        idx, off = [], []
        for row in t["input.text"]:
            off.append(len(idx))
            idx += row.nonzero().flatten().tolist()
        batch["tok_idx"] = torch.tensor(idx, dtype=torch.long)
        batch["tok_off"] = torch.tensor(off, dtype=torch.long)
    for b in ("audio", "numeric"):
        if "input." + b in t:
            batch[b] = t["input." + b]
    return batch


def check(path):
    t, meta = fl.read_safetensors(path, with_metadata=True)
    config = {k: v if k in ("fusion", "branches", "text_encoder", "text_pool") else int(v) for k, v in meta.items()
              if k not in NOT_CONFIG}
    m = fl.FusionModel(config)
    m.load_state_dict({k: v for k, v in t.items()
                       if not k.startswith(("input.", "out.", "grad.", "step1.", "step2."))})
    logits, heads = m(inputs(t))
    _, objective = fl.objective(logits, heads, t["input.labels"].long())
    objective.backward()
    worst = (logits - t["out.logits"]).abs().max().item()
    for name, p in m.named_parameters():
        worst = max(worst, (p.grad - t["grad." + name]).abs().max().item())
    return worst


def main():
    paths = sorted(glob.glob(os.path.join(SRC, "tests", "data", "torch-*.safetensors")))
    failed = 0
    print("1..%d" % len(paths))
    for i, path in enumerate(paths, 1):
        worst = check(path)
        ok = worst <= TOL
        failed += not ok
        print("%s %d %s: max |model.py - fixture| %.2e" % ("ok" if ok else "not ok", i,
                                                           os.path.basename(path), worst))
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
