#!/usr/bin/env bash
# pollux-ptq on a freshly trained tiny continuous model: each method writes a checkpoint that
# pollux-eval scores (a finite loss; rtn at 8 bits within 0.01 of the unquantized model) and
# its report beside it; bad input gets one error line, exit status 1 and no file. gptq with a
# Hessian that is not positive definite (--damp 0, fewer calibration tokens than a layer's
# width) finishes. The byte rule (lattice/deployed.h): pollux-pack's figure is the written
# .plx file's size, for a lattice and a ternary model. The rivals (issue 30): leech-ldlq at leech's
# bytes (with --incoherence too), apq within its budget, awq, smoothquant W8A8 near the float loss.
source "$(dirname "$0")/lib.sh"
CONTINUOUS="$CONFIGS/tiny-continuous.ini"
small_corpus 120000 --val_fraction 0.1
SHAPE=(--n_layers 1 --seq_len 48 --micro_batch 8 --threads 1 --eval_every 0 --data "$WORK/small.u16")
"$BIN/pollux-train" --config "$CONTINUOUS" "${SHAPE[@]}" --max_steps 30 --out "$WORK/cont" >/dev/null
CK="$WORK/cont/pollux_step_30.h5"

loss_of() { "$BIN/pollux-eval" "$1" --data "$WORK/small.val.u16" --json --threads 1 | grep -o '"loss":[^,}]*' | cut -d: -f2; }
base=$(loss_of "$CK")

# method and flags, the bits per parameter of the quantized matrices expected in the report
run_method() {
  local name="$1" want_bits="$2"; shift 2
  "$BIN/pollux-ptq" "$CK" "$@" --threads 1 --output "$WORK/$name.h5" >"$WORK/$name.txt" || fail "$name: pollux-ptq failed"
  [ "$(wc -l <"$WORK/$name.txt")" -eq 1 ] || fail "$name: expected one summary line: $(cat "$WORK/$name.txt")"
  grep -q "bits/param" "$WORK/$name.txt" || fail "$name: no bits/param in $(cat "$WORK/$name.txt")"
  [ -f "$WORK/$name.json" ] || fail "$name: no report $WORK/$name.json"
  local bpp quantized bytes
  bpp=$(json_field "$WORK/$name.json" bits_per_parameter)
  quantized=$(json_field "$WORK/$name.json" quantized_params)
  bytes=$(json_field "$WORK/$name.json" model_bytes)
  local deployed
  deployed=$(json_field "$WORK/$name.json" deployed_bytes)
  # the byte rule: the model bytes plus the container (header, config JSON, record headers and checksums)
  [ "$deployed" -gt "$bytes" ] && [ "$deployed" -lt $((bytes + 4096)) ] || fail "$name: deployed_bytes $deployed against model_bytes $bytes"
  grep -q "deployed $deployed bytes" "$WORK/$name.txt" || fail "$name: the summary line names no deployed bytes: $(cat "$WORK/$name.txt")"
  if [ "${want_bits#<=}" != "$want_bits" ]; then  # "<=X": a budget
    awk -v a="$bpp" -v b="${want_bits#<=}" 'BEGIN { exit !(a <= b) }' || fail "$name: bits_per_parameter $bpp above ${want_bits#<=}"
  else
    awk -v a="$bpp" -v b="$want_bits" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-9) }' \
      || fail "$name: bits_per_parameter $bpp, expected $want_bits"
  fi
  # 1 layer x 96 wide, vocab 264, seq 48: tok_emb, pos_emb, q, k, v, o, fc1, fc2, head
  [ "$quantized" -eq $((264 * 96 + 48 * 96 + 4 * 96 * 96 + 2 * 384 * 96 + 264 * 96)) ] || fail "$name: quantized_params $quantized"
  [ "$(grep -o '"relative_error"' "$WORK/$name.json" | wc -l)" -eq 9 ] || fail "$name: expected 9 matrices in the report"
  awk -v b="$bytes" -v q="$quantized" -v bpp="$bpp" 'BEGIN { exit !(b >= q * bpp / 8 && b < q * bpp / 8 + 4 * 1000) }' \
    || fail "$name: model_bytes $bytes against $quantized params at $bpp bits"
  local loss
  loss=$(loss_of "$WORK/$name.h5")
  awk -v l="$loss" 'BEGIN { exit !(l + 0 == l && l > 0 && l < 10) }' || fail "$name: loss '$loss' is not finite"
  echo "$name: $bpp bits/param, $bytes bytes, loss $loss (unquantized $base)"
  eval "loss_$name=$loss"
}
# asymmetric grid (the default): B bits, a float16 scale and a B-bit zero point per group of 32
run_method rtn8 8.75 --method rtn --bits 8
run_method rtn4 4.625 --method rtn --bits 4
run_method rtn4sym 4.5 --method rtn --bits 4 --grid symmetric
run_method gptq4 4.625 --method gptq --bits 4 --calib "$WORK/small.u16" --calib_tokens 1024
# --act_order stores each GPTQ matrix's column order, a u16 per column (q, k, v, o, fc1, head: 96; fc2: 384)
ALL=$((264 * 96 + 48 * 96 + 4 * 96 * 96 + 2 * 384 * 96 + 264 * 96))
run_method gptq4_act "$(awk -v p=$ALL 'BEGIN { printf "%.17g", 4.625 + 16 * (6 * 96 + 384) / p }')" \
  --method gptq --bits 4 --calib "$WORK/small.u16" --calib_tokens 1024 --act_order
