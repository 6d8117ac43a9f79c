#!/usr/bin/env python3
"""The per-model records, the sweep's choices, and the table and Pareto plot of
experiments/equal_tokens (run.sh calls each):

  summarize.py model NAME METHOD SEED BYTES STEM    one model's record (JSON on stdout) from its
                                                    STEM.{loss,wikitext,blimp,inspect}.json
  summarize.py sweep SWEEP_DIR --output best.tsv    each route's point with the lowest validation
                                                    loss (SWEEP_DIR/ROUTE-POINT.val.json); a
                                                    sweep.md beside best.tsv lists every point
  summarize.py table EVAL_DIR --profile NAME --output results.md [--sweep best.tsv] [--plot pareto.png]
                                                    one row per method (seeds pooled: mean and
                                                    sample standard deviation) sorted by deployed
                                                    bytes, with each method's per-seed paired
                                                    difference against Leech and its 95 % interval
"""
import argparse
import glob
import json
import math
import os
import platform
import re
import statistics
import sys
import time

# Two-sided 95 % quantiles of Student's t by degrees of freedom (1-30); past 30, the normal's.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def model_record(name, method, seed, model_bytes, stem):
    parameters = json.load(open(stem + ".inspect.json"))["parameters"]
    loss = json.load(open(stem + ".loss.json"))
    wiki = json.load(open(stem + ".wikitext.json"))["tasks"]["wikitext"]
    blimp = json.load(open(stem + ".blimp.json"))
    return {"name": name, "method": method, "seed": int(seed), "parameters": parameters,
            "bits_per_parameter": 8 * int(model_bytes) / parameters, "model_bytes": int(model_bytes),
            "heldout_loss": loss["loss"], "heldout_tokens": loss["tokens"], "word_perplexity": wiki["word_perplexity"],
            "bits_per_byte": wiki["bits_per_byte"], "blimp_accuracy": blimp["accuracy"], "blimp_pairs": blimp["pairs"]}


def sweep(sweep_dir, output):
    """best.tsv (route, point, validation loss) and sweep.md (every point) from ROUTE-POINT.val.json."""
    points = {}
    for path in sorted(glob.glob(os.path.join(sweep_dir, "*.val.json"))):
        stem = os.path.basename(path)[: -len(".val.json")]
        route, point = split_sweep_stem(stem)
        with open(path) as f:
            loss = json.load(f)["loss"]
        if not math.isfinite(loss):
            loss = math.inf  # a diverged point loses, and the table says so
        points.setdefault(route, []).append((point, loss))
    if not points:
        sys.exit(f"summarize: error: no sweep results in {sweep_dir}")
    lines = ["| route | point | validation loss (nats/token) | chosen |", "|---|---|---:|:---:|"]
    with open(output, "w") as best:
        for route, ps in points.items():
            choice = min(ps, key=lambda p: p[1])
            if not math.isfinite(choice[1]):
                sys.exit(f"summarize: error: every point of the {route} sweep diverged")
            best.write(f"{route}\t{choice[0]}\t{choice[1]:.6f}\n")
            for point, loss in sorted(ps, key=lambda p: sweep_order(p[0])):
                lines.append(f"| {route} | {point} | {loss:.4f} | {'yes' if point == choice[0] else ''} |")
    with open(os.path.join(os.path.dirname(output), "sweep.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def split_sweep_stem(stem):
    """ROUTE-POINT into its route (which may hold dashes: leech-adamw) and its point (hfloorH or
    INIT-lrLR)."""
    m = re.fullmatch(r"(.+?)-(hfloor.+|[a-z]+-lr.+)", stem)
    if not m:
        sys.exit(f"summarize: error: {stem} is not ROUTE-hfloorH or ROUTE-INIT-lrLR")
    return m.group(1), m.group(2)


def sweep_order(point):
    """INIT-lrLR by init then learning rate; hfloorH by h_floor."""
    if point.startswith("hfloor"):
        return ("", float(point[len("hfloor"):]))
    init, lr = point.split("-lr")
    return (init, float(lr))


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


def paired(rs, reference):
    """The per-seed difference of held-out loss against the reference method (same seed, same
    tokens): mean, 95 % interval half-width (Student's t), seeds paired. None without a pair."""
    ref = {r["seed"]: r["heldout_loss"] for r in reference}
    diffs = [r["heldout_loss"] - ref[r["seed"]] for r in rs if r["seed"] in ref]
    if not diffs:
        return None
    mean = statistics.fmean(diffs)
    if len(diffs) < 2:
        return mean, math.nan, len(diffs)
    half = (T975[len(diffs) - 2] if len(diffs) - 1 <= len(T975) else 1.96) * statistics.stdev(diffs) / math.sqrt(len(diffs))
    return mean, half, len(diffs)


def table(rows, reference="leech"):
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
                    "blimp": blimp, "blimp_sd": blimp_sd, "blimp_pairs": rs[0]["blimp_pairs"],
                    "paired": None if method == reference or reference not in methods else paired(rs, methods[reference])})
    return sorted(out, key=lambda t: t["model_bytes"])


