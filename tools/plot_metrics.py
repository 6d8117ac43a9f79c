#!/usr/bin/env python3
"""Draw a pollux-train metrics.csv (loss, validation loss, heat, churn and the fraction of
atoms the projection searched) against step and against tokens, to a PNG; with the run's
lattice_stats.csv beside it, a third row draws each layer's churn, null fraction and churn
since the last milestone against step.

usage: plot_metrics.py RUN_DIR/metrics.csv [MORE.csv ...] --output curves.png
Several files (runs) are drawn on the same axes, labelled by their folder.
Runs with the project venv: ~/.cache/pollux/venv/bin/python tools/plot_metrics.py ...
"""
import argparse
import csv
import os
import sys


def read(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows.append(row)
    if not rows:
        sys.exit(f"plot_metrics: error: {path} has no rows")
    return rows


def column(rows, key, as_type=float):
    xs, ys = [], []
    for r in rows:
        if r.get(key, "") != "":
            xs.append(r)
            ys.append(as_type(r[key]))
    return xs, ys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("metrics", nargs="+", help="metrics.csv files")
    parser.add_argument("--output", required=True, help="PNG to write")
    args = parser.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot_metrics: error: matplotlib is missing (tools/bootstrap.sh installs it in the venv)")

    stats = {}
    for path in args.metrics:
        lattice = os.path.join(os.path.dirname(os.path.abspath(path)), "lattice_stats.csv")
        if os.path.exists(lattice):
            stats[path] = read(lattice)
    fig, axes = plt.subplots(3 if stats else 2, 3, figsize=(15, 12 if stats else 8))
    for path in args.metrics:
        rows = read(path)
        label = os.path.basename(os.path.dirname(os.path.abspath(path)))
        for ax, suffix, title in zip(axes[2] if stats else (), ("churn", "null", "since_milestone"),
                                     ("churn per layer", "null fraction per layer", "churn since the last milestone")):
            layers = [k for k in (stats.get(path) or [{}])[0] if k.startswith("blocks.") and k.count(".") == 1
                      and k.endswith(":" + suffix)]
            for key in layers:
                picked, ys = column(stats[path], key)
                ax.plot([float(r["step"]) for r in picked], ys, label=f"{label} {key.split(':')[0]}")
            ax.set_xlabel("step")
            ax.set_title(title)
            ax.grid(alpha=0.3)
        for row_axes, xkey in zip(axes, ("step", "tokens")):
            for ax, keys, title in zip(row_axes, (("loss", "val_loss"), ("heat",), ("churn", "searched")),
                                       ("loss (nats/token)", "heat", "churn and searched (fraction of atoms)")):
                for key in keys:
                    picked, ys = column(rows, key)
                    xs = [float(r[xkey]) for r in picked]
                    if ys:
                        ax.plot(xs, ys, label=f"{label} {key}", marker="o" if key == "val_loss" else None,
                                markersize=3)
                ax.set_xlabel(xkey)
                ax.set_title(title)
                ax.grid(alpha=0.3)
    for ax in axes.flat:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
