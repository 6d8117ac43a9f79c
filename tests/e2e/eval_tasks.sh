#!/usr/bin/env bash
# pollux-eval --tasks on the sample task files, its errors, and tasks scored during training
# into the run's eval_tasks.csv.
source "$(dirname "$0")/lib.sh"
[ -d "$SHARED/data/tasks" ] && [ -d "$SHARED/data/blimp" ] || skip_test "no sample tasks in $SHARED/data"
small_corpus 100000
mkdir -p "$WORK/tasks/blimp"
cp "$SHARED"/data/tasks/{sciq,piqa,hellaswag,winogrande,arc_easy}.jsonl "$WORK/tasks/"
cp "$SHARED/data/blimp/passive_1.jsonl" "$SHARED/data/blimp/npi_present_1.jsonl" "$WORK/tasks/blimp/"
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 48 --micro_batch 4 --threads 2 --eval_every 0 --data "$WORK/small.u16")

# --- training scores the tasks every 2 steps and at the end; a resume keeps the rows up to its step
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 3 --checkpoint_every 2 --eval_tasks blimp,piqa,sciq --eval_task_dir "$WORK/tasks" \
  --eval_tasks_every 2 --eval_tasks_limit 5 --out "$WORK/run" >"$WORK/train.log"
CSV="$WORK/run/eval_tasks.csv"
[ "$(head -1 "$CSV")" = "step,tokens,task,metric,value" ] || fail "header: $(head -1 "$CSV")"
grep -q "^2,[0-9]*,blimp_passive_1,acc," "$CSV" || fail "no BLiMP row at step 2: $(cat "$CSV")"
grep -q "^3,[0-9]*,sciq,acc_norm," "$CSV" || fail "no final SciQ row: $(cat "$CSV")"
grep -q "^3,[0-9]*,structural,mean," "$CSV" && grep -q "^3,[0-9]*,factual,mean," "$CSV" || fail "no summaries: $(cat "$CSV")"
grep -q "tasks at step 2: structural" "$WORK/train.log" || fail "no log line: $(cat "$WORK/train.log")"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 4 --checkpoint_every 2 --eval_tasks blimp,piqa,sciq --eval_task_dir "$WORK/tasks" \
  --eval_tasks_every 2 --eval_tasks_limit 5 --out "$WORK/run" --resume "$WORK/run/pollux_step_2.h5" >/dev/null
! grep -q "^3," "$CSV" || fail "rows of the interrupted run's step 3 kept"
grep -q "^4,[0-9]*,piqa,acc," "$CSV" || fail "no row after resuming: $(cat "$CSV")"

# --- native report: per task, then STRUCTURAL and FACTUAL summaries
CK="$WORK/run/pollux_step_4.h5"
"$BIN/pollux-eval" "$CK" --tasks blimp,sciq,piqa,hellaswag,winogrande,arc_easy --task_dir "$WORK/tasks" --limit 4 >"$WORK/report.txt"
grep -q "^STRUCTURAL   2 tasks" "$WORK/report.txt" || fail "structural: $(cat "$WORK/report.txt")"
grep -q "^FACTUAL      5 tasks" "$WORK/report.txt" || fail "factual: $(cat "$WORK/report.txt")"
"$BIN/pollux-eval" "$CK" --tasks winogrande,blimp --task_dir "$WORK/tasks" --limit 4 --json >"$WORK/report.json"
grep -q '"winogrande":{"items":4,"acc":' "$WORK/report.json" || fail "json: $(cat "$WORK/report.json")"
grep -q '"summary":{"structural":{"tasks":2,' "$WORK/report.json" || fail "json summary: $(cat "$WORK/report.json")"

# --- errors: one line naming the file, line and field, or the flag
printf '{"goal": "g", "sol1": "a", "sol2": "b", "label": 0}\n{"goal": "g", "sol1": "a", "sol2": "b", "label": "yes"}\n' >"$WORK/tasks/piqa.jsonl"
expect_error "piqa.jsonl line 2: field 'label' must be an integer" "$BIN/pollux-eval" "$CK" --tasks piqa --task_dir "$WORK/tasks"
: >"$WORK/tasks/sciq.jsonl"
expect_error "sciq.jsonl holds no items" "$BIN/pollux-eval" "$CK" --tasks sciq --task_dir "$WORK/tasks"
expect_error "--tasks: unknown task 'mmlu'" "$BIN/pollux-eval" "$CK" --tasks mmlu --task_dir "$WORK/tasks"
expect_error "--tasks needs --task_dir" "$BIN/pollux-eval" "$CK" --tasks blimp
expect_error "lambada.jsonl" "$BIN/pollux-eval" "$CK" --tasks lambada --task_dir "$WORK/tasks"
expect_error "piqa.jsonl line 2" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --eval_tasks piqa --eval_task_dir "$WORK/tasks" \
  --eval_tasks_every 1 --out "$WORK/bad"
[ ! -e "$WORK/bad/pollux_step_1.h5" ] || fail "trained despite a bad task file"
expect_error "eval_task_dir" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --eval_tasks piqa --eval_tasks_every 1 --out "$WORK/bad"
echo "eval tasks: all checks passed"
