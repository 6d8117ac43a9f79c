#!/usr/bin/env bash
# The equal-token harness end to end (experiments/equal_tokens/run.sh smoke): two training
# methods, one seed, three steps, two post-training methods, every model scored; results.md has
# a finite row per method, the plot exists, commands.sh replays what ran; a second run finds
# everything done and runs nothing; the paper profile writes its commands and runs none.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
[ -d "$SHARED/data/blimp" ] && [ -f "$SHARED/data/corpus/wikitext2-valid.txt" ] || skip_test "no shared/data (BLiMP, WikiText-2)"
PY="$HOME/.cache/pollux/venv/bin/python"
"$PY" -c "import matplotlib" 2>/dev/null || skip_test "no matplotlib in the project venv (tools/bootstrap.sh)"
export POLLUX_BIN="$BIN" POLLUX_SHARED="$SHARED" POLLUX_PYTHON="$PY"
run="$ROOT/experiments/equal_tokens/run.sh"

bash "$run" smoke "$WORK/smoke" >"$WORK/smoke.log" 2>&1 || fail "run.sh smoke: $(tail -5 "$WORK/smoke.log")"
results="$WORK/smoke/results.md"
for method in continuous leech ptq-rtn-4 ptq-leech; do
  row="$(grep "^| $method |" "$results")" || fail "no row for $method in results.md: $(cat "$results")"
  loss="$(echo "$row" | cut -d'|' -f5 | awk '{print $1}')"
  awk -v l="$loss" 'BEGIN { exit !(l > 0 && l < 20) }' || fail "$method: held-out loss '$loss'"
done
[ -s "$WORK/smoke/pareto.png" ] || fail "no pareto.png"
grep -q "pollux-ptq .* --method gptq" "$WORK/smoke/commands.sh" && fail "smoke ran gptq"
grep -q "pollux-train .*--quantizer lattice --codebook leech --seed 1" "$WORK/smoke/commands.sh" || fail "commands.sh lacks the leech run"
grep -q "pollux-eval .*--blimp .* > .*ptq-leech-s1.blimp.json" "$WORK/smoke/commands.sh" || fail "commands.sh lacks the redirected evaluations"
# bits per parameter of the whole stored model: leech, trained or after training, 0.75 and a
# 16-bit row scale per 48 weights and the gains (under 1.6 at this tiny width); rtn-4 about 5
# (4 and a 16-bit scale per group of 16)
bits_of() { grep "^| $1 |" "$results" | cut -d'|' -f3 | tr -d ' '; }
for m in leech ptq-leech; do awk -v b="$(bits_of $m)" 'BEGIN { exit !(b > 0.75 && b < 1.6) }' || fail "$m: $(bits_of $m) bits"; done
awk -v b="$(bits_of ptq-rtn-4)" 'BEGIN { exit !(b > 4.5 && b < 5.5) }' || fail "ptq-rtn-4: $(bits_of ptq-rtn-4) bits"

# Everything done: a second run runs no command again.
lines="$(wc -l <"$WORK/smoke/commands.sh")"
bash "$run" smoke "$WORK/smoke" >/dev/null 2>&1 || fail "second run.sh smoke failed"
[ "$(wc -l <"$WORK/smoke/commands.sh")" = "$lines" ] || fail "the second run ran again: $(tail -3 "$WORK/smoke/commands.sh")"

bash "$run" paper "$WORK/paper" >"$WORK/paper.log" 2>&1 || fail "run.sh paper: $(tail -3 "$WORK/paper.log")"
grep -q "pollux-train .*pollux-1152.ini .*--quantizer ternary --seed 3" "$WORK/paper/commands.sh" || fail "paper lacks the ternary seed-3 run"
grep -q "pollux-ptq .*--method gptq .*--bits 2" "$WORK/paper/commands.sh" || fail "paper lacks gptq at 2 bits"
[ ! -e "$WORK/paper/results.md" ] || fail "the paper profile ran something"
bash "$run" bogus "$WORK/x" 2>/dev/null && fail "an unknown profile was accepted"
echo "equal_tokens: all checks passed"