[ "$(json_field "$WORK/gptq4_act.json" act_order)" = true ] || fail "gptq --act_order: the report says no act_order"
[ "$(json_field "$WORK/rtn4.json" grid)" = asymmetric ] && [ "$(json_field "$WORK/rtn4sym.json" grid)" = symmetric ] \
  || fail "the reports do not name the grid"
# issue 29: a Hessian that is not positive definite (damp 0, 48 calibration tokens for widths 96 and 384) finishes
timeout 300 "$BIN/pollux-ptq" "$CK" --method gptq --bits 4 --group_size 16 --calib "$WORK/small.u16" --calib_tokens 48 \
  --damp 0 --threads 1 --output "$WORK/singular.h5" >/dev/null || fail "gptq --damp 0 on 48 tokens: exit $?"
run_method polar3 3.5 --method polarquant --bits 3
run_method polar2_16 3 --method polarquant --bits 2 --group_size 16 --seed 7
[ "$(json_field "$WORK/polar2_16.json" seed)" = 7 ] || fail "polarquant: the report does not store the seed"
# --scope backbone: tok_emb, pos_emb and head at 8 bits + a float16 scale per row, the blocks at rtn 4 bits
run_method rtn4_backbone "$(awk -v p=$ALL 'BEGIN { e = 264 * 96 + 48 * 96 + 264 * 96; r = 264 + 48 + 264;
  printf "%.17g", ((p - e) * 4.625 + 8 * e + 16 * r) / p }')" --method rtn --bits 4 --scope backbone
[ "$(json_field "$WORK/rtn4_backbone.json" scope)" = backbone ] && [ "$(json_field "$WORK/rtn4.json" scope)" = all ] \
  || fail "the reports do not name the scope"
[ "$(grep -o '"method":"int8"' "$WORK/rtn4_backbone.json" | wc -l)" -eq 3 ] || fail "scope backbone: expected 3 int8 matrices"
# leech: per matrix (rows x cols / 24 + 3) / 4 * 9 bytes of indices + 2 bytes of scale per row
leech_bits=$(awk 'BEGIN { n = split("264 96 48 96 96 96 96 96 96 96 96 96 384 96 96 384 264 96", s, " "); bits = 0; p = 0;
  for (i = 1; i < n; i += 2) { r = s[i]; c = s[i + 1]; bits += 8 * (int((r * c / 24 + 3) / 4) * 9 + 2 * r); p += r * c }
  printf "%.17g", bits / p }')
run_method leech "$leech_bits" --method leech
# the same byte rule: leech's deployed bytes are those of the lattice .plx of this shape (checked below)
leech_deployed=$(json_field "$WORK/leech.json" deployed_bytes)
# issue 30, the rivals. leech-ldlq: leech's bytes, each layer's output error against leech's
CALIB=(--calib "$WORK/small.u16" --calib_tokens 1024)
run_method ldlq "$leech_bits" --method leech-ldlq "${CALIB[@]}"
[ "$(json_field "$WORK/ldlq.json" deployed_bytes)" -eq "$leech_deployed" ] || fail "leech-ldlq: not leech's deployed bytes"
[ "$(grep -o '"leech_output_error"' "$WORK/ldlq.json" | wc -l)" -eq 7 ] || fail "leech-ldlq: expected 7 layers against leech"
run_method ldlq_inc "$leech_bits" --method leech-ldlq "${CALIB[@]}" --incoherence --seed 3
[ "$(json_field "$WORK/ldlq_inc.json" incoherence)" = true ] && [ "$(json_field "$WORK/ldlq_inc.json" seed)" = 3 ] \
  || fail "leech-ldlq --incoherence: the report does not say so or store the seed"
