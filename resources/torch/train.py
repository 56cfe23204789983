#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Trains the run of this folder (written by `fusionlab-cli export-torch`)
with PyTorch, on one process or many:

  python3 train.py                                  one process
  torchrun --nproc_per_node N train.py              N processes, one machine
  torchrun --nnodes M --nproc_per_node N --rdzv-backend c10d \\
           --rdzv-endpoint HOST:29400 train.py      M machines

DistributedDataParallel over gloo on CPU, nccl on CUDA. Each process trains
on its share of every epoch (a DistributedSampler) in batches of --batch, so
N processes step on N·batch samples at once. On one process it visits the
samples in the engine's own order (split.safetensors), so that its epoch
lines are Fusion Lab's to the third digit, until a max-pool tie within a
float's last bit is broken the other way (README.md); --shuffle makes it
draw its own.
Rank 0 prints the engine's epoch lines (--json: one object per epoch, the
keys of `fusionlab-cli train --json`) and saves a model file that Fusion Lab
opens (Open Model…, `fusionlab --model FILE`, `fusionlab-cli predict`).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as fl  # noqa: E402  (model.py, beside this file)

# the parameters of each branch, which --freeze keeps as they start
BRANCH_MODULES = {"image": ("conv1", "conv2", "img_fc"), "text": ("txt_emb", "txt_fc"),
                  "audio": ("aud_conv1", "aud_conv2", "aud_fc"), "numeric": ("num_fc1", "num_fc2")}


def parse_args(cfg):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.dirname(os.path.abspath(__file__)),
                    help="the export folder (this script's)")
    ap.add_argument("--epochs", type=int, default=cfg["epochs"])
    ap.add_argument("--batch", type=int, default=cfg["batch"], help="per process")
    ap.add_argument("--lr", type=float, default=float(cfg["lr"]))
    ap.add_argument("--out", default="model.safetensors", help="the model file to write")
    ap.add_argument("--json", action="store_true", help="one JSON object per epoch")
    ap.add_argument("--shuffle", action="store_true",
                    help="draw the order even on one process (not the engine's)")
    ap.add_argument("--cpu", action="store_true", help="train on the CPU even with a GPU")
    ap.add_argument("--threads", type=int, default=0, help="torch threads per process")
    ap.add_argument("--freeze", default=cfg.get("freeze", ""),
                    help="branches kept as they start, as image,text")
    return ap.parse_args()


