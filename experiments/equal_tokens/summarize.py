#!/usr/bin/env python3
"""The table and the Pareto plot of experiments/equal_tokens: one row per method (its seeds
pooled: mean and sample standard deviation), sorted by model bytes.

usage: summarize.py EVAL_DIR --profile NAME --output results.md [--plot pareto.png]
EVAL_DIR holds one NAME.json per scored model (run.sh writes them).
"""
import argparse
import glob
import json
import math
import os
import platform
import statistics
import sys
import time


def read(eval_dir):
    rows = []
    for path in sorted(glob.glob(os.path.join(eval_dir, "*.json"))):
        if os.path.basename(path).count(".") > 1:  # NAME.loss.json and the like: the tools' own outputs
            continue
        with open(path) as f:
            rows.append(json.load(f))
    if not rows:
        sys.exit(f"summarize: error: no results in {eval_dir}")
    return rows


def spread(values):
    mean = statistics.fmean(values)
    return mean, (statistics.stdev(values) if len(values) > 1 else 0.0)


def table(rows):
    methods = {}
    for r in rows:
        methods.setdefault(r["method"], []).append(r)
    out = []
    for method, rs in methods.items():
        loss, loss_sd = spread([r["heldout_loss"] for r in rs])
        bpb, bpb_sd = spread([r["bits_per_byte"] for r in rs])
        blimp, blimp_sd = spread([r["blimp_accuracy"] for r in rs])
        out.append({"method": method, "seeds": len(rs), "bits": statistics.fmean(r["bits_per_parameter"] for r in rs),
                    "model_bytes": statistics.fmean(r["model_bytes"] for r in rs), "loss": loss, "loss_sd": loss_sd,
                    "bpb": bpb, "bpb_sd": bpb_sd, "word_ppl": statistics.fmean(r["word_perplexity"] for r in rs),
                    "blimp": blimp, "blimp_sd": blimp_sd, "blimp_pairs": rs[0]["blimp_pairs"]})
    return sorted(out, key=lambda t: t["model_bytes"])


def pareto(t):
    """Methods no other method beats on both model bytes and held-out loss."""
    return {a["method"] for a in t
            if not any(b["model_bytes"] <= a["model_bytes"] and b["loss"] < a["loss"] for b in t if b is not a)}


def markdown(t, profile):
    front = pareto(t)
    lines = [f"Profile `{profile}`, written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
             f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores).", "",
             "| method | bits per parameter (whole model, stored) | model bytes | held-out loss (nats/token) | bits per byte "
             "(WikiText) | word perplexity | BLiMP accuracy | seeds | Pareto |",
             "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for r in t:
        lines.append(f"| {r['method']} | {r['bits']:.3f} | {r['model_bytes'] / 1e6:.3f} MB | "
                     f"{r['loss']:.4f} ± {r['loss_sd']:.4f} | {r['bpb']:.4f} ± {r['bpb_sd']:.4f} | {r['word_ppl']:.1f} | "
                     f"{100 * r['blimp']:.1f} % ± {100 * r['blimp_sd']:.1f} | {r['seeds']} | "
                     f"{'yes' if r['method'] in front else ''} |")
    lines += ["", f"BLiMP: {t[0]['blimp_pairs']} pairs over the local sets. ± is the sample standard deviation over seeds "
              "(0 with one seed). Pareto: no other method has fewer model bytes and a lower held-out loss."]
    return "\n".join(lines) + "\n"


def plot(t, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5.5))
    families = {"continuous": "o", "leech": "*", "pollux-v4": "P", "ternary": "^", "ptq-rtn": "s", "ptq-gptq": "D",
                "ptq-polarquant": "v", "ptq-leech": "X"}
    for r in t:
        family = next((f for f in sorted(families, key=len, reverse=True) if r["method"].startswith(f)), "o")
        ax.errorbar(r["model_bytes"] / 1e6, r["loss"], yerr=r["loss_sd"], fmt=families.get(family, "o"), markersize=8,
                    capsize=3, label=r["method"])
        ax.annotate(r["method"], (r["model_bytes"] / 1e6, r["loss"]), textcoords="offset points", xytext=(5, 4), fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("model bytes (MB, log scale)")
    ax.set_ylabel("held-out loss (nats per token)")
    ax.set_title("Equal tokens: held-out loss against model size (mean ± sd over seeds)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("eval_dir")
    p.add_argument("--profile", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--plot")
    a = p.parse_args()
    t = table(read(a.eval_dir))
    for r in t:
        if not all(math.isfinite(r[k]) for k in ("loss", "bpb")):
            sys.exit(f"summarize: error: {r['method']} has a non-finite held-out loss")
    with open(a.output, "w") as f:
        f.write(markdown(t, a.profile))
    if a.plot:
        plot(t, a.plot)


if __name__ == "__main__":
    main()
