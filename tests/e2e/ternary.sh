#!/usr/bin/env bash
# quantizer = ternary (BitNet b1.58): exact resume on the CPU, checkpoints of the latents,
# pollux-inspect's ternary statistics, pollux-pack into the .plx v5 ternary kind (lossless:
# pollux-eval scores the .plx exactly as the checkpoint), generation, and bad input.
source "$(dirname "$0")/lib.sh"
TERNARY="$(cd "$(dirname "$0")/../.." && pwd)/configs/tiny-ternary.ini"

small_corpus 300000 --val_fraction 0.1
SMALL=(--config "$TERNARY" --n_layers 1 --seq_len 32 --micro_batch 4 --grad_accum 2 --eval_every 4 --eval_batches 2
       --threads 1 --warmup_steps 2 --data "$WORK/small.u16" --val_data "$WORK/small.val.u16")

# --- exact resume: 8 steps in one run against 4 + 4. The first half stops on target_tokens
# (4 x 2 x 32 = 256 tokens a step), so both runs follow the 8-step learning-rate schedule.
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$WORK/one" >"$WORK/one.log"
grep -q "quantizer ternary" "$WORK/one.log" || fail "the log does not name the quantizer"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --target_tokens 1024 --checkpoint_every 4 --out "$WORK/two" >/dev/null
[ -f "$WORK/two/pollux_step_4.h5" ] && [ ! -f "$WORK/two/pollux_step_5.h5" ] || fail "the first half should stop at step 4"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$WORK/two" \
  --resume "$WORK/two/pollux_step_4.h5" >/dev/null
same_runs "$WORK/one" "$WORK/two"
[ ! -f "$WORK/one/lattice_stats.csv" ] || fail "a ternary run wrote lattice statistics"
CK="$WORK/one/pollux_step_8.h5"

# --- inspect: the quantizer and each ternary matrix's -1/0/+1 fractions
[ "$(json_field "$WORK/one.json" quantizer)" = ternary ] || fail "inspect quantizer: $(cat "$WORK/one.json")"
"$BIN/pollux-inspect" "$CK" >"$WORK/inspect.txt"
grep -q "^quantizer: ternary" "$WORK/inspect.txt" || fail "inspect text names no quantizer"
grep -q "^blocks.0.mlp.fc1.weight " "$WORK/inspect.txt" || fail "inspect shows no ternary matrix: $(cat "$WORK/inspect.txt")"
grep -q "^all ternary matrices " "$WORK/inspect.txt" || fail "inspect shows no ternary total"
# fractions of one matrix sum to 100%
awk '$1 == "all" { s = $(NF-2) + $(NF-1) + $NF; exit !(s > 99.99 && s < 100.01) }' "$WORK/inspect.txt" || fail "fractions"

# --- pack: the ternary kind, 1.6 bits per weight plus the scale; only v5
"$BIN/pollux-pack" "$CK" --output "$WORK/m.plx" >"$WORK/pack.txt"
grep -q "ternary matrices" "$WORK/pack.txt" || fail "no ternary compression report: $(cat "$WORK/pack.txt")"
expect_error "needs --format v5" "$BIN/pollux-pack" "$CK" --output "$WORK/bad.plx" --format v4
"$BIN/pollux-inspect" "$WORK/m.plx" --json >"$WORK/plx.json"
grep -o '"storage":"ternary","shape":\[[0-9]*,[0-9]*\],"parameters":[0-9]*,"bytes":[0-9]*' "$WORK/plx.json" \
  | sed 's/.*"parameters":\([0-9]*\),"bytes":\([0-9]*\)/\1 \2/' >"$WORK/ternary.txt"
[ "$(wc -l <"$WORK/ternary.txt")" -eq 9 ] || fail "expected 9 ternary matrices, got $(wc -l <"$WORK/ternary.txt")"
while read -r params bytes; do
  [ "$bytes" -eq $(( 4 + (params + 4) / 5 )) ] || fail "$params weights take $bytes bytes, expected 4 + ceil(n / 5)"
done <"$WORK/ternary.txt"
"$BIN/pollux-inspect" "$WORK/m.plx" | grep -q "^all ternary matrices " || fail "plx inspect shows no ternary stats"

# --- lossless: the .plx scores exactly what the checkpoint scores, dense by default
"$BIN/pollux-eval" "$CK" --data "$WORK/small.val.u16" --json >"$WORK/ck_eval.json"
"$BIN/pollux-eval" "$WORK/m.plx" --data "$WORK/small.val.u16" --json >"$WORK/plx_eval.json"
[ "$(json_field "$WORK/ck_eval.json" loss)" = "$(json_field "$WORK/plx_eval.json" loss)" ] ||
  fail "the .plx loss differs from the checkpoint's: $(cat "$WORK/ck_eval.json" "$WORK/plx_eval.json")"
expect_error "lut runtime runs lattice models only" "$BIN/pollux-eval" "$WORK/m.plx" --data "$WORK/small.val.u16" --runtime lut
"$BIN/pollux-generate" "$WORK/m.plx" --prompt "ROMEO:" --max_new_tokens 20 --seed 5 >"$WORK/a.txt"
"$BIN/pollux-generate" "$CK" --prompt "ROMEO:" --max_new_tokens 20 --seed 5 >"$WORK/b.txt"
cmp -s "$WORK/a.txt" "$WORK/b.txt" || fail "the .plx and the checkpoint generate different text"
expect_error "lut runtime runs lattice models only" "$BIN/pollux-generate" "$WORK/m.plx" --prompt A --runtime lut

# --- 0-bit activations train too (and are a model key: a resume cannot change them)
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --activation_bits 0 --out "$WORK/a0" >/dev/null
expect_error "activation_bits" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 9 --activation_bits 0 --resume "$CK" --out "$WORK/one"

# --- bad input: one clear line each
expect_error "activation_bits" "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --activation_bits 4 --out "$WORK/bad"
# a corrupt ternary tensor: a flipped byte of blocks.0.mlp.fc1.weight's trits fails its checksum
offset=$(grep -obaF "blocks.0.mlp.fc1.weight" "$WORK/m.plx" | head -1 | cut -d: -f1)
cp "$WORK/m.plx" "$WORK/flip.plx"
printf "\xf5" | dd of="$WORK/flip.plx" bs=1 seek=$(( offset + 23 + 18 + 4 + 10 )) conv=notrunc status=none
expect_error "blocks.0.mlp.fc1.weight checksum mismatch" "$BIN/pollux-eval" "$WORK/flip.plx" --data "$WORK/small.val.u16"
head -c $(( offset + 100 )) "$WORK/m.plx" >"$WORK/cut.plx"
expect_error "cut.plx" "$BIN/pollux-eval" "$WORK/cut.plx" --data "$WORK/small.val.u16"
echo "ternary: all checks passed"
