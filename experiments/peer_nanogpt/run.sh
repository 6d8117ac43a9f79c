#!/usr/bin/env bash
# The peer check (issue 28): nanoGPT's own code, run as its README's CPU recipe says, against
# Pollux's continuous, Leech and ternary routes at the same shape on the same tokens, on the
# same machine. Writes OUT/results.tsv (route, held-out nats/byte, wall seconds, tokens/s) and
# OUT/commands.sh; prints the table.
#
# usage: experiments/peer_nanogpt/run.sh NANOGPT_DIR [OUT_DIR]
#   NANOGPT_DIR  a checkout of github.com/karpathy/nanoGPT (not shipped here; results.md names
#                the commit). It is copied to OUT_DIR, never written to.
# Environment: POLLUX_BIN (the build's bin/), POLLUX_SHARED (../shared), POLLUX_PYTHON (a Python
# with torch and numpy: the project venv), ROUTES (default "nanogpt continuous leech ternary").
#
# The shape is nanoGPT's README CPU command: 4 layers, context 64, batch 12, 2,000 steps,
# dropout 0 (width 128 there; ours is 120, the multiple of 24 nearest it). The text is the
# bundled tinyshakespeare, split 90/10 as nanoGPT's prepare.py splits it (the first 90 % of
# the characters train, the last 10 % are held out). Held-out loss: the whole validation text
# in non-overlapping windows of 64 for every model (pollux-eval --data; eval_nanogpt.py the same
# way for nanoGPT's checkpoint). tinyshakespeare is ASCII: nats per character = per byte.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nanogpt="${1:?usage: $0 NANOGPT_DIR [OUT_DIR]}"
out="${2:-$root/runs/peer_nanogpt}"
bin="${POLLUX_BIN:-$root/build/bin}"
shared="$(realpath -m "${POLLUX_SHARED:-$root/../shared}")"
python="${POLLUX_PYTHON:-$HOME/.cache/pollux/venv/bin/python}"
routes="${ROUTES:-nanogpt continuous leech ternary}"
text="$shared/data/corpus/tinyshakespeare.txt"
[ -f "$nanogpt/train.py" ] || { echo "run.sh: error: $nanogpt has no train.py (a nanoGPT checkout)" >&2; exit 1; }
[ -f "$text" ] || { echo "run.sh: error: no $text" >&2; exit 1; }
mkdir -p "$out/data"
commands="$out/commands.sh"
printf '#!/usr/bin/env bash\n# experiments/peer_nanogpt, %s, %s\nset -euo pipefail\n' "$(date -u +%FT%TZ)" "$(uname -n)" >"$commands"
run() { printf '%q ' "$@" >>"$commands"; printf '\n' >>"$commands"; "$@"; }
results="$out/results.tsv"
printf 'route\theld_out_nats_per_byte\twall_s\ttokens_per_s\n' >"$results"
tokens=$((2000 * 12 * 64))
# Wall seconds of a command (its output to $1).
timed() {
  local log="$1" t0 t1
  shift
  t0=$(date +%s.%N)
  run "$@" >"$log" 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
row() { printf '%s\t%.4f\t%.1f\t%.0f\n' "$1" "$2" "$3" "$(echo "$tokens / $3" | bc -l)" | tee -a "$results"; }

for route in $routes; do
  case "$route" in
    nanogpt)
      work="$out/nanogpt"
      rm -rf "$work"
      cp -r "$nanogpt" "$work"
      cp "$text" "$work/data/shakespeare_char/input.txt"  # prepare.py reads it instead of downloading
      (cd "$work" && run "$python" data/shakespeare_char/prepare.py >"$out/nanogpt_prepare.log")
      # The README's CPU command; always_save_checkpoint keeps the last model (by default it
      # keeps the best validation estimate, which would favour nanoGPT).
      wall=$(cd "$work" && timed "$out/nanogpt_train.log" "$python" train.py config/train_shakespeare_char.py --device=cpu \
        --compile=False --eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 \
        --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0 --always_save_checkpoint=True)
      loss=$(run "$python" "$here/eval_nanogpt.py" "$work" "$work/out-shakespeare-char/ckpt.pt" "$work/data/shakespeare_char/val.bin" | tail -1 \
        | "$python" -c 'import json,sys; print(json.load(sys.stdin)["loss"])')
      row nanogpt "$loss" "$wall" ;;
    continuous | leech | ternary)
      data="$out/data/shakespeare.u16"
      [ -f "$data" ] || run "$bin/pollux-prepare" "$text" --output "$data" --tokenizer bytes --val_fraction 0.1 --framing between --no_eot >/dev/null
      config="$root/configs/$(case "$route" in continuous) echo tiny-continuous ;; leech) echo tiny ;; ternary) echo tiny-ternary ;; esac).ini"
      wall=$(timed "$out/$route.log" "$bin/pollux-train" --config "$config" --n_layers 4 --n_embd 120 --seq_len 64 --micro_batch 12 \
        --grad_accum 1 --max_steps 2000 --checkpoint_every 0 --eval_every 250 --eval_batches 20 --log_every 50 \
        --data "$data" --out "$out/$route" --overwrite)
      loss=$(run "$bin/pollux-eval" "$out/$route/pollux_step_2000.h5" --data "${data%.u16}.val.u16" --json \
        | "$python" -c 'import json,sys; print(json.load(sys.stdin)["loss"])')
      row "$route" "$loss" "$wall" ;;
    *) echo "run.sh: error: unknown route $route (nanogpt, continuous, leech, ternary)" >&2; exit 2 ;;
  esac
done
column -t -s $'\t' "$results"