class Trainer:
    def __init__(self, args, cfg):
        self.args, self.cfg = args, cfg
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() and not args.cpu
        self.device = torch.device(f"cuda:{local}" if cuda else "cpu")
        if cuda:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            dist.init_process_group("nccl" if cuda else "gloo")
        local_world = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
        torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_world))

        init, self.meta = fl.read_safetensors(os.path.join(args.data, "init.safetensors"),
                                              with_metadata=True)
        self.model = fl.FusionModel(json.loads(self.meta["config"]))
        self.model.load_state_dict(init)   # the engine's initial weights
        for b in filter(None, args.freeze.split(",")):
            for m in BRANCH_MODULES[b]:
                if hasattr(self.model, m):
                    getattr(self.model, m).requires_grad_(False)
        self.model.to(self.device)
        self.ddp = self.model
        if self.world > 1:
            self.ddp = torch.nn.parallel.DistributedDataParallel(
                self.model, device_ids=[self.device.index] if cuda else None)
        self.opt = torch.optim.Adam([p for p in self.model.parameters() if p.requires_grad],
                                    lr=args.lr, betas=(float(cfg["beta1"]), float(cfg["beta2"])),
                                    eps=float(cfg["eps"]))
        self.data = fl.ExportedData(args.data, cfg["shards"], self.meta)
        self.split = fl.read_safetensors(os.path.join(args.data, "split.safetensors"))
        self.C = len(json.loads(self.meta["classes"]))

    def epoch_order(self, epoch):
        """This process's samples of the epoch (dataset indices) and their
        modality-dropout masks (or None)."""
        s, p = self.split, float(self.cfg["modality_dropout"])
        order = s["train_order"]
        if self.world == 1 and not self.args.shuffle and epoch <= order.shape[0]:
            drop = s["train_drop"][epoch - 1].long() if "train_drop" in s else None
            return order[epoch - 1].long(), drop
        # torch's DistributedSampler, without its classes: the same
        # permutation on every process, seeded by the epoch, padded to a
        # multiple of the processes and dealt out rank by rank
        train = s["train_idx"].long()
        g = torch.Generator().manual_seed(int(self.cfg["seed"]) + epoch)
        perm = train[torch.randperm(len(train), generator=g)]
        total = -(-len(perm) // self.world) * self.world
        perm = torch.cat([perm, perm[:total - len(perm)]])[self.rank:total:self.world]
        drop = None
        K = len(self.model.branches)
        if p > 0 and K > 1:
            g.manual_seed(int(self.cfg["seed"]) * 1000003 + epoch * 101 + self.rank)
            which = torch.randint(K, (len(perm),), generator=g)
            bits = torch.tensor([fl.DROP_BIT[b] for b in self.model.branches])[which]
            drop = torch.where(torch.rand(len(perm), generator=g) < p, bits, torch.zeros_like(bits))
        return perm, drop

    def reduce(self, *values):
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(t)
        return t.tolist()

    def train_epoch(self, epoch):
        order, drop = self.epoch_order(epoch)
        B, branches = self.args.batch, self.model.branches
        loss_sum, correct = 0.0, 0
        self.ddp.train()
        for i in range(0, len(order), B):
            batch = self.data.batch(order[i:i + B].numpy(), branches, self.device)
            if drop is not None:
                batch["drop"] = drop[i:i + B].to(self.device)
            logits, heads = self.ddp(batch)
            loss, objective = fl.objective(logits, heads, batch["labels"])
            self.opt.zero_grad()
            objective.backward()
            self.opt.step()
            n = len(batch["labels"])
            loss_sum += loss.item() * n
            correct += int((logits.argmax(1) == batch["labels"]).sum())
        return self.reduce(loss_sum, correct, len(order))

    @torch.no_grad()
    def evaluate(self):
        """The validation loss, accuracy and macro-F1, each process taking
        every world-th sample and the sums added up."""
        val = self.split["val_idx"].long()[self.rank::self.world]
        loss_sum, conf = 0.0, torch.zeros(self.C, self.C, dtype=torch.float64)
        self.model.eval()
        for i in range(0, len(val), self.args.batch):
            batch = self.data.batch(val[i:i + self.args.batch].numpy(), self.model.branches, self.device)
            logits, _ = self.model(batch)
            loss_sum += F.cross_entropy(logits, batch["labels"], reduction="sum").item()
            pred = logits.argmax(1).cpu()
            conf.index_put_((batch["labels"].cpu(), pred), torch.ones(len(pred), dtype=torch.float64),
                            accumulate=True)
        sums = self.reduce(loss_sum, *conf.flatten().tolist())
        conf = torch.tensor(sums[1:]).reshape(self.C, self.C)
        n = conf.sum().item()
        return sums[0] / n, conf.trace().item() / n, macro_f1(conf)

    def run(self):
        E = self.args.epochs
        for epoch in range(1, E + 1):
            t0 = time.time()
            loss_sum, correct, n = self.train_epoch(epoch)
            secs = time.time() - t0
            vl, va, vf = self.evaluate()
            if self.rank == 0:
                print_epoch(self.args.json, self.cfg["fusion"], epoch, E, loss_sum / n, correct / n,
                            vl, va, vf, n / secs)
        if self.rank == 0:
            self.save()
        if self.world > 1:
            dist.barrier()
            dist.destroy_process_group()

    def save(self):
        """The model in the engine's layout: the state_dict, and the
        initial file's metadata (config, classes, vocabulary, the inputs'
        normalisation)."""
        meta = dict(self.meta)
        meta["trained_with"] = "PyTorch %s, %d process(es), %d epoch(s)" % (
            torch.__version__, self.world, self.args.epochs)
        fl.save_safetensors(self.args.out, list(self.model.state_dict().items()), meta)
        print("model saved to %s" % self.args.out, file=sys.stderr)


def macro_f1(conf):
    """The mean F1 of the classes that are present or predicted, as the
    engine's fl_metrics_macro_f1()."""
    f1s = []
    for c in range(conf.shape[0]):
        tp, support, predicted = conf[c, c].item(), conf[c].sum().item(), conf[:, c].sum().item()
        if support == 0 and predicted == 0:
            continue
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def print_epoch(as_json, fusion, epoch, epochs, tl, ta, vl, va, vf, sps):
    if as_json:
        print(json.dumps({"fusion": fusion, "epoch": epoch, "epochs": epochs, "train_loss": tl,
                          "train_acc": ta, "val_loss": vl, "val_acc": va, "val_f1": vf,
                          "samples_per_s": round(sps, 1)}), flush=True)
    else:
        print("epoch %d/%d train_loss %.4f train_acc %.4f val_loss %.4f val_acc %.4f val_f1 %.4f "
              "samples_per_s %.1f" % (epoch, epochs, tl, ta, vl, va, vf, sps), flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[sys.argv.index("--data") + 1] if "--data" in sys.argv else here
    with open(os.path.join(data, "config.json")) as f:
        cfg = json.load(f)
    Trainer(parse_args(cfg), cfg).run()


if __name__ == "__main__":
    main()