# apq within its budget, the widths listed; awq at rtn's bits and a float16 per input channel
run_method apq "<=3.6" --method apq --budget_bits 3.6 "${CALIB[@]}"
[ "$(grep -o '"width":[2348]' "$WORK/apq.json" | wc -l)" -eq 9 ] || fail "apq: expected a width per matrix"
grep -q '"widths":{"tok_emb.weight":' "$WORK/apq.json" || fail "apq: no widths in the report"
run_method awq4 "$(awk -v p=$ALL 'BEGIN { printf "%.17g", 4.625 + 16 * (6 * 96 + 384) / p }')" --method awq --bits 4 "${CALIB[@]}"
# smoothquant: int8 rows (8 bits and a float16 per row: 1440 rows) and 8-bit activations, near the float model
run_method smooth "$(awk -v p=$ALL 'BEGIN { printf "%.17g", 8 + 16 * 1440 / p }')" --method smoothquant "${CALIB[@]}"
[ "$(json_field "$WORK/smooth.json" activation_bits)" = 8 ] || fail "smoothquant: the report names no 8-bit activations"
awk -v a="$loss_smooth" -v b="$base" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.05) }' \
  || fail "smoothquant W8A8: loss $loss_smooth, unquantized $base"
awk -v a="$loss_rtn8" -v b="$base" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.01) }' \
  || fail "rtn 8 bits: loss $loss_rtn8, unquantized $base"
