#!/usr/bin/env bash
# The matrix-free runtime (--runtime lut, the default for .plx on the CPU) against the dense
# one on a freshly trained model: the same greedy text, the same loss; damaged files refused.
source "$(dirname "$0")/lib.sh"
small_corpus 60000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 48 --micro_batch 4 --threads 2 --eval_every 0
       --data "$WORK/small.u16" --max_steps 2)
"$BIN/pollux-train" "${SMALL[@]}" --out "$WORK/leech" >/dev/null
"$BIN/pollux-train" "${SMALL[@]}" --codebook pollux-v4 --out "$WORK/v4" >/dev/null
"$BIN/pollux-pack" "$WORK/leech/pollux_step_2.h5" --output "$WORK/m5.plx" >/dev/null
"$BIN/pollux-pack" "$WORK/v4/pollux_step_2.h5" --output "$WORK/m4.plx" --format v4 >/dev/null

for m in m5 m4; do
  # greedy, past the 48-token context: both runtimes restart from its last half alike
  "$BIN/pollux-generate" "$WORK/$m.plx" --prompt "ROMEO:" --max_new_tokens 60 --temperature 0 >"$WORK/$m.lut.txt"
  "$BIN/pollux-generate" "$WORK/$m.plx" --prompt "ROMEO:" --max_new_tokens 60 --temperature 0 --runtime dense >"$WORK/$m.dense.txt"
  cmp -s "$WORK/$m.lut.txt" "$WORK/$m.dense.txt" || fail "$m: greedy text differs: $(cat "$WORK/$m.lut.txt" "$WORK/$m.dense.txt")"
  "$BIN/pollux-eval" "$WORK/$m.plx" --data "$WORK/small.val.u16" --json >"$WORK/$m.lut.json"
  "$BIN/pollux-eval" "$WORK/$m.plx" --data "$WORK/small.val.u16" --json --runtime dense >"$WORK/$m.dense.json"
  [ "$(json_field "$WORK/$m.lut.json" runtime)" = lut ] || fail "$m: lut is not the default: $(cat "$WORK/$m.lut.json")"
  [ "$(json_field "$WORK/$m.dense.json" runtime)" = dense ] || fail "$m: --runtime dense ignored"
  awk -v a="$(json_field "$WORK/$m.lut.json" loss)" -v b="$(json_field "$WORK/$m.dense.json" loss)" \
    'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-4) }' || fail "$m: loss differs: $(cat "$WORK/$m.lut.json" "$WORK/$m.dense.json")"
done
[ "$(json_field "$WORK/m5.lut.json" kind)" = "plx v5" ] || fail "kind"
expect_error "--runtime lut runs .plx files" "$BIN/pollux-eval" "$WORK/leech/pollux_step_2.h5" --data "$WORK/small.val.u16" --runtime lut
expect_error "--runtime 'fast'" "$BIN/pollux-generate" "$WORK/m5.plx" --runtime fast
# A float16 KV cache: the same greedy text on this small model; a wrong value or the dense
# runtime refused by name.
"$BIN/pollux-generate" "$WORK/m5.plx" --prompt "ROMEO:" --max_new_tokens 60 --temperature 0 --kv_cache float16 >"$WORK/m5.kv16.txt"
cmp -s "$WORK/m5.lut.txt" "$WORK/m5.kv16.txt" || fail "float16 KV cache: greedy text differs: $(cat "$WORK/m5.kv16.txt")"
expect_error "--kv_cache 'half'" "$BIN/pollux-generate" "$WORK/m5.plx" --kv_cache half
expect_error "--kv_cache float16 is the lut runtime's" "$BIN/pollux-generate" "$WORK/m5.plx" --runtime dense --kv_cache float16
# --cuda_graph (CUDA decode through a graph; tests/runtime/test_static_decode.cpp on a GPU): on the
# CPU the dense runtime decodes eagerly whatever it says; a wrong value refused by name.
"$BIN/pollux-generate" "$WORK/m5.plx" --prompt "ROMEO:" --max_new_tokens 60 --temperature 0 --runtime dense --cuda_graph off \
  >"$WORK/m5.eager.txt"
cmp -s "$WORK/m5.dense.txt" "$WORK/m5.eager.txt" || fail "--cuda_graph off on the CPU: greedy text differs"
expect_error "--cuda_graph 'maybe': expected on or off" "$BIN/pollux-generate" "$WORK/m5.plx" --runtime dense --cuda_graph maybe
expect_error "--cuda_graph 'yes': expected on or off" "$BIN/pollux-bench" decode "$WORK/m5.plx" --runtime dense --cuda_graph yes

