#!/usr/bin/env bash
# pollux-bench io (issue 21): a checkpoint of a configuration's shape written, read, inspected
# and packed against cp of the same file, with each phase's peak memory (the acceptance numbers
# come from the 1152-wide run in experiments/io.md); and the training log says how long each
# checkpoint write took.
source "$(dirname "$0")/lib.sh"

"$BIN/pollux-bench" io --config "$CONFIG" --n_layers 1 --dir "$WORK" --json >"$WORK/io.json"
for key in write_s read_s inspect_s pack_s cp_s cp_fsync_s copy_loop_s file_bytes state_bytes write_peak_bytes read_peak_bytes \
           write_before_bytes read_before_bytes inspect_peak_bytes pack_peak_bytes; do
  awk -v v="$(json_field "$WORK/io.json" $key)" 'BEGIN { exit !(v > 0) }' || fail "$key: $(cat "$WORK/io.json")"
done
if ls "$WORK"/pollux_bench_io_* >/dev/null 2>&1; then fail "the bench left its files behind"; fi
expect_error "--dir $WORK/missing is not a folder" "$BIN/pollux-bench" io --config "$CONFIG" --dir "$WORK/missing"

small_corpus 100000
"$BIN/pollux-train" --config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 4 --eval_every 0 --threads 1 \
  --data "$WORK/small.u16" --max_steps 2 --checkpoint_every 2 --out "$WORK/run" >"$WORK/train.log" 2>&1
grep -q "checkpoint $WORK/run/pollux_step_2.h5: .* MB written in .* s (.* MB/s; .* s of it waiting for the disk)" "$WORK/train.log" \
  || fail "the training log does not time the checkpoint write: $(cat "$WORK/train.log")"
echo "bench_io: all checks passed"
