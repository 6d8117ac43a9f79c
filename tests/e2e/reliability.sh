#!/usr/bin/env bash
# Issue 15, end to end: what the tools do with corrupt files, non-finite state, bad options,
# a second writer and a full disk. Each block names the issue item it covers.
source "$(dirname "$0")/lib.sh"

small_corpus 60000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 4 --grad_accum 1 --eval_every 0
       --threads 1 --data "$WORK/small.u16")

# --- item 4: "the last good checkpoint" is finite; an absurd lr stops with exit 3 and every
# checkpoint left evaluates to a finite loss
set +e
"$BIN/pollux-train" "${SMALL[@]}" --quantizer none --lr 1e30 --min_lr 0 --warmup_steps 0 --checkpoint_every 1 \
  --max_steps 20 --out "$WORK/nan" >"$WORK/nan.log" 2>&1
status=$?
set -e
[ $status -eq 3 ] || fail "non-finite run exit status $status: $(cat "$WORK/nan.log")"
grep -q "the last good checkpoint is" "$WORK/nan.log" || fail "no message naming the last good checkpoint"
for ck in "$WORK/nan"/pollux_step_*.h5; do
  [ -f "$ck" ] || continue
  "$BIN/pollux-eval" "$ck" --data "$WORK/small.val.u16" --json >"$WORK/eval.json" || fail "eval of $ck failed"
  loss="$(json_field "$WORK/eval.json" loss)"
  awk -v v="$loss" 'BEGIN { exit !(v + 0 == v && v < 1e30) }' || fail "$ck has loss $loss"
done

# --- item 7: an output that is the input (by name, by another spelling, by a hard link) is
# refused before anything is written, and the input is untouched
CK="$WORK/nan/pollux_step_1.h5"
cp "$CK" "$WORK/ck.copy"
expect_error "is the input file" "$BIN/pollux-pack" "$CK" --output "$CK"
expect_error "is the input file" "$BIN/pollux-pack" "$CK" --output "$WORK/nan/../nan/pollux_step_1.h5"
ln "$CK" "$WORK/ck.link"
expect_error "is the input file" "$BIN/pollux-pack" "$CK" --output "$WORK/ck.link"
cmp -s "$CK" "$WORK/ck.copy" || fail "pollux-pack changed its input"
cp "$WORK/small.txt" "$WORK/in.txt"
expect_error "--output $WORK/in.txt is the input file" "$BIN/pollux-prepare" "$WORK/in.txt" --output "$WORK/in.txt" --tokenizer bytes
cp "$WORK/small.txt" "$WORK/t.val.u16"   # the validation file of --output t.u16
expect_error "t.val.u16 is the input file" "$BIN/pollux-prepare" "$WORK/t.val.u16" --output "$WORK/t.u16" --tokenizer bytes
cmp -s "$WORK/small.txt" "$WORK/t.val.u16" || fail "pollux-prepare changed its input"
cmp -s "$WORK/small.txt" "$WORK/in.txt" || fail "pollux-prepare changed its input"

# --- item 5: thread counts and seeds are ranged, one line naming the key or flag, before any work
expect_error "key threads" timeout 20 "$BIN/pollux-train" "${SMALL[@]}" --threads 100000 --max_steps 1 --out "$WORK/bad"
expect_error "key seed" "$BIN/pollux-train" "${SMALL[@]}" --seed -1 --max_steps 1 --out "$WORK/bad"
expect_error "--threads 100000" timeout 20 "$BIN/pollux-prepare" "$WORK/small.txt" --output "$WORK/p.u16" --tokenizer bytes --threads 100000
expect_error "--threads -2" "$BIN/pollux-prepare" "$WORK/small.txt" --output "$WORK/p.u16" --tokenizer bytes --threads -2
expect_error "--threads 100000" timeout 20 "$BIN/pollux-bench" quantizer --atoms 24 --threads 100000

# --- item 9: sampling values that would make the logits non-finite, and a folder as --config,
# are one line naming the flag
for value in nan inf 1e-40; do
  expect_error "--temperature" "$BIN/pollux-generate" "$CK" --prompt "A" --max_new_tokens 2 --temperature "$value"
  expect_error "--repetition_penalty" "$BIN/pollux-generate" "$CK" --prompt "A" --max_new_tokens 2 --repetition_penalty "$value"
done
"$BIN/pollux-generate" "$CK" --prompt "A" --max_new_tokens 2 --temperature 0.8 --repetition_penalty 1.2 >/dev/null \
  || fail "ordinary sampling values refused"
expect_error "$WORK is not a regular file" "$BIN/pollux-train" --config "$WORK" --data "$WORK/small.u16" --out "$WORK/bad"

# --- item 6: a second trainer on a run folder in use gets one line; stale temporary files
# of dead writers are removed at the next start, live writers' files are kept
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 100000 --out "$WORK/locked" >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do [ -s "$WORK/locked/.lock" ] && break; sleep 0.1; done
[ -s "$WORK/locked/.lock" ] || fail "the first trainer did not take the lock"
expect_error "is in use by another trainer (pid $first)" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --out "$WORK/locked"
kill -9 $first; wait $first 2>/dev/null || true
mkdir -p "$WORK/stale"
touch "$WORK/stale/pollux_step_5.h5.tmp.999999999" "$WORK/stale/pollux_step_6.h5.tmp.$$"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --out "$WORK/locked" --auto_resume >/dev/null || fail "the lock outlived kill -9"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --out "$WORK/stale" >/dev/null
[ ! -e "$WORK/stale/pollux_step_5.h5.tmp.999999999" ] || fail "a dead writer's temporary file was kept"
[ -e "$WORK/stale/pollux_step_6.h5.tmp.$$" ] || fail "a live writer's temporary file was removed"