grep -q '"output_error"' "$WORK/gptq4.json" || fail "gptq: no output_error in the report"
ls "$WORK"/*.tmp.* >/dev/null 2>&1 && fail "a temporary file was left: $(ls "$WORK"/*.tmp.*)"

# --- bad input: one error line, exit status 1, no output
refuse() {
  local want="$1"; shift
  local rc=0
  rm -f "$WORK/bad.h5" "$WORK/bad.json"
  "$BIN/pollux-ptq" "$@" --output "$WORK/bad.h5" >/dev/null 2>"$WORK/err" || rc=$?
  [ "$rc" -eq 1 ] || fail "'$*' exited $rc, expected 1"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "'$*' printed $(wc -l <"$WORK/err") error lines: $(cat "$WORK/err")"
  grep -qF -- "$want" "$WORK/err" || fail "'$*' error lacks '$want': $(cat "$WORK/err")"
  [ ! -e "$WORK/bad.h5" ] && [ ! -e "$WORK/bad.json" ] || fail "'$*' wrote a file"
}
"$BIN/pollux-train" --config "$CONFIG" "${SHAPE[@]}" --max_steps 1 --out "$WORK/lattice" >/dev/null

# --- the byte rule equals the deployed file's size for .plx files: a lattice and a ternary model
"$BIN/pollux-train" --config "$CONFIGS/tiny-ternary.ini" "${SHAPE[@]}" --max_steps 1 --out "$WORK/ternary" >/dev/null
for model in lattice ternary; do
  "$BIN/pollux-pack" "$WORK/$model/pollux_step_1.h5" --output "$WORK/$model.plx" >"$WORK/$model.pack.txt"
  rule=$(sed -n 's/.*deployed bytes (the byte rule): \([0-9]*\)$/\1/p' "$WORK/$model.pack.txt")
  size=$(stat -c %s "$WORK/$model.plx")
  [ -n "$rule" ] && [ "$rule" -eq "$size" ] || fail "$model: the byte rule says '$rule', the .plx file has $size bytes"
  "$BIN/pollux-inspect" "$WORK/$model.plx" --json >"$WORK/$model.inspect.json"
  [ "$(json_field "$WORK/$model.inspect.json" deployed_bytes)" = "$size" ] || fail "$model: pollux-inspect's deployed_bytes"
  "$BIN/pollux-inspect" "$WORK/$model/pollux_step_1.h5" --json >"$WORK/$model.ck.json"
  [ "$(json_field "$WORK/$model.ck.json" deployed_bytes)" = "$size" ] || fail "$model: pollux-inspect's deployed_bytes of the checkpoint"
  echo "$model: the byte rule and the .plx file agree: $size bytes"
done
# a lattice model and a continuous one quantized by leech at the same shape: the same records
# (indices, float16 row scales, float32 gains) and a config JSON of the same padded length
[ "$leech_deployed" -eq "$(stat -c %s "$WORK/lattice.plx")" ] \
  || fail "leech's deployed_bytes $leech_deployed, the lattice .plx of the same shape $(stat -c %s "$WORK/lattice.plx")"
refuse "is a lattice checkpoint (quantizer = lattice)" "$WORK/lattice/pollux_step_1.h5" --method rtn --bits 4
refuse "--bits 9: expected 2 to 8 for rtn" "$CK" --method rtn --bits 9
refuse "--bits 1: expected 2 to 8 for gptq" "$CK" --method gptq --bits 1 --calib "$WORK/small.u16"
refuse "--bits 5: expected 1 to 4 for polarquant" "$CK" --method polarquant --bits 5
refuse "leave --bits out" "$CK" --method leech --bits 4
refuse "leave --group_size out" "$CK" --method leech --group_size 24
refuse "no --bits B given" "$CK" --method rtn
refuse "--method 'quip'" "$CK" --method quip --bits 4
refuse "--budget_bits: only apq" "$CK" --method rtn --bits 4 --budget_bits 3
refuse "apq needs --budget_bits X" "$CK" --method apq --calib "$WORK/small.u16"
refuse "--budget_bits 1: below every matrix at 2 bits" "$CK" --method apq --budget_bits 1 --calib "$WORK/small.u16" --calib_tokens 1024
refuse "--incoherence: only leech-ldlq" "$CK" --method gptq --bits 4 --calib "$WORK/small.u16" --incoherence
refuse "leech-ldlq needs calibration text: --calib" "$CK" --method leech-ldlq
refuse "smoothquant is W8A8" "$CK" --method smoothquant --bits 8 --calib "$WORK/small.u16"
refuse "--scope backbone: smoothquant quantizes every matrix" "$CK" --method smoothquant --scope backbone --calib "$WORK/small.u16"
refuse "--seed: only polarquant and leech-ldlq --incoherence" "$CK" --method leech-ldlq --seed 2 --calib "$WORK/small.u16"
refuse "--group_size 40 does not divide the rows' length 96" "$CK" --method rtn --bits 4 --group_size 40
refuse "--group_size 24: polarquant's Walsh-Hadamard blocks need a power of 2" "$CK" --method polarquant --bits 2 --group_size 24
refuse "gptq needs calibration text: --calib" "$CK" --method gptq --bits 4
refuse "--calib: only gptq" "$CK" --method rtn --bits 4 --calib "$WORK/small.u16"
refuse "--calib_tokens: only gptq" "$CK" --method polarquant --bits 4 --calib_tokens 100
refuse "--act_order: only gptq" "$CK" --method rtn --bits 4 --act_order
refuse "--grid: only rtn, gptq, apq and awq" "$CK" --method polarquant --bits 2 --grid symmetric
refuse "--grid 'uniform'" "$CK" --method rtn --bits 2 --grid uniform
refuse "--seed: only polarquant" "$CK" --method rtn --bits 2 --seed 3
refuse "--scope 'blocks'" "$CK" --method rtn --bits 2 --scope blocks
refuse "$WORK/none.u16" "$CK" --method gptq --bits 4 --calib "$WORK/none.u16"
head -c 1001 "$WORK/small.u16" >"$WORK/truncated.u16"
refuse "$WORK/truncated.u16 has an odd number of bytes" "$CK" --method gptq --bits 4 --calib "$WORK/truncated.u16"
head -c 20 "$WORK/small.u16" >"$WORK/short.u16"
refuse "$WORK/short.u16 holds 10 tokens, fewer than" "$CK" --method gptq --bits 4 --calib "$WORK/short.u16"
# GPT-2 ids (>= 257) in a file without a sidecar, and a file whose sidecar names gpt2
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%c%c", 16, 39 }' >"$WORK/gpt2ids.u16"
refuse "(made with another tokenizer?)" "$CK" --method gptq --bits 4 --calib "$WORK/gpt2ids.u16"
"$BIN/pollux-prepare" "$WORK/small.txt" --output "$WORK/gpt2.u16" --tokenizer gpt2 >/dev/null
refuse "was made by the 'gpt2' tokenizer" "$CK" --method gptq --bits 4 --calib "$WORK/gpt2.u16"
# the input is never overwritten
before=$(sha256sum <"$CK")
rc=0; "$BIN/pollux-ptq" "$CK" --method rtn --bits 4 --output "$CK" >/dev/null 2>"$WORK/err" || rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -qF "is the input file" "$WORK/err" || fail "--output = input: rc $rc, $(cat "$WORK/err")"
[ "$(sha256sum <"$CK")" = "$before" ] || fail "--output = input changed the checkpoint"
echo "ptq: all checks passed"