# pollux-bench decode: a .plx file in both runtimes, and a random model of a config's shape
for rt in lut dense; do
  "$BIN/pollux-bench" decode "$WORK/m5.plx" --runtime $rt --prompt_tokens 8 --new_tokens 8 --threads 2 --json >"$WORK/bench.$rt.json"
  [ "$(json_field "$WORK/bench.$rt.json" runtime)" = $rt ] || fail "bench runtime: $(cat "$WORK/bench.$rt.json")"
  for key in prefill_tokens_per_s decode_tokens_per_s peak_rss_bytes model_bytes_per_token; do
    awk -v v="$(json_field "$WORK/bench.$rt.json" $key)" 'BEGIN { exit !(v > 0) }' || fail "bench $rt $key: $(cat "$WORK/bench.$rt.json")"
  done
done
[ "$(json_field "$WORK/bench.dense.json" cuda_graph)" = false ] || fail "bench dense on the CPU used a CUDA graph"
awk -v l="$(json_field "$WORK/bench.lut.json" model_bytes_per_token)" -v d="$(json_field "$WORK/bench.dense.json" model_bytes_per_token)" \
  'BEGIN { exit !(l * 4 < d) }' || fail "lut should read far fewer bytes per token than dense"
"$BIN/pollux-bench" decode --config "$CONFIG" --n_layers 1 --seq_len 48 --prompt_tokens 4 --new_tokens 4 --json >"$WORK/bench.random.json"
grep -q '"runtime":"lut"' "$WORK/bench.random.json" || fail "bench --config: $(cat "$WORK/bench.random.json")"
"$BIN/pollux-bench" decode "$WORK/m4.plx" --kernel portable --index_form unpacked --prompt_tokens 20 --new_tokens 2 --json >"$WORK/bench.portable.json"
grep -q '"kernel":"portable","index_form":"unpacked"' "$WORK/bench.portable.json" || fail "bench --kernel: $(cat "$WORK/bench.portable.json")"
expect_error "--index_form 'zip'" "$BIN/pollux-bench" decode "$WORK/m5.plx" --index_form zip
expect_error "--kernel 'sse'" "$BIN/pollux-bench" decode "$WORK/m5.plx" --kernel sse

# The lut benchmark runs in pollux-bench-lut, which links no LibTorch: a packed model needs
# none, and its peak memory is the model's, not LibTorch's (~365 MB resident on its own).
needed=$(readelf -d "$BIN/pollux-bench-lut" | grep NEEDED) || fail "readelf found no NEEDED entries"
echo "$needed" | grep -q 'libc.so' || fail "readelf output unexpected: $needed"
if echo "$needed" | grep -Eiq 'torch|c10|libgomp|mkl|hdf5'; then fail "pollux-bench-lut links LibTorch: $needed"; fi
awk -v p="$(json_field "$WORK/bench.lut.json" peak_rss_bytes)" 'BEGIN { exit !(p < 100e6) }' \
  || fail "lut bench peak RSS should be the small model's, not LibTorch's: $(cat "$WORK/bench.lut.json")"
awk -v p="$(json_field "$WORK/bench.dense.json" peak_rss_bytes)" 'BEGIN { exit !(p > 150e6) }' \
  || fail "dense bench (LibTorch) should hold far more: $(cat "$WORK/bench.dense.json")"
expect_error "exceeds the context of 48" "$BIN/pollux-bench" decode "$WORK/m5.plx" --prompt_tokens 40 --new_tokens 9
expect_error "exactly one of MODEL" "$BIN/pollux-bench" decode --prompt_tokens 4

# Damaged files are refused by the lut runtime before any computation, naming the file.
head -c 3000 "$WORK/m5.plx" >"$WORK/cut.plx"
expect_error "cut.plx" "$BIN/pollux-generate" "$WORK/cut.plx" --prompt "a"
cp "$WORK/m5.plx" "$WORK/flip.plx"
size=$(stat -c %s "$WORK/flip.plx")
printf '\xff' | dd of="$WORK/flip.plx" bs=1 seek=$((size - 40)) conv=notrunc status=none
expect_error "checksum mismatch" "$BIN/pollux-eval" "$WORK/flip.plx" --data "$WORK/small.val.u16"
# wrong codebook: the identity byte (after the padded config and the fingerprint) says pollux-v4
config_len=$(od -An -tu4 -j16 -N4 "$WORK/m5.plx" | tr -d ' ')
id_offset=$(( (20 + config_len + 63) / 64 * 64 + 64 ))
cp "$WORK/m5.plx" "$WORK/wrong.plx"
printf '\x01' | dd of="$WORK/wrong.plx" bs=1 seek=$id_offset conv=notrunc status=none
expect_error "codebook SHA-256 does not match the pollux-v4 table" "$BIN/pollux-generate" "$WORK/wrong.plx" --prompt "a"
echo "infer runtime: all checks passed"
