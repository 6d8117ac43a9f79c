#!/usr/bin/env bash
# Issue 29, "Nothing lost, round 4": set-aside checkpoints never replaced, --overwrite that
# checks first, writers that refuse a non-regular --output, replace a model and its report
# together and clean up after a signal, and the smaller items. Each block names its item.
source "$(dirname "$0")/lib.sh"

small_corpus 60000 --val_fraction 0.1
BASE=(--config "$CONFIG" --n_layers 1 --micro_batch 4 --grad_accum 1 --eval_every 0 --log_every 1 --threads 1
      --data "$WORK/small.u16")
SMALL=("${BASE[@]}" --seq_len 32)
steps_in() { ls "$1" | sed -n 's/^pollux_step_\([0-9]*\)\.h5$/\1/p' | sort -n | tr '\n' ' '; }
no_temporaries() { ! ls "$1" | grep -q '\.tmp\.' || fail "$2: temporary files left: $(ls "$1")"; }

# --- item 2: a second branch from the same step never replaces the first's superseded checkpoint
RUN="$WORK/run"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 4 --checkpoint_every 1 --keep_last 9 --out "$RUN" >/dev/null 2>&1
cp "$RUN/pollux_step_3.h5" "$WORK/original_3.h5"
"$BIN/pollux-train" --resume "$RUN/pollux_step_2.h5" --max_steps 3 --checkpoint_every 1 --data "$WORK/small.val.u16" --out "$RUN" >/dev/null 2>&1 \
  || fail "first branch from step 2"
"$BIN/pollux-train" --resume "$RUN/pollux_step_2.h5" --max_steps 3 --checkpoint_every 1 --out "$RUN" >"$WORK/b2.log" 2>&1 \
  || fail "second branch from step 2: $(cat "$WORK/b2.log")"
cmp -s "$RUN/pollux_step_3.h5.superseded" "$WORK/original_3.h5" || fail "the original step 3 was replaced by a later branch"
[ -f "$RUN/pollux_step_3.h5.superseded.1" ] || fail "the first branch's step 3 was not set aside: $(ls "$RUN")"
grep -q "kept as $RUN/pollux_step_3.h5.superseded.1" "$WORK/b2.log" || fail "no word of the numbered name: $(cat "$WORK/b2.log")"
# --overwrite removes the files set aside, as its message says
"$BIN/pollux-train" --resume "$RUN/pollux_step_2.h5" --max_steps 2 --out "$RUN" --overwrite >/dev/null 2>&1 \
  || fail "--overwrite resume from step 2"
! ls "$RUN" | grep -q superseded || fail "--overwrite left set-aside checkpoints: $(ls "$RUN")"

# --- item 6: --overwrite checks everything first: a folder under a checkpoint's name changes nothing
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --checkpoint_every 1 --out "$WORK/six" >/dev/null 2>&1
mkdir -p "$WORK/six/pollux_step_8.h5/inner"
expect_error "$WORK/six/pollux_step_8.h5 is not a regular file (a folder)" \
  "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --out "$WORK/six" --overwrite
[ "$(steps_in "$WORK/six")" = "1 2 8 " ] || fail "a refused --overwrite removed files: $(ls "$WORK/six")"
[ -f "$WORK/six/metrics.csv" ] || fail "a refused --overwrite removed metrics.csv"

# --- smaller: --auto_resume with --overwrite, and a checkpoint whose name says another step
expect_error "give one, not both" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --out "$RUN" --auto_resume --overwrite
mkdir -p "$WORK/renamed"
cp "$RUN/pollux_step_2.h5" "$WORK/renamed/pollux_step_9.h5"
expect_error "pollux_step_9.h5 holds step 2, not the step its name says" \
  "$BIN/pollux-train" "${SMALL[@]}" --max_steps 12 --out "$WORK/renamed" --auto_resume
[ -f "$WORK/renamed/pollux_step_9.h5" ] || fail "the mislabelled checkpoint was moved: $(ls "$WORK/renamed")"

# --- item 3: a folder or FIFO at --output is refused by every writer, and stays as it was
"$BIN/pollux-train" "${SMALL[@]}" --quantizer none --max_steps 1 --out "$WORK/dense" >/dev/null 2>&1
DENSE="$WORK/dense/pollux_step_1.h5"
mkfifo "$WORK/fifo"
mkdir "$WORK/folder"
for out in "$WORK/fifo" "$WORK/folder"; do
  expect_error "--output $out is not a regular file" "$BIN/pollux-pack" "$RUN/pollux_step_2.h5" --output "$out"
  expect_error "--output $out is not a regular file" "$BIN/pollux-ptq" "$DENSE" --method rtn --bits 4 --output "$out"
  expect_error "--output $out is not a regular file" "$BIN/pollux-prepare" "$WORK/small.txt" --tokenizer bytes --output "$out"
done
[ -p "$WORK/fifo" ] || fail "the FIFO at --output was replaced"
[ -d "$WORK/folder" ] && [ -z "$(ls "$WORK/folder")" ] || fail "the folder at --output was changed"
no_temporaries "$WORK" "refused outputs"

