"""Held-out loss of a nanoGPT checkpoint scored as pollux-eval scores ours: the whole validation
file in non-overlapping windows of the model's context (the last one shorter), mean cross-entropy over every predicted
token (nats per character; tinyshakespeare is ASCII, so per byte).

usage: eval_nanogpt.py NANOGPT_DIR CKPT.pt VAL.bin
"""
import json
import sys

import numpy as np
import torch

nanogpt_dir, ckpt_path, val_path = sys.argv[1:4]
sys.path.insert(0, nanogpt_dir)
from model import GPT, GPTConfig  # noqa: E402  (nanoGPT's own model.py)

ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
model = GPT(GPTConfig(**ckpt["model_args"]))
state = {k.removeprefix("_orig_mod."): v for k, v in ckpt["model"].items()}
model.load_state_dict(state)
model.eval()

data = np.fromfile(val_path, dtype=np.uint16).astype(np.int64)
T = ckpt["model_args"]["block_size"]
windows = (len(data) - 1) // T
total, count = 0.0, 0
with torch.no_grad():
    for first in range(0, windows, 64):
        rows = range(first, min(windows, first + 64))
        x = torch.tensor(np.stack([data[r * T:r * T + T] for r in rows]))
        y = torch.tensor(np.stack([data[r * T + 1:r * T + T + 1] for r in rows]))
        logits, _ = model(x, y)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), reduction="sum")
        total += loss.item()
        count += y.numel()
    rest = len(data) - 1 - windows * T  # the last, shorter window, as pollux-eval scores it
    if rest > 0:
        x = torch.tensor(data[windows * T:windows * T + rest])[None]
        y = torch.tensor(data[windows * T + 1:windows * T + rest + 1])[None]
        logits, _ = model(x, y)
        total += torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), reduction="sum").item()
        count += rest
print(json.dumps({"loss": total / count, "tokens": count, "windows": windows, "iter_num": ckpt["iter_num"]}))
