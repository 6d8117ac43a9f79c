#!/usr/bin/env bash
# pollux-bench tokenizer: JSON with MB/s, tokens/s and threads; tiktoken's figure on the same
# documents when the venv has tiktoken (and the same token count), a note when it has not.
source "$(dirname "$0")/lib.sh"
PY="${POLLUX_VENV:-$HOME/.cache/pollux/venv}/bin/python"

"$BIN/pollux-bench" tokenizer --mb 0.3 --repeats 1 --threads 2 --python "$WORK/no-python" --json >"$WORK/out.json"
[ "$(json_field "$WORK/out.json" threads)" = 2 ] || fail "threads: $(cat "$WORK/out.json")"
awk -v v="$(json_field "$WORK/out.json" mb_per_s)" 'BEGIN { exit !(v > 0) }' || fail "mb_per_s: $(cat "$WORK/out.json")"
awk -v v="$(json_field "$WORK/out.json" tokens_per_s)" 'BEGIN { exit !(v > 0) }' || fail "tokens_per_s"
grep -q '"tiktoken_note":"no python at' "$WORK/out.json" || fail "missing tiktoken should be noted: $(cat "$WORK/out.json")"
! grep -q tiktoken_mb_per_s "$WORK/out.json" || fail "tiktoken figure without tiktoken"
expect_error "cannot open --input" "$BIN/pollux-bench" tokenizer --input "$WORK/missing.txt"

if "$PY" -c "import tiktoken" 2>/dev/null; then
  "$BIN/pollux-bench" tokenizer --mb 0.3 --repeats 1 --json >"$WORK/out.json"
  awk -v v="$(json_field "$WORK/out.json" tiktoken_mb_per_s)" 'BEGIN { exit !(v > 0) }' || fail "tiktoken_mb_per_s: $(cat "$WORK/out.json")"
  [ "$(json_field "$WORK/out.json" same_tokens)" = true ] || fail "tiktoken gave other tokens: $(cat "$WORK/out.json")"
else
  skip_part "no tiktoken in $PY: tiktoken's figure and token parity not checked"
fi
echo "bench_tokenizer: all checks passed"
