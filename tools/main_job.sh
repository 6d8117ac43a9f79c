#!/usr/bin/env bash
# The main job: set up, build, and run Pollux end to end on the bundled corpus on a CPU:
# prepare -> train configs/tiny.ini -> stop -> resume -> crystallisation report -> pack (compression report) ->
# sample -> validation loss of the checkpoint and of the .plx side by side -> curves.
# Usage: tools/main_job.sh [OUT_DIR]     (default runs/main)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/main}"
# Each phase prints its wall time when the next one starts (the last at the end).
phase_name="" phase_start=$SECONDS
phase() {
  [ -z "$phase_name" ] || printf '   (%d s)\n' $((SECONDS - phase_start))
  phase_name="$1" phase_start=$SECONDS
  [ "$1" = end ] || echo "== $1"
}
phase "set up: Debian packages and the torch venv (once: ~5 GB, minutes)"
tools/bootstrap.sh
phase "build the seven tools this job runs (not the tests: tools/test.sh builds those)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target pollux-prepare pollux-train pollux-inspect pollux-pack pollux-generate pollux-eval pollux-bench
venv="${POLLUX_VENV:-$HOME/.cache/pollux/venv}"
bin=build/bin
mkdir -p "$out"

phase "prepare: tinyshakespeare as bytes, the last 10% held out"
"$bin/pollux-prepare" data/tinyshakespeare.txt --output "$out/shakespeare.u16" --tokenizer bytes --val_fraction 0.1

phase "train configs/tiny.ini to step 875, then stop (a run of this job before is replaced)"
"$bin/pollux-train" --config configs/tiny.ini --data "$out/shakespeare.u16" --val_data "$out/shakespeare.val.u16" \
  --out "$out/tiny" --max_steps 875 --log_every 50 --keep_every 250 --overwrite

phase "resume from the checkpoint and continue to step 1750"
"$bin/pollux-train" --config configs/tiny.ini --data "$out/shakespeare.u16" --val_data "$out/shakespeare.val.u16" \
  --out "$out/tiny" --max_steps 1750 --log_every 50 --keep_every 250 --auto_resume

phase "the final checkpoint"
"$bin/pollux-inspect" "$out/tiny/pollux_step_1750.h5"

phase "crystallisation: churn at each kept checkpoint and over the next 250 steps (192,000 tokens)"
"$bin/pollux-inspect" "$out/tiny" --window_tokens 192000 --churn_tolerance 0.001

phase "pack it into a .plx file"
"$bin/pollux-pack" "$out/tiny/pollux_step_1750.h5" --output "$out/tiny.plx"

phase "sample from the .plx file"
"$bin/pollux-generate" "$out/tiny.plx" --prompt "ROMEO:" --max_new_tokens 300 --temperature 0.8 --seed 1

phase "held-out loss: checkpoint and .plx side by side"
"$bin/pollux-eval" "$out/tiny/pollux_step_1750.h5" --data "$out/shakespeare.val.u16"
"$bin/pollux-eval" "$out/tiny.plx" --data "$out/shakespeare.val.u16"

phase "curves: $out/curves.png"
"$venv/bin/python" tools/plot_metrics.py "$out/tiny/metrics.csv" --output "$out/curves.png"

phase "the exact quantizer against a float64 brute force"
"$bin/pollux-bench" quantizer --atoms 100000 --check 2000
phase end
