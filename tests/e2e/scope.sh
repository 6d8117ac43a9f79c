#!/usr/bin/env bash
# scope = backbone: tok_emb, pos_emb and head as int8 absmax rows while the blocks are Leech
# (pollux_step) or ternary (AdamW). For both: exact resume on the CPU, pollux-inspect's scope
# and int8 matrices, pollux-pack into X.weight_int8 + X.mu_rows, the .plx scoring what the
# checkpoint scores, generation with both runtimes, and bad input.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

small_corpus 300000 --val_fraction 0.1
for route in lattice ternary; do
  ini="$CONFIG"
  [ "$route" = ternary ] && ini="$ROOT/configs/tiny-ternary.ini"
  SMALL=(--config "$ini" --scope backbone --n_layers 1 --seq_len 32 --micro_batch 4 --grad_accum 2 --eval_every 4
         --eval_batches 2 --threads 1 --warmup_steps 2 --data "$WORK/small.u16" --val_data "$WORK/small.val.u16")
  R="$WORK/$route"
  mkdir -p "$R"

  # --- exact resume: 8 steps in one run against 4 + 4 (the first half stops on target_tokens)
  "$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$R/one" >"$R/one.log"
  grep -q "quantizer $route (scope backbone)" "$R/one.log" || fail "$route: the log does not name the scope"
  "$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --target_tokens 1024 --checkpoint_every 4 --out "$R/two" >/dev/null
  "$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$R/two" \
    --resume "$R/two/pollux_step_4.h5" >/dev/null
  same_runs "$R/one" "$R/two"
  CK="$R/one/pollux_step_8.h5"
  if [ "$route" = lattice ]; then  # lattice statistics cover the blocks' matrices only
    head -1 "$R/one/lattice_stats.csv" | grep -q "blocks.0" || fail "no lattice statistics of the blocks"
    ! head -1 "$R/one/lattice_stats.csv" | grep -qE "tok_emb|pos_emb|head" || fail "lattice statistics of an int8 matrix"
  fi

  # --- inspect: the scope and the three int8 matrices (at most 255 levels a row)
  [ "$(json_field "$R/one.json" scope)" = backbone ] || fail "$route: inspect scope: $(cat "$R/one.json")"
  "$BIN/pollux-inspect" "$CK" >"$R/inspect.txt"
  grep -q "^scope: backbone" "$R/inspect.txt" || fail "$route: inspect text names no scope"
  for m in tok_emb pos_emb head; do
    grep -q "^$m.weight " "$R/inspect.txt" || fail "$route: inspect shows no int8 $m: $(cat "$R/inspect.txt")"
  done
  awk '$1 ~ /^(tok_emb|pos_emb|head)\.weight$/ && NF == 6 { n++; bad += $6 > 255 || $6 < 2 } END { exit n != 3 || bad }' \
    "$R/inspect.txt" ||
    fail "$route: int8 levels: $(cat "$R/inspect.txt")"

  # --- pack: X.weight_int8 + X.mu_rows, rows x cols + 2 rows bytes each
  "$BIN/pollux-pack" "$CK" --output "$R/m.plx" >"$R/pack.txt"
  "$BIN/pollux-inspect" "$R/m.plx" --json >"$R/plx.json"
  [ "$(json_field "$R/plx.json" scope)" = backbone ] || fail "$route: .plx scope"
  # the byte rule counts the int8 rows: the checkpoint's deployed bytes are the file's size
  "$BIN/pollux-inspect" "$CK" --json >"$R/ck.json"
  size="$(stat -c %s "$R/m.plx")"
  [ "$(json_field "$R/ck.json" deployed_bytes)" = "$size" ] || fail "$route: deployed_bytes $(json_field "$R/ck.json" deployed_bytes), file $size"
  [ "$(json_field "$R/plx.json" deployed_bytes)" = "$size" ] || fail "$route: the .plx's deployed_bytes is not its size"
  grep -q "deployed bytes (the byte rule): $size" "$R/pack.txt" || fail "$route: pollux-pack's byte rule: $(grep deployed "$R/pack.txt")"
  grep -o '"storage":"int8","shape":\[[0-9]*,[0-9]*\],"parameters":[0-9]*,"bytes":[0-9]*' "$R/plx.json" \
    | sed 's/.*shape":\[\([0-9]*\),\([0-9]*\)\],"parameters":[0-9]*,"bytes":\([0-9]*\)/\1 \2 \3/' >"$R/int8.txt"
  [ "$(wc -l <"$R/int8.txt")" -eq 3 ] || fail "$route: expected 3 int8 matrices, got $(cat "$R/int8.txt")"
  while read -r rows cols bytes; do
    [ "$bytes" -eq $(( rows * cols + 2 * rows )) ] || fail "$route: a $rows x $cols int8 matrix takes $bytes bytes"
  done <"$R/int8.txt"
  "$BIN/pollux-inspect" "$R/m.plx" | grep -q "^scope: backbone" || fail "$route: .plx inspect text names no scope"
  "$BIN/pollux-inspect" "$R/m.plx" | grep -q "^int8 matrix" || fail "$route: .plx inspect shows no int8 matrices"

  # --- the .plx scores what the checkpoint scores. The int8 rows' float16 scales are the ones
  # training used, so a ternary model (every forward weight exact) gives the same digits; a
  # Leech model's row scales sigma are rounded to float16 (within 0.01 nats, as scope = all).
  "$BIN/pollux-eval" "$CK" --data "$WORK/small.val.u16" --json >"$R/ck_eval.json"
  "$BIN/pollux-eval" "$R/m.plx" --data "$WORK/small.val.u16" --runtime dense --json >"$R/dense_eval.json"
  a="$(json_field "$R/ck_eval.json" loss)" b="$(json_field "$R/dense_eval.json" loss)"
  if [ "$route" = ternary ]; then
    [ "$a" = "$b" ] || fail "ternary: the .plx loss $b differs from the checkpoint's $a"
  else
    awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.01) }' || fail "lattice: .plx $b, checkpoint $a"
    "$BIN/pollux-eval" "$R/m.plx" --data "$WORK/small.val.u16" --runtime lut --json >"$R/lut_eval.json"
    c="$(json_field "$R/lut_eval.json" loss)"
    awk -v a="$b" -v b="$c" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-4) }' || fail "lattice: lut $c, dense $b"
    "$BIN/pollux-generate" "$R/m.plx" --prompt "ROMEO:" --max_new_tokens 20 --seed 5 --runtime lut >"$R/lut.txt"
    [ -s "$R/lut.txt" ] || fail "lut generation printed nothing"
  fi
  "$BIN/pollux-generate" "$R/m.plx" --prompt "ROMEO:" --max_new_tokens 20 --seed 5 --runtime dense >"$R/dense.txt"
  "$BIN/pollux-generate" "$CK" --prompt "ROMEO:" --max_new_tokens 20 --seed 5 >"$R/ck.txt"
  [ -s "$R/dense.txt" ] || fail "$route: dense generation printed nothing"
  if [ "$route" = ternary ]; then cmp -s "$R/dense.txt" "$R/ck.txt" || fail "ternary: .plx and checkpoint generate apart"; fi

  # --- scope is a model key: a resume cannot change it
  expect_error "scope" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 9 --scope all --resume "$CK" --out "$R/one"
done

# A scope = all checkpoint cannot be resumed as backbone either (a checkpoint without the key reads as all).
"$BIN/pollux-train" --config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 4 --threads 1 --eval_every 0 \
  --data "$WORK/small.u16" --max_steps 2 --out "$WORK/all" >/dev/null
expect_error "scope" "$BIN/pollux-train" --resume "$WORK/all/pollux_step_2.h5" --scope backbone --max_steps 3 --out "$WORK/all"
# --- bad input: one line naming the key
expect_error "key scope" "$BIN/pollux-train" --config "$CONFIG" --quantizer none --scope backbone \
  --data "$WORK/small.u16" --out "$WORK/bad"
expect_error "key scope" "$BIN/pollux-train" --config "$CONFIG" --scope embeddings --data "$WORK/small.u16" \
  --out "$WORK/bad"
echo "scope: all checks passed"
