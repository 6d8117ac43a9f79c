#!/usr/bin/env bash
# pollux-pack, pollux-generate, pollux-eval and pollux-inspect on a freshly trained model.
source "$(dirname "$0")/lib.sh"
small_corpus 200000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 48 --micro_batch 4 --threads 2 --eval_every 0
       --data "$WORK/small.u16" --max_steps 6)
"$BIN/pollux-train" "${SMALL[@]}" --out "$WORK/leech" >/dev/null
"$BIN/pollux-train" "${SMALL[@]}" --codebook pollux-v4 --out "$WORK/v4" >/dev/null
CK="$WORK/leech/pollux_step_6.h5"

# --- v5: lossless against the checkpoint's forward weights
"$BIN/pollux-pack" "$CK" --output "$WORK/m.plx" >"$WORK/pack.txt"
grep -q "bits/param" "$WORK/pack.txt" || fail "no compression report"
"$BIN/pollux-eval" "$CK" --data "$WORK/small.val.u16" --json >"$WORK/ck.json"
"$BIN/pollux-eval" "$WORK/m.plx" --data "$WORK/small.val.u16" --json >"$WORK/plx.json"
awk -v a="$(json_field "$WORK/ck.json" loss)" -v b="$(json_field "$WORK/plx.json" loss)" \
  'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.01) }' || fail "v5 loss differs: $(cat "$WORK/ck.json" "$WORK/plx.json")"
# --threads: one thread scores what all cores score; a bad count is refused by flag
"$BIN/pollux-eval" "$WORK/m.plx" --data "$WORK/small.val.u16" --json --threads 1 >"$WORK/plx1.json"
awk -v a="$(json_field "$WORK/plx.json" loss)" -v b="$(json_field "$WORK/plx1.json" loss)" \
  'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-5) }' || fail "--threads 1 changed the loss: $(cat "$WORK/plx1.json")"
expect_error "--threads -1" "$BIN/pollux-eval" "$WORK/m.plx" --data "$WORK/small.val.u16" --threads -1
expect_error "--threads 5000" "$BIN/pollux-generate" "$WORK/m.plx" --prompt A --threads 5000
"$BIN/pollux-inspect" "$WORK/m.plx" --json >"$WORK/inspect.json"
[ "$(json_field "$WORK/inspect.json" version)" = 5 ] || fail "version"
[ "$(json_field "$WORK/inspect.json" codebook)" = leech ] || fail "codebook"
# every lattice matrix costs 0.75 + 16/in_features bits per parameter (rows x in, padded to 4 indices)
grep -o '"name":"[^"]*","storage":"lattice","shape":\[[0-9]*,[0-9]*\],"parameters":[0-9]*,"bytes":[0-9]*' "$WORK/inspect.json" \
  | sed 's/.*shape":\[\([0-9]*\),\([0-9]*\)\],"parameters":[0-9]*,"bytes":\([0-9]*\)/\1 \2 \3/' >"$WORK/lattice.txt"
[ "$(wc -l <"$WORK/lattice.txt")" -eq 9 ] || fail "expected 9 lattice matrices, got $(wc -l <"$WORK/lattice.txt")"
while read -r rows cols bytes; do
  expected=$(( (rows * cols / 24 + 3) / 4 * 9 + rows * 2 ))
  [ "$bytes" -eq "$expected" ] || fail "a $rows x $cols matrix takes $bytes bytes, expected $expected"
done <"$WORK/lattice.txt"

# --- v4: only for pollux-v4 models; readable back as version 4
expect_error "use --format v5" "$BIN/pollux-pack" "$CK" --output "$WORK/bad.plx" --format v4
[ ! -e "$WORK/bad.plx" ] || fail "a refused pack wrote a file"
"$BIN/pollux-pack" "$WORK/v4/pollux_step_6.h5" --output "$WORK/m4.plx" --format v4 >/dev/null
"$BIN/pollux-inspect" "$WORK/m4.plx" --json | grep -q '"version":4' || fail "v4 file"
"$BIN/pollux-eval" "$WORK/m4.plx" --data "$WORK/small.val.u16" --json >"$WORK/v4.json"
"$BIN/pollux-eval" "$WORK/v4/pollux_step_6.h5" --data "$WORK/small.val.u16" --json >"$WORK/v4ck.json"
awk -v a="$(json_field "$WORK/v4ck.json" loss)" -v b="$(json_field "$WORK/v4.json" loss)" \
  'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.05) }' || fail "v4 loss far from the checkpoint's"

# --- generation: streams, same seed same text, from .plx and checkpoint alike
"$BIN/pollux-generate" "$WORK/m.plx" --prompt "ROMEO:" --max_new_tokens 30 --seed 5 >"$WORK/a.txt"
"$BIN/pollux-generate" "$WORK/m.plx" --prompt "ROMEO:" --max_new_tokens 30 --seed 5 >"$WORK/b.txt"
"$BIN/pollux-generate" "$CK" --prompt "ROMEO:" --max_new_tokens 30 --seed 5 --top_k 5 --top_p 0.9 --repetition_penalty 1.2 >/dev/null
cmp -s "$WORK/a.txt" "$WORK/b.txt" || fail "same seed, different text"
grep -q "^ROMEO:" "$WORK/a.txt" || fail "prompt not echoed"
long=$(head -c 100 "$CORPUS" | tr -d '\n')
expect_error "longer than the model's context of 48" "$BIN/pollux-generate" "$WORK/m.plx" --prompt "$long"
expect_error "--top_p" "$BIN/pollux-generate" "$WORK/m.plx" --top_p 0

# --- BLiMP
mkdir -p "$WORK/blimp" "$WORK/empty"
if ls "$SHARED"/data/blimp/*.jsonl >/dev/null 2>&1; then
  cp "$SHARED/data/blimp/anaphor_gender_agreement.jsonl" "$SHARED/data/blimp/passive_1.jsonl" "$WORK/blimp/"
  "$BIN/pollux-eval" "$WORK/m.plx" --blimp "$WORK/blimp" --limit 20 --json >"$WORK/blimp.json"
  grep -q '"anaphor_gender_agreement":{"pairs":20' "$WORK/blimp.json" || fail "blimp per set: $(cat "$WORK/blimp.json")"
  grep -q '"pairs":40,"accuracy"' "$WORK/blimp.json" || fail "blimp overall"
fi
expect_error "holds no *.jsonl files" "$BIN/pollux-eval" "$WORK/m.plx" --blimp "$WORK/empty"
expect_error "exactly one of" "$BIN/pollux-eval" "$WORK/m.plx"

# --- damaged files
head -c 2000 "$WORK/m.plx" >"$WORK/cut.plx"
expect_error "cut.plx" "$BIN/pollux-eval" "$WORK/cut.plx" --data "$WORK/small.val.u16"
cp "$WORK/m.plx" "$WORK/flip.plx"
size=$(stat -c %s "$WORK/flip.plx")
printf '\xff' | dd of="$WORK/flip.plx" bs=1 seek=$((size - 40)) conv=notrunc status=none
expect_error "checksum mismatch" "$BIN/pollux-generate" "$WORK/flip.plx" --prompt "a"
expect_error "cannot open" "$BIN/pollux-pack" "$WORK/none.h5" --output "$WORK/x.plx"
echo "pack/generate/eval: all checks passed"
