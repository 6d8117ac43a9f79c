#!/usr/bin/env bash
# pollux-train --init_from (issue 30): a lattice run started from a continuous checkpoint
# computes at step 0 what pollux-ptq --method leech's model of it computes (its held-out loss
# before the first step is pollux-eval's on that model); a ternary run starts from the
# continuous weights as its latents, a continuous run warm-starts; checkpoints record where the
# run started; a run stopped and resumed is bit for bit the straight one, and resumes without
# the source file; bad input gets one line naming --init_from.
source "$(dirname "$0")/lib.sh"
small_corpus 120000 --val_fraction 0.1
T=32
SHAPE=(--n_layers 1 --n_embd 48 --seq_len $T --micro_batch 4 --threads 1 --data "$WORK/small.u16")
"$BIN/pollux-train" --config "$CONFIGS/tiny-continuous.ini" "${SHAPE[@]}" --max_steps 20 --eval_every 0 \
  --out "$WORK/cont" >/dev/null
CK="$WORK/cont/pollux_step_20.h5"
"$BIN/pollux-ptq" "$CK" --method leech --threads 1 --output "$WORK/ptq.h5" >/dev/null

# A held-out file of 8 T + 1 tokens: validation's 2 x 4 evenly spaced windows are pollux-eval's 8.
head -c $(((8 * T + 1) * 2)) "$WORK/small.val.u16" >"$WORK/val.u16"
[ ! -f "$WORK/small.val.u16.json" ] || cp "$WORK/small.val.u16.json" "$WORK/val.u16.json"
VAL=(--val_data "$WORK/val.u16" --eval_every 4 --eval_batches 2)
eval_loss() { "$BIN/pollux-eval" "$1" --data "$WORK/val.u16" --runtime dense --json --threads 1 | json_field /dev/stdin loss; }
step0() { grep -o "held-out loss before the first step [^ ]*" "$1" | awk '{ print $NF }'; }
same() { awk -v a="$1" -v b="$2" -v tol="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d <= tol * b) }'; }

# --- lattice: step 0 is the leech PTQ model; 8 steps straight against 4 + 4
LATTICE=(--config "$CONFIG" "${SHAPE[@]}" "${VAL[@]}" --checkpoint_every 4 --init_from "$CK")
"$BIN/pollux-train" "${LATTICE[@]}" --max_steps 8 --out "$WORK/one" >"$WORK/one.log" 2>&1 || fail "init_from run: $(tail -3 "$WORK/one.log")"
ptq_loss="$(eval_loss "$WORK/ptq.h5")"
lattice0="$(step0 "$WORK/one.log")"
[ -n "$lattice0" ] || fail "no held-out loss before the first step: $(cat "$WORK/one.log")"
same "$lattice0" "$ptq_loss" 1e-5 || fail "step 0's held-out loss $lattice0, pollux-eval of the leech PTQ model $ptq_loss"
# its data continue where the source's stopped: the source's sampler, 8 steps of 4 windows on
"$BIN/pollux-inspect" "$CK" --json >"$WORK/source.json"
"$BIN/pollux-inspect" "$WORK/one/pollux_step_8.h5" --json >"$WORK/one8.json"
[ "$(json_field "$WORK/one8.json" sampler_seed)" = "$(json_field "$WORK/source.json" sampler_seed)" ] \
  || fail "the init_from run samples with seed $(json_field "$WORK/one8.json" sampler_seed), the source's is $(json_field "$WORK/source.json" sampler_seed)"
[ "$(json_field "$WORK/one8.json" sampler_counter)" = "$(($(json_field "$WORK/source.json" sampler_counter) + 8 * 4))" ] \
  || fail "the init_from run's sampler is at $(json_field "$WORK/one8.json" sampler_counter) after 8 steps, not the source's + 32"
cont_loss="$(eval_loss "$CK")"
same "$lattice0" "$cont_loss" 1e-3 && fail "step 0's loss $lattice0 is the continuous model's ($cont_loss), not the lattice one's"
grep -q "init_from $CK (step 20, sha256 [0-9a-f]\{64\}): the run starts from its pollux-ptq --method leech model (9 matrices" \
  "$WORK/one.log" || fail "no init_from line: $(cat "$WORK/one.log")"
# The run trains from there: the last step's held-out loss is below the start's.
last="$(tail -1 "$WORK/one/metrics.csv" | cut -d, -f4)"
awk -v a="$last" -v b="$lattice0" 'BEGIN { exit !(a > 0 && a < b) }' || fail "held-out loss $lattice0 at step 0, $last at step 8"

"$BIN/pollux-train" "${LATTICE[@]}" --max_steps 4 --out "$WORK/two" >"$WORK/two.log" 2>&1 || fail "first half: $(tail -3 "$WORK/two.log")"
mv "$CK" "$WORK/moved.h5"  # a resume reads its own checkpoint, never the source again
"$BIN/pollux-train" "${LATTICE[@]}" --max_steps 8 --resume "$WORK/two/pollux_step_4.h5" --out "$WORK/two" >"$WORK/resume.log" 2>&1 \
  || fail "resume of an init_from run: $(tail -3 "$WORK/resume.log")"
mv "$WORK/moved.h5" "$CK"
grep -q "init_from $CK is not applied again on resume" "$WORK/resume.log" || fail "resume: $(cat "$WORK/resume.log")"
grep -q "held-out loss before the first step" "$WORK/resume.log" && fail "the resumed run started from the source again"
same_runs "$WORK/one" "$WORK/two"
source_sha="$(tail -c +513 "$CK" | sha256sum | cut -d' ' -f1)"
for ck in "$WORK/one/pollux_step_4.h5" "$WORK/one/pollux_step_8.h5" "$WORK/two/pollux_step_8.h5"; do
  "$BIN/pollux-inspect" "$ck" --json >"$WORK/inspect.json"
  [ "$(json_field "$WORK/inspect.json" init_from)" = "$CK" ] || fail "$ck: init_from '$(json_field "$WORK/inspect.json" init_from)'"
  [ "$(json_field "$WORK/inspect.json" init_from_sha256)" = "$source_sha" ] || fail "$ck: init_from_sha256"
  [ "$(json_field "$WORK/inspect.json" init_from_step)" = 20 ] || fail "$ck: init_from_step"
done
"$BIN/pollux-inspect" "$CK" --json | grep -q '"init_from_sha256"' && fail "a run from its own init records an origin"

# --- scope backbone: the blocks from the leech PTQ model, tok_emb, pos_emb and head int8 rows of
# the continuous weights: pollux-ptq --method leech --scope backbone's model
"$BIN/pollux-ptq" "$CK" --method leech --scope backbone --threads 1 --output "$WORK/ptq_backbone.h5" >/dev/null
"$BIN/pollux-train" "${LATTICE[@]}" --scope backbone --max_steps 1 --out "$WORK/backbone" >"$WORK/backbone.log" 2>&1 \
  || fail "scope backbone init_from: $(tail -3 "$WORK/backbone.log")"
backbone0="$(step0 "$WORK/backbone.log")"
same "$backbone0" "$(eval_loss "$WORK/ptq_backbone.h5")" 1e-5 || fail "scope backbone step 0 $backbone0"
same "$backbone0" "$lattice0" 1e-4 && fail "scope backbone step 0 $backbone0 is scope all's"

# --- ternary: the continuous weights are its latents (step 0: their BitNet ternary form). After
# one step at a vanishing rate its checkpoint holds those latents, which pollux-eval scores.
TERNARY=(--config "$CONFIGS/tiny-ternary.ini" "${SHAPE[@]}" "${VAL[@]}" --init_from "$CK")
"$BIN/pollux-train" "${TERNARY[@]}" --max_steps 1 --lr 1e-30 --min_lr 0 --warmup_steps 0 --weight_decay 0 --out "$WORK/ternary" \
  >"$WORK/ternary.log" 2>&1 || fail "ternary init_from: $(tail -3 "$WORK/ternary.log")"
ternary0="$(step0 "$WORK/ternary.log")"
same "$ternary0" "$(eval_loss "$WORK/ternary/pollux_step_1.h5")" 1e-5 || fail "ternary step 0 $ternary0"
same "$ternary0" "$cont_loss" 1e-3 && fail "ternary step 0's loss $ternary0 is the continuous model's"
# --- continuous: a warm start whose step 0 is the source model
"$BIN/pollux-train" --config "$CONFIGS/tiny-continuous.ini" "${SHAPE[@]}" "${VAL[@]}" --init_from "$CK" \
  --max_steps 1 --out "$WORK/warm" >"$WORK/warm.log" 2>&1 || fail "continuous init_from: $(tail -3 "$WORK/warm.log")"
same "$(step0 "$WORK/warm.log")" "$cont_loss" 1e-5 || fail "warm start step 0 $(step0 "$WORK/warm.log"), source $cont_loss"

# --- bad input: one line naming --init_from (and the file)
BAD=(--config "$CONFIG" "${SHAPE[@]}" --max_steps 1 --out "$WORK/bad" --overwrite)
expect_error "--init_from $WORK/one/pollux_step_8.h5: is a lattice checkpoint" "$BIN/pollux-train" "${BAD[@]}" \
  --init_from "$WORK/one/pollux_step_8.h5"
expect_error "--init_from $WORK/ternary/pollux_step_1.h5: is a ternary checkpoint" "$BIN/pollux-train" "${BAD[@]}" \
  --init_from "$WORK/ternary/pollux_step_1.h5"
expect_error "--init_from $CK: n_embd is 48 there, 96 in this run" "$BIN/pollux-train" "${BAD[@]}" --n_embd 96 --init_from "$CK"
expect_error "--init_from $CK: n_layers is 1 there, 2 in this run" "$BIN/pollux-train" "${BAD[@]}" --n_layers 2 --init_from "$CK"
expect_error "--init_from $CK: seq_len is 32 there, 64 in this run" "$BIN/pollux-train" "${BAD[@]}" --seq_len 64 --init_from "$CK"
expect_error "--init_from $CK: vocab_size is 264 there, 288 in this run" "$BIN/pollux-train" "${BAD[@]}" --vocab_size 288 \
  --init_from "$CK"
cp "$WORK/small.u16" "$WORK/gpt.u16"
echo '{"tokenizer":"gpt2"}' >"$WORK/gpt.u16.json"
expect_error "--init_from $CK: was trained with tokenizer bytes, this run uses gpt2" "$BIN/pollux-train" "${BAD[@]}" \
  --tokenizer gpt2 --vocab_size 50688 --tokenizer_vocab_size 50257 --data "$WORK/gpt.u16" --init_from "$CK"
expect_error "--init_from: cannot open $WORK/missing.h5" "$BIN/pollux-train" "${BAD[@]}" --init_from "$WORK/missing.h5"
head -c 3000 "$CK" >"$WORK/cut.h5"
expect_error "--init_from: $WORK/cut.h5" "$BIN/pollux-train" "${BAD[@]}" --init_from "$WORK/cut.h5"
echo "init_from: step 0 lattice $lattice0 (leech PTQ $ptq_loss, continuous $cont_loss, step 8 $last), backbone $backbone0, ternary $ternary0"
echo "init_from: all checks passed"