# --- item 8: a validation file shorter than one window is refused before the first step
head -c 40 "$WORK/small.val.u16" >"$WORK/short.val.u16"
cp "$WORK/small.val.u16.json" "$WORK/short.val.u16.json"
expect_error "--val_data $WORK/short.val.u16 holds 20 tokens" "$BIN/pollux-train" "${SMALL[@]}" --eval_every 2 \
  --val_data "$WORK/short.val.u16" --max_steps 4 --out "$WORK/short"
if ls "$WORK/short"/pollux_step_*.h5 >/dev/null 2>&1; then fail "training ran before the short --val_data was found"; fi

# --- item 3: a full disk during a checkpoint write is one error line and exit 1, no crash
# (needs a tiny tmpfs; skipped where mount is not allowed)
mkdir -p "$WORK/full"
if mount -t tmpfs -o size=64k tmpfs "$WORK/full" 2>/dev/null; then
  set +e
  "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --checkpoint_every 1 --out "$WORK/full/run" >/dev/null 2>"$WORK/full.err"
  status=$?
  set -e
  umount "$WORK/full"
  [ $status -eq 1 ] || fail "full disk: exit status $status (expected 1): $(cat "$WORK/full.err")"
  [ "$(wc -l <"$WORK/full.err")" -eq 1 ] && grep -q "No space left on device" "$WORK/full.err" \
    || fail "full disk: $(cat "$WORK/full.err")"
else
  echo "SKIP: full-disk check (mount not allowed)"
fi

# --- item 9: a FIFO, /dev/zero or a folder where a file is read is one line naming it, at
# once (a FIFO without a writer would block an ordinary open forever)
mkfifo "$WORK/fifo" "$WORK/fifo.txt"
expect_error "/dev/zero is not a regular file" timeout 20 "$BIN/pollux-inspect" /dev/zero
expect_error "$WORK/fifo is not a regular file" timeout 20 "$BIN/pollux-inspect" "$WORK/fifo"
expect_error "$WORK/fifo is not a regular file" timeout 20 "$BIN/pollux-eval" "$WORK/fifo" --data "$WORK/small.val.u16"
expect_error "$WORK/fifo is not a regular file" timeout 20 "$BIN/pollux-generate" "$WORK/fifo" --prompt A
expect_error "$WORK/fifo is not a regular file" timeout 20 "$BIN/pollux-train" "${SMALL[@]}" --data "$WORK/fifo" --out "$WORK/bad"
expect_error "$WORK/fifo is not a regular file" timeout 20 "$BIN/pollux-train" --config "$WORK/fifo" --data "$WORK/small.u16" --out "$WORK/bad"
expect_error "$WORK/fifo.txt is not a regular file" timeout 20 "$BIN/pollux-prepare" "$WORK/fifo.txt" --output "$WORK/f.u16" --tokenizer bytes
expect_error "$WORK is not a regular file" timeout 20 "$BIN/pollux-eval" "$WORK" --data "$WORK/small.val.u16"

# --- item 9: an empty input is refused, not written as a 0-token file
: >"$WORK/empty.txt"
expect_error "the input gave no tokens" "$BIN/pollux-prepare" "$WORK/empty.txt" --output "$WORK/empty.u16" --tokenizer bytes
[ ! -e "$WORK/empty.u16" ] || fail "pollux-prepare wrote a file from an empty input"

# --- item 9: a key twice in one INI file is refused by key and line
cp "$CONFIG" "$WORK/twice.ini"
echo "seed = 7" >>"$WORK/twice.ini"
expect_error "key seed is given twice" "$BIN/pollux-train" --config "$WORK/twice.ini" --data "$WORK/small.u16" --out "$WORK/bad"

# --- item 9: a model larger than the machine is refused by name before anything is allocated
expect_error "this machine has" timeout 20 "$BIN/pollux-train" "${SMALL[@]}" --n_embd 49152 --n_layers 64 --out "$WORK/bad"

# --- item 9: a signal during start-up (here while a wider lattice model is being built) stops
# cleanly: exit 0, a line saying so, no checkpoint
"$BIN/pollux-train" "${SMALL[@]}" --n_embd 384 --n_layers 4 --max_steps 5 --out "$WORK/early" >"$WORK/early.log" 2>&1 &
early=$!
for _ in $(seq 200); do [ -s "$WORK/early/.lock" ] && break; sleep 0.02; done
kill -TERM $early
set +e
wait $early
status=$?
set -e
[ $status -eq 0 ] || fail "a signal during start-up: exit status $status: $(cat "$WORK/early.log")"
grep -q "before the first step" "$WORK/early.log" || fail "a signal during start-up: $(cat "$WORK/early.log")"
if ls "$WORK/early"/pollux_step_*.h5 >/dev/null 2>&1; then fail "a checkpoint was written after a signal during start-up"; fi
