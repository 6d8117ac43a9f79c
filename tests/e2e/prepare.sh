#!/usr/bin/env bash
# pollux-prepare: reference parity on tinyshakespeare, reference framing (str.strip(), empty
# documents skipped, end-of-text after each), JSON lines, document splits, errors.
source "$(dirname "$0")/lib.sh"
TEXT="$(dirname "$0")/../../data/tinyshakespeare.txt"
REF="$SHARED/data/tokenizer/tinyshakespeare.gpt2.u16"

"$BIN/pollux-prepare" "$TEXT" --output "$WORK/shakespeare.u16" --framing between --no_eot >"$WORK/out.txt"
if [ -f "$REF" ]; then
  cmp "$WORK/shakespeare.u16" "$REF" || fail "gpt2 tokens differ from the reference file"
else
  skip_part "$REF not found"
fi
grep -q '"tokenizer":"gpt2"' "$WORK/shakespeare.u16.json" || fail "sidecar"
grep -q '"framing":"between' "$WORK/shakespeare.u16.json" || fail "sidecar framing"
grep -q "338025 tokens" "$WORK/out.txt" || fail "token count: $(cat "$WORK/out.txt")"
grep -q "MB/s" "$WORK/out.txt" || fail "no MB/s"

# JSON lines: one document per line, end-of-text after each document, 1 in 4 held out
for i in 1 2 3 4 5 6 7 8; do printf '{"text": "Document %d says hello.", "id": %d}\n' $i $i; done >"$WORK/docs.jsonl"
"$BIN/pollux-prepare" "$WORK/docs.jsonl" --output "$WORK/docs.u16" --val_fraction 0.25 >"$WORK/out.txt"
grep -q "from 6 documents" "$WORK/out.txt" || fail "train documents: $(cat "$WORK/out.txt")"
grep -q "from 2 documents" "$WORK/out.txt" || fail "validation documents"
eots=$(od -An -tu2 -v "$WORK/docs.u16" | tr -s ' ' '\n' | grep -cx 50256)
[ "$eots" -eq 6 ] || fail "expected 6 end-of-text tokens after 6 documents, found $eots"
"$BIN/pollux-prepare" "$WORK/docs.jsonl" --output "$WORK/docs_between.u16" --framing between >/dev/null
eots=$(od -An -tu2 -v "$WORK/docs_between.u16" | tr -s ' ' '\n' | grep -cx 50256)
[ "$eots" -eq 7 ] || fail "--framing between: expected 7 end-of-text tokens between 8 documents, found $eots"
expect_error "--framing must be reference or between" "$BIN/pollux-prepare" "$WORK/docs.jsonl" --output "$WORK/x.u16" --framing none

# Reference framing strips Python's str.isspace() code points (U+3000, U+2028, U+0085, U+001C..),
# not U+200B or U+180E, and skips documents that strip to nothing. Bytes tokenizer: id = byte, 256 = end-of-text.
printf '%s\n' '{"text": "  hello \u3000"}' '{"text": "\u2028\u00a0 \t\n"}' '{"text": "\u200bword\u0085"}' \
  '{"text": "\u001cA\u001fB\u2009"}' '{"text": ""}' '{"text": "\u180eX"}' >"$WORK/ws.jsonl"
"$BIN/pollux-prepare" "$WORK/ws.jsonl" --output "$WORK/ws.u16" --tokenizer bytes >"$WORK/out.txt"
grep -q "skipped 2 empty documents" "$WORK/out.txt" || fail "empty documents: $(cat "$WORK/out.txt")"
got=$(od -An -tu2 -v "$WORK/ws.u16" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
want="104 101 108 108 111 256 226 128 139 119 111 114 100 256 65 31 66 256 225 160 142 88 256"
[ "$got" = "$want" ] || fail "stripped documents: got '$got', want '$want'"
grep -q '"framing":"reference' "$WORK/ws.u16.json" || fail "sidecar framing"

# A text document streamed in 1 MiB reads: U+3000 straddling a read stays, leading and
# 1.1 MB of trailing whitespace go; a whitespace-only text file is skipped.
{ printf '\n \xe3\x80\x80'; head -c 1048570 /dev/zero | tr '\0' a; printf '\xe3\x80\x80b\xe2\x80\xa9'
  head -c 1100000 /dev/zero | tr '\0' ' '; printf '\n'; } >"$WORK/big.txt"
printf ' \xe2\x80\x83\n' >"$WORK/blank.txt"
"$BIN/pollux-prepare" "$WORK/blank.txt" "$WORK/big.txt" --output "$WORK/big.u16" --tokenizer bytes >"$WORK/out.txt"
grep -q "1048575 tokens from 1 documents" "$WORK/out.txt" || fail "streamed strip: $(cat "$WORK/out.txt")"
[ "$(od -An -tu2 -N 2 "$WORK/big.u16" | tr -d ' ')" = 97 ] || fail "leading whitespace kept"
tail=$(od -An -tu2 -j $((2 * 1048568)) "$WORK/big.u16" | tr -s ' ' ' ' | sed 's/^ //; s/ $//')
[ "$tail" = "97 97 227 128 128 98 256" ] || fail "streamed document end: '$tail'"
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
