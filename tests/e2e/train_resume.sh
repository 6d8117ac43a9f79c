#!/usr/bin/env bash
# pollux-prepare and pollux-train on real text: exact resume (2N steps in one run equal N + N
# bit for bit), auto-resume, SIGTERM, a NaN loss, and the errors for bad input.
source "$(dirname "$0")/lib.sh"

small_corpus 300000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 4 --grad_accum 2 --eval_every 4 --eval_batches 2
       --threads 1 --data "$WORK/small.u16" --val_data "$WORK/small.val.u16")

# --- exact resume: 8 steps in one run against 4 + 4
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$WORK/one" >/dev/null
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 4 --checkpoint_every 4 --out "$WORK/two" >/dev/null
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$WORK/two" \
  --resume "$WORK/two/pollux_step_4.h5" >/dev/null
same_runs "$WORK/one" "$WORK/two"
# deterministic = true changes nothing on the CPU (deterministic already): the same run.
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --deterministic true --out "$WORK/det" >/dev/null
same_runs "$WORK/one" "$WORK/det"
[ "$(json_field "$WORK/one.json" step)" = 8 ] || fail "step"

# --- auto_resume continues from the newest checkpoint; max_steps counts from the start
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 10 --out "$WORK/two" --auto_resume >"$WORK/auto.log"
grep -q "resumed from .*pollux_step_8.h5 at step 8" "$WORK/auto.log" || fail "auto_resume did not pick step 8"
[ -f "$WORK/two/pollux_step_10.h5" ] || fail "no checkpoint at step 10"
ls "$WORK/two"/pollux_step_*.h5 | wc -l | grep -qx 3 || fail "keep_last 3 not honoured"
# a resume with only overrides takes the rest of its configuration from the checkpoint
"$BIN/pollux-train" --resume "$WORK/two/pollux_step_10.h5" --max_steps 11 --out "$WORK/two" >/dev/null
[ -f "$WORK/two/pollux_step_11.h5" ] || fail "resume without --config"

# --- target_tokens stops training too (4 x 2 x 32 = 256 tokens per step: 600 tokens = 3 steps)
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 50 --target_tokens 600 --out "$WORK/target" >/dev/null
[ -f "$WORK/target/pollux_step_3.h5" ] && [ ! -f "$WORK/target/pollux_step_4.h5" ] || fail "target_tokens 600 should stop at step 3"

# --- SIGTERM finishes the step, writes a checkpoint and exits 0
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 100000 --eval_every 0 --out "$WORK/sig" >"$WORK/sig.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [ "$(wc -l <"$WORK/sig/metrics.csv" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.1; done
kill -TERM $pid
wait $pid || fail "SIGTERM exit status $?"
ls "$WORK/sig"/pollux_step_*.h5 >/dev/null 2>&1 || fail "no checkpoint after SIGTERM"
grep -q "signal 15" "$WORK/sig.log" || fail "no signal message"

# --- a loss that becomes infinite stops the run (exit 3) and keeps the last good checkpoint
set +e
"$BIN/pollux-train" "${SMALL[@]}" --quantizer none --lr 1e30 --min_lr 0 --warmup_steps 0 --checkpoint_every 1 \
  --max_steps 20 --out "$WORK/nan" >"$WORK/nan.log" 2>&1
status=$?
set -e
[ $status -eq 3 ] || fail "NaN loss exit status $status"
grep -q "stopping; the last good checkpoint is" "$WORK/nan.log" || fail "no NaN message"
ls "$WORK/nan"/pollux_step_*.h5 >/dev/null || fail "NaN run lost its checkpoints"

# --- bad input: one clear line each
expect_error "n_embd" "$BIN/pollux-train" "${SMALL[@]}" --n_embd 100 --out "$WORK/bad"
expect_error "d_head" "$BIN/pollux-train" "${SMALL[@]}" --d_head 32 --out "$WORK/bad"
expect_error "vocab_size" "$BIN/pollux-train" "${SMALL[@]}" --vocab_size 250 --out "$WORK/bad"
expect_error "width_inertia = clamped" "$BIN/pollux-train" "${SMALL[@]}" --width_inertia reference --out "$WORK/bad"
expect_error "codebook" "$BIN/pollux-train" "${SMALL[@]}" --codebook e8 --out "$WORK/bad"
printf 'n_layers = 2\nbogus_key = 1\n' >"$WORK/bad.ini"
expect_error "bogus_key" "$BIN/pollux-train" --config "$WORK/bad.ini" --data "$WORK/small.u16" --out "$WORK/bad"
expect_error "n_embd = 96, this run asks for 120" "$BIN/pollux-train" "${SMALL[@]}" --n_embd 120 --max_steps 9 \
  --resume "$WORK/one/pollux_step_8.h5" --out "$WORK/one"
expect_error "codebook = leech, this run asks for pollux-v4" "$BIN/pollux-train" "${SMALL[@]}" --codebook pollux-v4 \
  --max_steps 9 --resume "$WORK/one/pollux_step_8.h5" --out "$WORK/one"
head -c 3000 "$WORK/one/pollux_step_8.h5" >"$WORK/cut.h5"
expect_error "cut.h5" "$BIN/pollux-train" "${SMALL[@]}" --resume "$WORK/cut.h5" --out "$WORK/one"
expect_error "cut.h5" "$BIN/pollux-inspect" "$WORK/cut.h5"
cp "$WORK/one/pollux_step_8.h5" "$WORK/flip.h5"   # a flipped byte in the middle of the data
printf '\x5a' | dd of="$WORK/flip.h5" bs=1 seek=$(( $(stat -c %s "$WORK/flip.h5") / 2 )) conv=notrunc status=none
expect_error "does not match its SHA-256" "$BIN/pollux-train" "${SMALL[@]}" --resume "$WORK/flip.h5" --out "$WORK/one"
printf '\x2c\x01\x41\x00' >"$WORK/big_id.u16"   # id 300, then 'A'
expect_error "token id 300 at token offset 0" "$BIN/pollux-train" "${SMALL[@]}" --data "$WORK/big_id.u16" --out "$WORK/bad"
cp "$WORK/small.u16" "$WORK/gpt.u16"
echo '{"tokenizer":"gpt2"}' >"$WORK/gpt.u16.json"
expect_error "'gpt2' tokenizer but the model uses 'bytes'" "$BIN/pollux-train" "${SMALL[@]}" --data "$WORK/gpt.u16" --out "$WORK/bad"
expect_error "cannot open token file" "$BIN/pollux-train" "${SMALL[@]}" --data "$WORK/missing.u16" --out "$WORK/bad"
expect_error "no --out" "$BIN/pollux-train" "${SMALL[@]}"
# --- the training benchmark runs the same step on fresh random tokens
"$BIN/pollux-bench" train "${SMALL[@]}" --steps 2 --warmup 0 --json >"$WORK/bench.json"
for field in tokens_per_s forward_backward_s optimizer_step_s model_flops_per_s; do
  awk -v v="$(json_field "$WORK/bench.json" $field)" 'BEGIN { exit !(v > 0) }' || fail "bench train $field: $(cat "$WORK/bench.json")"
done
expect_error "--steps" "$BIN/pollux-bench" train "${SMALL[@]}" --steps 0
echo "train/resume: all checks passed"