# --- item 4: pollux-ptq whose report path is a folder replaces neither file
"$BIN/pollux-ptq" "$DENSE" --method rtn --bits 4 --output "$WORK/good.h5" >/dev/null
cp "$WORK/good.h5" "$WORK/good.before"
rm "$WORK/good.json"
mkdir "$WORK/good.json"
expect_error "$WORK/good.json is not a regular file" "$BIN/pollux-ptq" "$DENSE" --method rtn --bits 8 --output "$WORK/good.h5"
cmp -s "$WORK/good.h5" "$WORK/good.before" || fail "pollux-ptq replaced good.h5 although its report could not be written"
no_temporaries "$WORK" "pollux-ptq with a folder as its report"

# --- item 5: a signal during pollux-bench io removes its files from --dir; pollux-ptq and
# pollux-pack stopped during their output leave no temporary file and no half pair
mkdir "$WORK/io"
"$BIN/pollux-bench" io --config "$CONFIG" --n_embd 384 --n_layers 4 --dir "$WORK/io" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do ls "$WORK/io" | grep -q . && break; sleep 0.05; done
ls "$WORK/io" | grep -q . || fail "pollux-bench io wrote nothing to --dir"
sleep 0.3
kill -TERM $pid
set +e; wait $pid; status=$?; set -e
[ $status -ne 0 ] || fail "pollux-bench io stopped by SIGTERM exited 0"
sleep 0.5
[ -z "$(ls "$WORK/io")" ] || fail "pollux-bench io stopped by a signal left $(ls "$WORK/io")"
for tool in ptq pack; do
  mkdir -p "$WORK/sig_$tool"
  for attempt in $(seq 6); do
    if [ $tool = ptq ]; then
      "$BIN/pollux-ptq" "$DENSE" --method rtn --bits 4 --output "$WORK/sig_$tool/o.h5" >/dev/null 2>&1 &
    else
      "$BIN/pollux-pack" "$RUN/pollux_step_2.h5" --output "$WORK/sig_$tool/o.plx" >/dev/null 2>&1 &
    fi
    pid=$!
    for _ in $(seq 400); do ls "$WORK/sig_$tool" | grep -q '\.tmp\.' && break; kill -0 $pid 2>/dev/null || break; sleep 0.01; done
    kill -TERM $pid 2>/dev/null || true
    set +e; wait $pid; set -e
    no_temporaries "$WORK/sig_$tool" "pollux-$tool stopped by SIGTERM (attempt $attempt)"
    if [ $tool = ptq ] && [ "$(ls "$WORK/sig_ptq" | wc -l)" = 1 ]; then
      fail "pollux-ptq stopped by SIGTERM left one file of its pair: $(ls "$WORK/sig_ptq")"
    fi
    rm -f "$WORK/sig_$tool"/*
  done
done

# --- smaller: pollux-bench tokenizer refuses /dev/zero and a FIFO (no endless read, no block)
expect_error "--input /dev/zero is not a regular file" timeout 20 "$BIN/pollux-bench" tokenizer --input /dev/zero
expect_error "--input $WORK/fifo is not a regular file" timeout 20 "$BIN/pollux-bench" tokenizer --input "$WORK/fifo"

# --- smaller: a profiled CPU run prints no raw GPU driver error
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --profile_steps 1:1 --out "$WORK/prof" >/dev/null 2>"$WORK/prof.err" \
  || fail "profiled run: $(cat "$WORK/prof.err")"
! grep -q "gpuGetDeviceCount" "$WORK/prof.err" || fail "a profiled CPU run printed: $(grep gpuGetDeviceCount "$WORK/prof.err")"
ls "$WORK/prof" | grep -q '^trace_steps_1-1' || fail "no trace written: $(ls "$WORK/prof")"
no_temporaries "$WORK/prof" "profiled run"

# --- smaller: pollux-bench decode of a ternary configuration is refused, not timed as a lattice model
TERNARY="$CONFIGS/tiny-ternary.ini"
expect_error "quantizer = ternary" "$BIN/pollux-bench" decode --config "$TERNARY" --runtime dense
expect_error "quantizer = ternary" "$BIN/pollux-bench" decode --config "$TERNARY"

# --- smaller: keys of another quantizer are refused, not ignored; the usage line lists io
expect_error "key activation_bits" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 1 --activation_bits 0 --out "$WORK/k1"
expect_error "key h_floor" "$BIN/pollux-train" --config "$TERNARY" --h_floor -5 --data "$WORK/small.u16" --out "$WORK/k2"
expect_error "key width_inertia" "$BIN/pollux-train" --config "$TERNARY" --width_inertia reference --data "$WORK/small.u16" \
  --out "$WORK/k3"
expect_error "decode, io;" "$BIN/pollux-bench" nonsense

# --- smaller: pollux-generate --prompt "" on a seq_len 1 model
"$BIN/pollux-train" "${BASE[@]}" --seq_len 1 --max_steps 1 --out "$WORK/one" >/dev/null 2>&1 || fail "seq_len 1 run"
"$BIN/pollux-generate" "$WORK/one/pollux_step_1.h5" --prompt "" --max_new_tokens 5 --temperature 0 >/dev/null 2>"$WORK/gen.err" \
  || fail "generate from a seq_len 1 model: $(cat "$WORK/gen.err")"

echo "nothing lost, round 4: all checks passed"
