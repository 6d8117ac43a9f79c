#!/usr/bin/env bash
# Issue 25, "Data lost": a fresh run into another run's folder, retention, a .plx no reader
# takes, and stop signals during evaluation and corpus preparation. Each block names its item.
source "$(dirname "$0")/lib.sh"

small_corpus 60000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 4 --grad_accum 1 --eval_every 0 --log_every 1
       --threads 1 --data "$WORK/small.u16")
steps_in() { ls "$1" | sed -n 's/^pollux_step_\([0-9]*\)\.h5$/\1/p' | sort -n | tr '\n' ' '; }

# --- item 1: a fresh run into a folder holding another run's checkpoints and metrics is refused
# (nothing touched), continues with --auto_resume, replaces them only with --overwrite
RUN="$WORK/run"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 2 --keep_last 3 --out "$RUN" >/dev/null 2>&1
[ "$(steps_in "$RUN")" = "4 6 8 " ] || fail "first run kept checkpoints $(steps_in "$RUN")"
cp "$RUN/metrics.csv" "$WORK/metrics.before"
expect_error "--out $RUN holds another run's files" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --out "$RUN"
[ "$(steps_in "$RUN")" = "4 6 8 " ] || fail "a refused fresh run changed the checkpoints: $(steps_in "$RUN")"
cmp -s "$RUN/metrics.csv" "$WORK/metrics.before" || fail "a refused fresh run changed metrics.csv"
rm "$RUN"/pollux_step_*.h5   # the logs alone are another run's files too
expect_error "holds another run's files ($RUN/metrics.csv" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --out "$RUN"
cmp -s "$RUN/metrics.csv" "$WORK/metrics.before" || fail "a refused fresh run changed metrics.csv"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --checkpoint_every 1 --out "$RUN" --overwrite >"$WORK/over.log" 2>&1 \
  || fail "--overwrite: $(cat "$WORK/over.log")"
grep -q "removed $RUN/metrics.csv" "$WORK/over.log" || fail "--overwrite does not say what it removed"
[ "$(steps_in "$RUN")" = "1 2 " ] || fail "--overwrite run kept $(steps_in "$RUN")"
[ "$(wc -l <"$RUN/metrics.csv")" -eq 3 ] || fail "--overwrite run's metrics.csv: $(cat "$RUN/metrics.csv")"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 4 --checkpoint_every 1 --out "$RUN" --auto_resume >/dev/null 2>&1 \
  || fail "--auto_resume into the run's own folder was refused"
[ "$(steps_in "$RUN")" = "2 3 4 " ] || fail "resumed run kept $(steps_in "$RUN")"

# --- item 1: a resume from an earlier checkpoint of a folder that holds later ones sets them
# aside as .superseded (auto_resume never picks them); --overwrite removes them
"$BIN/pollux-train" --resume "$RUN/pollux_step_2.h5" --max_steps 3 --checkpoint_every 1 --out "$RUN" >"$WORK/branch.log" 2>&1 \
  || fail "resume from step 2: $(cat "$WORK/branch.log")"
[ "$(steps_in "$RUN")" = "2 3 " ] || fail "resume from step 2 kept $(steps_in "$RUN")"
[ -f "$RUN/pollux_step_4.h5.superseded" ] || fail "step 4 of the run resumed from step 2 was not set aside"
grep -q "pollux_step_4.h5 is past it, kept as" "$WORK/branch.log" || fail "no word of the superseded checkpoint"
"$BIN/pollux-train" --resume "$RUN/pollux_step_2.h5" --max_steps 2 --out "$RUN" --overwrite >/dev/null 2>&1 \
  || fail "--overwrite resume from step 2 failed"
[ "$(steps_in "$RUN")" = "2 " ] || fail "--overwrite resume from step 2 kept $(steps_in "$RUN")"

# --- item 1: retention keeps the checkpoint just written and the milestones; keep_every = 0
# means no milestones (README): only the keep_last newest stay
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 7 --checkpoint_every 1 --keep_last 2 --keep_every 3 --out "$WORK/keep" \
  >/dev/null 2>&1 || fail "keep_every run failed"
