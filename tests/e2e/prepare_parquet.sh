#!/usr/bin/env bash
# pollux-prepare on parquet: the FineWeb-Edu sample gives the reference's token file
# byte for byte (files, folder, quoted glob), with a progress line and a sidecar; many row groups, gzip, large_string and nulls;
# bad parquet gives one error line naming file and column and leaves no output.
source "$(dirname "$0")/lib.sh"
SAMPLE="$SHARED/data/fineweb-sample"
PY="${POLLUX_VENV:-$HOME/.cache/pollux/venv}/bin/python"
[ -f "$SAMPLE/expected.gpt2.u16" ] || skip_test "$SAMPLE not found"

"$BIN/pollux-prepare" "$SAMPLE"/*.parquet --output "$WORK/fw.u16" --tokenizer gpt2 >"$WORK/out.txt"
cmp "$WORK/fw.u16" "$SAMPLE/expected.gpt2.u16" || fail "parquet tokens differ from expected.gpt2.u16"
grep -q "from 67 documents" "$WORK/out.txt" || fail "documents: $(cat "$WORK/out.txt")"
grep -q "skipped 2 empty documents" "$WORK/out.txt" || fail "empty documents: $(cat "$WORK/out.txt")"
grep -q 'train-00001-of-00002.parquet"\]' "$WORK/fw.u16.json" || fail "sidecar sources: $(cat "$WORK/fw.u16.json")"
"$BIN/pollux-prepare" "$SAMPLE/*.parquet" --output "$WORK/glob.u16" >/dev/null
cmp "$WORK/glob.u16" "$SAMPLE/expected.gpt2.u16" || fail "quoted glob"
"$BIN/pollux-prepare" "$SAMPLE" --output "$WORK/folder.u16" >/dev/null
cmp "$WORK/folder.u16" "$SAMPLE/expected.gpt2.u16" || fail "folder"
"$BIN/pollux-prepare" "$SAMPLE" --output "$WORK/split.u16" --val_fraction 0.25 --progress 1e-9 >"$WORK/out.txt" 2>"$WORK/progress.txt"
grep -Eq "^prepared 1\.1 MB of text, 67 documents, 259066 tokens, [0-9.]+ MB/s, 100% done, ETA 0 s$" "$WORK/progress.txt" \
  || fail "progress line: $(cat "$WORK/progress.txt")"
grep -q '"framing":"reference' "$WORK/split.u16.json" || fail "sidecar framing"
grep -q '"tokenizer":"gpt2"' "$WORK/split.val.u16.json" || fail "sidecar tokenizer"
grep -q "from 51 documents" "$WORK/out.txt" && grep -q "from 16 documents" "$WORK/out.txt" || fail "split: $(cat "$WORK/out.txt")"

# Bad input: one error line naming the file and the column, no output file left behind.
cp "$SAMPLE/expected.gpt2.u16" "$WORK/tokens.parquet"
head -c 100000 "$SAMPLE/train-00000-of-00002.parquet" >"$WORK/truncated.parquet"
expect_error "tokens.parquet (column 'text'): not a readable parquet file" \
  "$BIN/pollux-prepare" "$WORK/tokens.parquet" --output "$WORK/bad.u16"
expect_error "truncated.parquet (column 'text'): not a readable parquet file" \
  "$BIN/pollux-prepare" "$SAMPLE" "$WORK/truncated.parquet" --output "$WORK/bad.u16"
expect_error "train-00000-of-00002.parquet (column 'body'): no such column" \
  "$BIN/pollux-prepare" "$SAMPLE" --output "$WORK/bad.u16" --text_column body
expect_error "(column 'token_count'): column is int64, not string or large_string" \
  "$BIN/pollux-prepare" "$SAMPLE" --output "$WORK/bad.u16" --text_column token_count
expect_error "input pattern" "$BIN/pollux-prepare" "$WORK/*.nothing" --output "$WORK/bad.u16"
[ -z "$(ls "$WORK" | grep bad.u16)" ] || fail "a failed run left $(ls "$WORK" | grep bad.u16)"

# Files written here with pyarrow: 7 row groups, gzip, large_string, nulls and empty strings;
# the bytes tokenizer (id = byte, 256 = end-of-text) against Python's own str.strip().
if ! "$PY" -c "import pyarrow" 2>/dev/null; then skip_part "no pyarrow in $PY: the files written with pyarrow not checked"; echo "prepare_parquet: checks passed"; exit 0; fi
"$PY" - "$WORK" <<'PYEOF'
import sys, array, pyarrow as pa, pyarrow.parquet as pq
work = sys.argv[1]
docs = [None if i % 11 == 5 else ("" if i % 13 == 0 else "\u3000 doc %d caf\u00e9 \u2028\n" % i + "x" * (i * 37 % 300)) for i in range(100)]
pq.write_table(pa.table({"body": pa.array(docs, pa.large_string()), "n": list(range(100))}),
               work + "/gz.parquet", row_group_size=15, compression="gzip")
ids = []
for d in docs:
    if d is not None and d.strip():
        ids += list(d.strip().encode()) + [256]
open(work + "/gz.expected.u16", "wb").write(array.array("H", ids).tobytes())
pq.write_table(pa.table({"text": docs}), work + "/corrupt.parquet", row_group_size=10, compression="zstd")
chunk = pq.ParquetFile(work + "/corrupt.parquet").metadata.row_group(3).column(0)
data = bytearray(open(work + "/corrupt.parquet", "rb").read())
for i in range(chunk.data_page_offset + 8, chunk.data_page_offset + chunk.total_compressed_size - 4):
    data[i] ^= 0x5A
open(work + "/corrupt.parquet", "wb").write(data)
PYEOF
"$BIN/pollux-prepare" "$WORK/gz.parquet" --text_column body --tokenizer bytes --output "$WORK/gz.u16" >/dev/null
cmp "$WORK/gz.u16" "$WORK/gz.expected.u16" || fail "gzip, 7 row groups, large_string, nulls"
expect_error "corrupt.parquet (column 'text'): cannot read row group 3" \
  "$BIN/pollux-prepare" "$WORK/corrupt.parquet" --output "$WORK/bad.u16"
[ -z "$(ls "$WORK" | grep bad.u16)" ] || fail "a failed run left $(ls "$WORK" | grep bad.u16)"
echo "prepare_parquet: all checks passed"
