#!/usr/bin/env bash
# pollux-bench quantizer and pollux-inspect on real files, and their answers to bad input.
source "$(dirname "$0")/lib.sh"

"$BIN/pollux-bench" quantizer --atoms 3000 --check 300 --threads 2 --json >"$WORK/bench.json"
[ "$(json_field "$WORK/bench.json" mismatches)" = 0 ] || fail "quantizer mismatches: $(cat "$WORK/bench.json")"
[ "$(json_field "$WORK/bench.json" checked)" = 300 ] || fail "checked != 300"
"$BIN/pollux-bench" quantizer --atoms 500 --codebook pollux-v4 | grep -q "mismatches 0 of 500" || fail "table output"
expect_error "--check 10: expected 0 to 5" "$BIN/pollux-bench" quantizer --atoms 5 --check 10
expect_error "--codebook" "$BIN/pollux-bench" quantizer --codebook e8
expect_error "unknown command 'train2'" "$BIN/pollux-bench" train2
"$BIN/pollux-bench" --help | grep -q quantizer || fail "bench --help"

PLX="$SHARED/reference/reference_tiny_v4.plx"
if [ -f "$PLX" ]; then
  "$BIN/pollux-inspect" "$PLX" --json >"$WORK/inspect.json"
  [ "$(json_field "$WORK/inspect.json" version)" = 4 ] || fail "version"
  [ "$(json_field "$WORK/inspect.json" codebook)" = pollux-v4 ] || fail "codebook"
  [ "$(json_field "$WORK/inspect.json" parameters)" = 148560 ] || fail "parameters"
  grep -q '"name":"blocks.0.mlp.fc1.weight","storage":"lattice","shape":\[192,48\]' "$WORK/inspect.json" || fail "fc1 entry"
  "$BIN/pollux-inspect" "$PLX" | grep -q "whole file: 148560 parameters in 109423 bytes" || fail "inspect table"
  head -c 5000 "$PLX" >"$WORK/cut.plx"
  expect_error "cut.plx" "$BIN/pollux-inspect" "$WORK/cut.plx"
else
  skip_part "$PLX not found"
fi
expect_error "cannot open" "$BIN/pollux-inspect" "$WORK/missing.plx"
expect_error "no FILE given" "$BIN/pollux-inspect"
echo "lattice tools: all checks passed"
