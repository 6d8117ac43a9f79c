#!/usr/bin/env bash
# pollux-import on the reference trainer's own checkpoint: the result resumes with
# pollux-train and packs with pollux-pack; files that are not such checkpoints are refused.
source "$(dirname "$0")/lib.sh"
REF="$SHARED/reference/reference_checkpoint_step8.pt"
[ -f "$REF" ] || skip_test "$REF not found"

"$BIN/pollux-import" "$REF" --h_floor 1.0 --out "$WORK/ref.h5" >"$WORK/import.log"
grep -q "step 8, 512 tokens, 2 layers x 48 wide, codebook pollux-v4" "$WORK/import.log" || fail "import: $(cat "$WORK/import.log")"
"$BIN/pollux-inspect" "$WORK/ref.h5" --json >"$WORK/ref.json"
[ "$(json_field "$WORK/ref.json" step)" = 8 ] || fail "imported step"
[ "$(json_field "$WORK/ref.json" codebook)" = pollux-v4 ] || fail "imported codebook"

# --- resume 2 more steps on tokens of the reference's 96-id vocabulary
LC_ALL=C awk 'BEGIN { srand(1); for (i = 0; i < 4000; i++) printf "%c%c", int(rand() * 96), 0 }' >"$WORK/t96.u16"
[ "$(stat -c %s "$WORK/t96.u16")" -eq 8000 ] || fail "token file size"
"$BIN/pollux-train" --resume "$WORK/ref.h5" --max_steps 10 --data "$WORK/t96.u16" --threads 1 --out "$WORK/run" >"$WORK/train.log"
grep -q "resumed from .*ref.h5 at step 8" "$WORK/train.log" || fail "resume: $(cat "$WORK/train.log")"
[ -f "$WORK/run/pollux_step_10.h5" ] || fail "no checkpoint at step 10"
[ "$(cut -d, -f1 "$WORK/run/metrics.csv" | tail -n +2 | tr '\n' ' ')" = "9 10 " ] || fail "metrics steps"
# the reference's loss at step 8 is 4.55 on its data; random tokens over 96 ids cost ln 96 = 4.56
awk -F, 'NR > 1 { if (!($3 > 4 && $3 < 5)) exit 1 }' "$WORK/run/metrics.csv" || fail "loss after import: $(cat "$WORK/run/metrics.csv")"

# --- pack: the checkpoint's own indices, so the .plx holds the imported weights
"$BIN/pollux-pack" "$WORK/ref.h5" --output "$WORK/ref.plx" >/dev/null
"$BIN/pollux-inspect" "$WORK/ref.plx" --json >"$WORK/plx.json"
[ "$(json_field "$WORK/plx.json" parameters)" = 148560 ] || fail "packed parameters: $(cat "$WORK/plx.json" | cut -c1-200)"

# --- refusals: one line each
expect_error "--h_floor is required" "$BIN/pollux-import" "$REF" --out "$WORK/x.h5"
expect_error "no --out" "$BIN/pollux-import" "$REF" --h_floor 1.0
echo "not a checkpoint" >"$WORK/text.pt"
expect_error "text.pt: not a torch.save checkpoint" "$BIN/pollux-import" "$WORK/text.pt" --h_floor 1.0 --out "$WORK/x.h5"
head -c 100000 "$REF" >"$WORK/cut.pt"
expect_error "cut.pt" "$BIN/pollux-import" "$WORK/cut.pt" --h_floor 1.0 --out "$WORK/x.h5"
expect_error "ref.h5: not a torch.save checkpoint" "$BIN/pollux-import" "$WORK/ref.h5" --h_floor 1.0 --out "$WORK/x.h5"
[ ! -f "$WORK/x.h5" ] || fail "a refused import wrote its output"
echo "import: all checks passed"