def pareto(t):
    """Methods no other method beats on both deployed bytes and held-out loss."""
    return {a["method"] for a in t
            if not any(b["model_bytes"] <= a["model_bytes"] and b["loss"] < a["loss"] for b in t if b is not a)}


def verdict(p):
    """What the paired interval supports: better or worse than Leech, or not resolved."""
    if p is None:
        return ""
    mean, half, n = p
    if not math.isfinite(half):
        return f"{mean:+.4f} (1 seed)"
    word = "lower" if mean + half < 0 else "higher" if mean - half > 0 else "not resolved"
    return f"{mean:+.4f} ± {half:.4f} ({word})"


def markdown(t, profile, reference="leech"):
    front = pareto(t)
    lines = [f"Profile `{profile}`, written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
             f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores).", "",
             "| method | bits per parameter (deployed) | deployed bytes | held-out loss (nats/token) | "
             f"paired difference to {reference} (95 % interval) | bits per byte (WikiText) | word perplexity | "
             "BLiMP accuracy | seeds | Pareto |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for r in t:
        lines.append(f"| {r['method']} | {r['bits']:.3f} | {r['model_bytes'] / 1e6:.3f} MB | "
                     f"{r['loss']:.4f} ± {r['loss_sd']:.4f} | {verdict(r['paired'])} | "
                     f"{r['bpb']:.4f} ± {r['bpb_sd']:.4f} | {r['word_ppl']:.1f} | "
                     f"{100 * r['blimp']:.1f} % ± {100 * r['blimp_sd']:.1f} | {r['seeds']} | "
                     f"{'yes' if r['method'] in front else ''} |")
    lines += ["", f"BLiMP: {t[0]['blimp_pairs']} pairs over the local sets. ± after a loss is the sample standard deviation "
              "over seeds (0 with one seed). Paired difference: the method's held-out loss minus "
              f"{reference}'s at the same seed (the same tokens in the same order), its mean over seeds and the "
              "half-width of its 95 % interval (Student's t); lower means the method is better; 'not resolved' "
              "when the interval holds 0. Pareto: no other method has fewer deployed bytes and a lower held-out "
              "loss. Deployed bytes: everything a user ships (payload, scales, container), one rule for every "
              "method (pollux-inspect and pollux-ptq report it)."]
    return "\n".join(lines) + "\n"


def plot(t, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5.5))
    families = {"continuous": "o", "leech": "*", "pollux-v4": "P", "ternary": "^", "ptq-rtn": "s", "ptq-gptq": "D",
                "ptq-polarquant": "v", "ptq-leech": "X", "ptq-leech-ldlq": "x", "ptq-apq": "h", "ptq-awq": "p",
                "ptq-smoothquant": "8", "cont50-leech": "d", "cont80-leech": "d", "cont50-ternary": ">",
                "cont80-ternary": ">"}
    for r in t:
        family = next((f for f in sorted(families, key=len, reverse=True) if r["method"].startswith(f)), "o")
        ax.errorbar(r["model_bytes"] / 1e6, r["loss"], yerr=r["loss_sd"], fmt=families.get(family, "o"), markersize=8,
                    capsize=3, label=r["method"])
        ax.annotate(r["method"], (r["model_bytes"] / 1e6, r["loss"]), textcoords="offset points", xytext=(5, 4), fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("deployed bytes (MB, log scale)")
    ax.set_ylabel("held-out loss (nats per token)")
    ax.set_title("Equal tokens: held-out loss against model size (mean ± sd over seeds)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "model":
        if len(sys.argv) != 7:
            sys.exit("usage: summarize.py model NAME METHOD SEED BYTES STEM")
        print(json.dumps(model_record(*sys.argv[2:])))
        return
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["sweep", "table"])
    p.add_argument("folder")
    p.add_argument("--profile")
    p.add_argument("--output", required=True)
    p.add_argument("--sweep", help="best.tsv: the sweep's choices, shown in results.md")
    p.add_argument("--plot")
    a = p.parse_args()
    if a.what == "sweep":
        sweep(a.folder, a.output)
        return
    t = table(read(a.folder))
    for r in t:
        if not all(math.isfinite(r[k]) for k in ("loss", "bpb")):
            sys.exit(f"summarize: error: {r['method']} has a non-finite held-out loss")
    text = markdown(t, a.profile)
    if a.sweep and os.path.exists(a.sweep):
        with open(os.path.join(os.path.dirname(a.sweep), "sweep.md")) as f:
            text += "\nThe sweep (one seed, scored on the validation articles, never on the held-out ones):\n\n" + f.read()
    with open(a.output, "w") as f:
        f.write(text)
    if a.plot:
        plot(t, a.plot)


if __name__ == "__main__":
    main()
