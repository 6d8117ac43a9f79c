#!/usr/bin/env bash
# pollux-prepare: reference parity on tinyshakespeare, JSON lines, document splits, errors.
source "$(dirname "$0")/lib.sh"
TEXT="$(dirname "$0")/../../data/tinyshakespeare.txt"
REF="$SHARED/data/tokenizer/tinyshakespeare.gpt2.u16"

"$BIN/pollux-prepare" "$TEXT" --output "$WORK/shakespeare.u16" --no_eot >"$WORK/out.txt"
if [ -f "$REF" ]; then
  cmp "$WORK/shakespeare.u16" "$REF" || fail "gpt2 tokens differ from the reference file"
else
  echo "SKIP: $REF not found"
fi
grep -q '"tokenizer":"gpt2"' "$WORK/shakespeare.u16.json" || fail "sidecar"
grep -q "338025 tokens" "$WORK/out.txt" || fail "token count: $(cat "$WORK/out.txt")"
grep -q "MB/s" "$WORK/out.txt" || fail "no MB/s"

# JSON lines: one document per line, end-of-text between documents, 1 in 4 held out
for i in 1 2 3 4 5 6 7 8; do printf '{"text": "Document %d says hello.", "id": %d}\n' $i $i; done >"$WORK/docs.jsonl"
"$BIN/pollux-prepare" "$WORK/docs.jsonl" --output "$WORK/docs.u16" --val_fraction 0.25 >"$WORK/out.txt"
grep -q "from 6 documents" "$WORK/out.txt" || fail "train documents: $(cat "$WORK/out.txt")"
grep -q "from 2 documents" "$WORK/out.txt" || fail "validation documents"
eots=$(od -An -tu2 -v "$WORK/docs.u16" | tr -s ' ' '\n' | grep -cx 50256)
[ "$eots" -eq 5 ] || fail "expected 5 end-of-text tokens between 6 documents, found $eots"
"$BIN/pollux-prepare" "$WORK/docs.jsonl" --output "$WORK/docs_bytes.u16" --tokenizer bytes >/dev/null
grep -q '"tokenizer":"bytes"' "$WORK/docs_bytes.u16.json" || fail "bytes sidecar"

# malformed lines: an error naming file and line, or skipped and counted
{ cat "$WORK/docs.jsonl"; echo '{"text": broken'; echo '{"id": 3}'; } >"$WORK/bad.jsonl"
expect_error "bad.jsonl line 9" "$BIN/pollux-prepare" "$WORK/bad.jsonl" --output "$WORK/bad.u16"
[ ! -e "$WORK/bad.u16" ] || fail "a failed run left an output file"
"$BIN/pollux-prepare" "$WORK/bad.jsonl" --output "$WORK/bad.u16" --skip_bad_lines | grep -q "skipped 2 JSON lines" || fail "skip count"
expect_error "cannot open input" "$BIN/pollux-prepare" "$WORK/missing.txt" --output "$WORK/x.u16"
expect_error "no --output" "$BIN/pollux-prepare" "$TEXT"
expect_error "unknown tokenizer 'words'" "$BIN/pollux-prepare" "$TEXT" --output "$WORK/x.u16" --tokenizer words
expect_error "val_fraction" "$BIN/pollux-prepare" "$TEXT" --output "$WORK/x.u16" --val_fraction 1.5
echo "prepare: all checks passed"
