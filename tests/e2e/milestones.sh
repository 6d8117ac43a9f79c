#!/usr/bin/env bash
# Checkpoint retention with milestones (keep_every) and the per-layer lattice statistics of a
# run, on a tiny real run.
source "$(dirname "$0")/lib.sh"
CONFIG="$(dirname "$0")/../../configs/tiny.ini"
TEXT="$SHARED/data/corpus/tinyshakespeare.txt"
[ -f "$TEXT" ] || { echo "SKIP: $TEXT not found"; exit 0; }

head -c 100000 "$TEXT" >"$WORK/small.txt"
"$BIN/pollux-prepare" "$WORK/small.txt" --output "$WORK/small.u16" --tokenizer bytes >/dev/null
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 2 --grad_accum 1 --eval_every 0 --log_every 1
       --threads 1 --data "$WORK/small.u16")

# --- keep_last = 1 prunes everything but the newest checkpoint and the milestones
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 12 --checkpoint_every 2 --keep_last 1 --keep_every 4 --out "$WORK/run" >/dev/null
kept="$(cd "$WORK/run" && ls pollux_step_*.h5 | sort -V | tr '\n' ' ')"
[ "$kept" = "pollux_step_4.h5 pollux_step_8.h5 pollux_step_12.h5 " ] || fail "kept checkpoints: $kept"

expect_error "keep_every" "$BIN/pollux-train" "${SMALL[@]}" --keep_every -1 --out "$WORK/bad"
echo "milestones: all checks passed"
