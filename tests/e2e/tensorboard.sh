#!/usr/bin/env bash
# TensorBoard event files (issue 32), read with TensorBoard's own EventAccumulator: every step's
# train/loss equals metrics.csv's to float32, val/loss, lattice/churn/<layer> and tasks/<task>/acc
# equal their CSV files', across a stop and resume, and after a resume from an earlier
# checkpoint (with another micro_batch, so the abandoned steps' losses differ) no step appears
# twice and none of the abandoned future shows. tensorboard = false writes none; --overwrite
# removes them. TensorBoard's reader checks both CRC-32Cs of every record (a bad one ends the
# file's events, and the counts below fail). Skipped (exit 77) when the venv has no tensorboard
# (tools/bootstrap.sh).
source "$(dirname "$0")/lib.sh"
PY="${POLLUX_VENV:-$HOME/.cache/pollux/venv}/bin/python"
"$PY" -c "import tensorboard" 2>/dev/null || skip_test "no tensorboard in $PY (tools/bootstrap.sh)"

small_corpus 60000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 2 --n_embd 48 --seq_len 32 --micro_batch 2 --threads 2 --eval_every 3 --eval_batches 1
       --checkpoint_every 2 --keep_last 10 --data "$WORK/small.u16" --val_data "$WORK/small.val.u16")
TASKS=()
if [ -f "$SHARED/data/tasks/sciq.jsonl" ]; then
  mkdir -p "$WORK/tasks" && cp "$SHARED/data/tasks/sciq.jsonl" "$WORK/tasks/"
  TASKS=(--eval_tasks sciq --eval_task_dir "$WORK/tasks" --eval_tasks_every 2 --eval_tasks_limit 4)
else
  skip_part "no sample tasks in $SHARED/data: tasks/<task> tags not checked"
fi
RUN="$WORK/run"
"$BIN/pollux-train" "${SMALL[@]}" "${TASKS[@]}" --max_steps 4 --out "$RUN" >/dev/null               # steps 1-4
"$BIN/pollux-train" "${SMALL[@]}" "${TASKS[@]}" --max_steps 8 --auto_resume --out "$RUN" >/dev/null # stop, resume: 5-8
"$BIN/pollux-train" "${SMALL[@]}" "${TASKS[@]}" --max_steps 6 --micro_batch 1 --resume "$RUN/pollux_step_4.h5" \
  --out "$RUN" >/dev/null # back to step 4: 5-6 again, 7-8 abandoned
[ "$(ls "$RUN"/events.out.tfevents.* | wc -l)" = 3 ] || fail "expected an event file per run segment: $(ls "$RUN")"

"$PY" - "$RUN" "${#TASKS[@]}" <<'PYEOF' || fail "event files and CSV files differ"
import csv, glob, sys
import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

run, with_tasks = sys.argv[1], sys.argv[2] != "0"
acc = EventAccumulator(run, size_guidance={"scalars": 0})
acc.Reload()
rows = list(csv.DictReader(open(f"{run}/metrics.csv")))
assert [int(r["step"]) for r in rows] == list(range(1, 7)), [r["step"] for r in rows]

def series(tag):
    events = acc.Scalars(tag)
    steps = [e.step for e in events]
    assert len(steps) == len(set(steps)), (tag, "a step appears twice", steps)
    return {e.step: e.value for e in events}

def equal_f32(value, text):  # the CSV's decimal text and the event's float32 agree to a float32 ulp
    return abs(value - float(text)) <= np.spacing(np.float32(float(text)))

loss = series("train/loss")
assert sorted(loss) == list(range(1, 7)), sorted(loss)
for r in rows:
    assert equal_f32(loss[int(r["step"])], r["loss"]), (r["step"], loss[int(r["step"])], r["loss"])
    assert equal_f32(series("train/heat")[int(r["step"])], r["heat"]), r["step"]
val = series("val/loss")
validated = [r for r in rows if r["val_loss"]]
assert sorted(val) == [int(r["step"]) for r in validated] and 6 in val, sorted(val)
for r in validated:
    assert abs(val[int(r["step"])] - float(r["val_loss"])) < 1e-5, r["step"]
for tag in ("train/step_size", "train/force", "train/churn", "train/searched", "train/tokens_per_s"):
    assert sorted(series(tag)) == list(range(1, 7)), tag

lattice = list(csv.DictReader(open(f"{run}/lattice_stats.csv")))
for group in ("all", "blocks.1", "blocks.0.mlp.fc1.weight"):
    churn = series("lattice/churn/" + group.removesuffix(".weight"))
    assert sorted(churn) == list(range(1, 7)), (group, sorted(churn))
    for r in lattice:
        assert abs(churn[int(r["step"])] - float(r[group + ":churn"])) <= 1e-6 * max(1.0, float(r[group + ":churn"])), group

if with_tasks:
    tasks = [r for r in csv.DictReader(open(f"{run}/eval_tasks.csv")) if r["task"] == "sciq" and r["metric"] == "acc"]
    scores = series("tasks/sciq/acc")
    assert sorted(scores) == [int(r["step"]) for r in tasks] == [2, 4, 6], (sorted(scores), tasks)
    for r in tasks:
        assert abs(scores[int(r["step"])] - float(r["value"])) < 1e-6

# The abandoned steps 7-8 and the first step 5-6 are in the files: TensorBoard's purge of a
# restarted run (a SessionLog START at step 5) is what hides them.
written = [e.step for f in sorted(glob.glob(f"{run}/events.out.tfevents.*")) for e in EventFileLoader(f).Load()
           if e.summary.value and e.summary.value[0].tag == "train/loss"]
assert written == [1, 2, 3, 4, 5, 6, 7, 8, 5, 6], written
print("tensorboard: 6 steps, each once, equal to metrics.csv, lattice_stats.csv and eval_tasks.csv")
PYEOF

# --- tensorboard = false: no event file; a fresh --overwrite run removes the old ones
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --tensorboard false --out "$WORK/off" >/dev/null
! ls "$WORK/off"/events.out.tfevents.* >/dev/null 2>&1 || fail "tensorboard = false wrote an event file"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --overwrite --out "$RUN" >/dev/null
[ "$(ls "$RUN"/events.out.tfevents.* | wc -l)" = 1 ] || fail "--overwrite kept the old event files: $(ls "$RUN")"
expect_error "tensorboard" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --tensorboard maybe --out "$WORK/bad"
echo "tensorboard: all checks passed"