[ "$(steps_in "$WORK/keep")" = "3 6 7 " ] || fail "keep_last 2 keep_every 3 kept $(steps_in "$WORK/keep")"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 5 --checkpoint_every 1 --keep_last 1 --keep_every 0 --out "$WORK/keep0" \
  >/dev/null 2>&1 || fail "keep_every 0 run failed"
[ "$(steps_in "$WORK/keep0")" = "5 " ] || fail "keep_last 1 keep_every 0 kept $(steps_in "$WORK/keep0")"

# --- item 2: pollux-pack leaves a good .plx in place when the new one fails
"$BIN/pollux-pack" "$RUN/pollux_step_2.h5" --output "$WORK/model.plx" >/dev/null
cp "$WORK/model.plx" "$WORK/model.before"
"$BIN/pollux-train" "${SMALL[@]}" --quantizer none --max_steps 1 --out "$WORK/dense" >/dev/null 2>&1
expect_error "continuous-weight model" "$BIN/pollux-pack" "$WORK/dense/pollux_step_1.h5" --output "$WORK/model.plx"
cmp -s "$WORK/model.plx" "$WORK/model.before" || fail "a failed pack changed the .plx at --output"

# stop_during WHAT DIR OPTION...: a run into DIR gets SIGTERM 2 s into its first step's WHAT
# (validation, task evaluation): it stops between batches, writes step 1's checkpoint and
# exits 0 within seconds, saying what it cut short
stop_during() {
  local what="$1" dir="$2"; shift 2
  "$BIN/pollux-train" "${SMALL[@]}" "$@" --max_steps 50 --out "$dir" >"$dir.log" 2>&1 &
  local pid=$! start status
  for _ in $(seq 300); do [ -f "$dir/metrics.csv" ] && break; sleep 0.1; done
  sleep 2   # the first step (well under a second) is done, its WHAT runs for minutes
  kill -TERM $pid
  start=$(date +%s)
  set +e; wait $pid; status=$?; set -e
  [ $status -eq 0 ] || fail "SIGTERM during $what: exit status $status: $(cat "$dir.log")"
  [ $(( $(date +%s) - start )) -le 10 ] || fail "SIGTERM during $what: the exit took $(( $(date +%s) - start )) s"
  grep -q "during $what" "$dir.log" || fail "no word of the stopped $what: $(cat "$dir.log")"
  [ "$(steps_in "$dir")" = "1 " ] || fail "SIGTERM during $what: checkpoints $(steps_in "$dir")"
}

# --- item 3: SIGTERM during a long validation pass
stop_during validation "$WORK/val" --val_data "$WORK/small.val.u16" --eval_every 1 --eval_batches 1000000

# --- item 3: SIGTERM during a task evaluation (all local BLiMP sets, every step)
if [ -d "$SHARED/data/blimp" ]; then
  stop_during "task evaluation" "$WORK/tasks" --eval_tasks blimp --eval_task_dir "$SHARED/data" --eval_tasks_every 1
else
  skip_part "no $SHARED/data/blimp: the task-evaluation signal case"
fi

# --- item 3: pollux-prepare stopped by a signal removes its temporary files
for _ in $(seq 150); do cat "$CORPUS"; done >"$WORK/big.txt"   # ~170 MB: many seconds of GPT-2 tokenizing
"$BIN/pollux-prepare" "$WORK/big.txt" --output "$WORK/big.u16" --tokenizer gpt2 --val_fraction 0.1 >/dev/null 2>"$WORK/prep.log" &
pid=$!
for _ in $(seq 200); do ls "$WORK"/big.u16.tmp.* >/dev/null 2>&1 && break; sleep 0.05; done   # writing has begun
kill -TERM $pid
set +e; wait $pid; status=$?; set -e
[ $status -ne 0 ] || fail "pollux-prepare finished before the signal: make the input larger"
if ls "$WORK"/big.*tmp* >/dev/null 2>&1; then fail "pollux-prepare left $(ls "$WORK"/big.*tmp*)"; fi
[ ! -e "$WORK/big.u16" ] || fail "an interrupted pollux-prepare wrote big.u16"
[ "$(wc -l <"$WORK/prep.log")" -eq 1 ] && grep -q "stopped by a signal" "$WORK/prep.log" \
  || fail "interrupted pollux-prepare: $(cat "$WORK/prep.log")"
echo "data loss: all cases pass"
