#!/usr/bin/env bash
# Profiler traces (issue 20): pollux-bench train --profile FILE and pollux-train
# --profile_steps A:B (a config key) write a Chrome/Perfetto trace of the chosen steps that
# holds the ranges our code names, once per step where a step has one; bad ranges and
# places give one clear error line.
source "$(dirname "$0")/lib.sh"
PYTHON="${PYTHON:-python3}"

# check_trace FILE STEPS LAYERS [RANGE...]: FILE is a JSON trace whose events include the
# ranges of every block, their attention and MLP, head + loss, forward, backward and the
# optimizer step (exactly STEPS of these), and each further RANGE.
check_trace() {
  "$PYTHON" - "$@" <<'PY' || fail "trace $1"
import json, sys
path, steps, layers, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
with open(path) as f:
    events = json.load(f)["traceEvents"]
count = {}
for e in events:
    if e.get("ph") == "X":
        count[e["name"]] = count.get(e["name"], 0) + 1
want = [f"pollux::block.{l}" for l in range(layers)] + [
    "pollux::attention", "pollux::mlp", "pollux::head_loss", "pollux::forward", "pollux::backward"] + extra
missing = [w for w in want if w not in count]
if missing:
    sys.exit(f"{path}: no ranges {missing} (ours: {sorted(n for n in count if n.startswith('pollux::'))})")
if count.get("pollux::pollux_step", 0) != steps:
    sys.exit(f"{path}: {count.get('pollux::pollux_step', 0)} pollux::pollux_step ranges, expected {steps}")
if count["pollux::attention"] < steps * layers:
    sys.exit(f"{path}: {count['pollux::attention']} attention ranges for {steps} steps of {layers} layers")
PY
}

# --- the benchmark's timed steps (after one warmup step)
"$BIN/pollux-bench" train --config "$CONFIG" --steps 3 --threads 2 --profile "$WORK/t.json" >"$WORK/bench.txt"
grep -q "profiler trace  *$WORK/t.json" "$WORK/bench.txt" || fail "the table does not name the trace: $(cat "$WORK/bench.txt")"
check_trace "$WORK/t.json" 3 3
"$BIN/pollux-bench" train --config "$CONFIG" --steps 1 --warmup 0 --n_layers 1 --seq_len 32 --micro_batch 4 --threads 2 --json \
  --profile "$WORK/j.json" >"$WORK/bench.json"
[ "$(json_field "$WORK/bench.json" trace)" = "$WORK/j.json" ] || fail "the JSON record does not name the trace"
check_trace "$WORK/j.json" 1 1
[ "$(ls "$WORK" | grep -c partial)" -eq 0 ] || fail "a partial trace was left behind"

# --- steps 2..3 of a training run, into the run folder; the checkpoint of step 3 inside it
small_corpus 200000
RUN=(--config "$CONFIG" --n_layers 2 --seq_len 32 --micro_batch 4 --eval_every 0 --threads 2 --data "$WORK/small.u16")
"$BIN/pollux-train" "${RUN[@]}" --max_steps 4 --checkpoint_every 3 --profile_steps 2:3 --out "$WORK/run" >"$WORK/run.log" 2>&1 \
  || fail "pollux-train --profile_steps: $(tail -3 "$WORK/run.log")"
grep -q "profiler trace of steps 2-3: $WORK/run/trace_steps_2-3.json" "$WORK/run.log" || fail "no trace line: $(cat "$WORK/run.log")"
check_trace "$WORK/run/trace_steps_2-3.json" 2 2 pollux::checkpoint
# an INI file sets it too; a run that ends inside the range writes what it recorded
printf 'profile_steps = 4:9\n' | cat "$CONFIG" - >"$WORK/profiled.ini"
"$BIN/pollux-train" --config "$WORK/profiled.ini" "${RUN[@]:2}" --max_steps 9 --target_tokens 640 --out "$WORK/ini" >"$WORK/ini.log" 2>&1 \
  || fail "profile_steps in an INI file: $(tail -3 "$WORK/ini.log")"
grep -q "profiler trace of steps 4-5: $WORK/ini/trace_steps_4-9.json" "$WORK/ini.log" || fail "no trace line: $(cat "$WORK/ini.log")"
check_trace "$WORK/ini/trace_steps_4-9.json" 2 2
# resumed at step 4: a range before it is named and skipped
"$BIN/pollux-train" "${RUN[@]}" --max_steps 5 --profile_steps 1:2 --resume "$WORK/run/pollux_step_4.h5" --out "$WORK/resumed" \
  >"$WORK/resumed.log" 2>&1 || fail "resume: $(tail -3 "$WORK/resumed.log")"
grep -q "profile_steps 1:2 lies before step 5, where this run starts: no trace" "$WORK/resumed.log" || fail "no warning: $(cat "$WORK/resumed.log")"
if ls "$WORK/resumed"/trace_* >/dev/null 2>&1; then fail "a trace of steps before the resume was written"; fi

# --- bad ranges and places: one line naming the flag
for bad in 3:2 0:2 2 2: :3 a:b 1:2:3 -1:2 " 1:2"; do
  expect_error "key profile_steps: '$bad' is not a step range A:B with 1 <= A <= B" \
    "$BIN/pollux-train" "${RUN[@]}" --max_steps 4 --profile_steps "$bad" --out "$WORK/bad"
done
expect_error "key profile_steps: '3:5' ends after max_steps = 4" \
  "$BIN/pollux-train" "${RUN[@]}" --max_steps 4 --profile_steps 3:5 --out "$WORK/bad"
expect_error "key profile_steps: 'x' is not a step range" "$BIN/pollux-bench" train --config "$CONFIG" --profile_steps x
expect_error "--profile $WORK/none/t.json: the folder $WORK/none does not exist" \
  "$BIN/pollux-bench" train --config "$CONFIG" --steps 1 --profile "$WORK/none/t.json"
expect_error "--profile needs a file name" "$BIN/pollux-bench" train --config "$CONFIG" --steps 1 --profile ""
echo "profile: all checks passed"
