#!/usr/bin/env bash
# Issue 25, end to end: hostile torch.save files for pollux-import, option parsing (no prefix
# guessing, signed and ranged numbers), one line per error, help text, and numbers that name
# what they are. Each block names the issue item it covers; the files are made here.
source "$(dirname "$0")/lib.sh"

small_corpus 60000
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 16 --n_embd 48 --micro_batch 2 --eval_every 0 --threads 1
       --data "$WORK/small.u16")

# torch_save OUT PYTHON_EXPR: a torch.save-style zip whose data.pkl is pickle.dumps(EXPR,
# protocol=2), or raw pickle bytes when EXPR is bytes; EXTRA entries as NAME=HEX arguments.
torch_save() {
  python3 - "$@" <<'EOF'
import pickle, sys, zipfile
out, expr = sys.argv[1], eval(sys.argv[2])
data = expr if isinstance(expr, bytes) else pickle.dumps(expr, protocol=2)
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
    z.writestr("x/data.pkl", data)
    for extra in sys.argv[3:]:
        name, hexbytes = extra.split("=")
        z.writestr(name, bytes.fromhex(hexbytes))
EOF
}
CONFIG_DICT="{'n_layers': 1, 'n_embd': 48, 'd_head': 24, 'seq_len': 16, 'vocab_size': 264, 'tokenizer_vocab_size': 257,
              'batch_size': 2, 'grad_accum_steps': 1, 'target_tokens': 0}"

# --- item 4: 200,000 nested one-tuples (80 02 29, 85 x 200,000, 2e) are refused, not a SIGSEGV
torch_save "$WORK/nested.pt" "b'\\x80\\x02)' + b'\\x85' * 200000 + b'.'"
expect_error "nested more than 100 deep" "$BIN/pollux-import" "$WORK/nested.pt" --h_floor 1 --out "$WORK/nested.h5"
[ ! -e "$WORK/nested.h5" ] || fail "a refused import wrote its output"

# --- item 5: the imported config is validated as an INI file is, every size checked
for bad in "seq_len=0:key seq_len" "d_head=0:key d_head" "grad_accum_steps=-1:grad_accum_steps is -1" \
           "target_tokens=-1:target_tokens is -1" "n_embd=2**32+48:n_embd is 4294967344" \
           "tokenizer_vocab_size=300:key tokenizer_vocab_size" "seq_len=3:key seq_len"; do
  key="${bad%%=*}"; rest="${bad#*=}"; value="${rest%%:*}"; want="${rest#*:}"
  torch_save "$WORK/config.pt" "{'config': dict($CONFIG_DICT, $key=$value)}"
  expect_error "$want" "$BIN/pollux-import" "$WORK/config.pt" --h_floor 1 --out "$WORK/config.h5"
done
torch_save "$WORK/step.pt" "{'config': $CONFIG_DICT, 'step': -5, 'tokens_seen': 0}"
expect_error "step is -5" "$BIN/pollux-import" "$WORK/step.pt" --h_floor 1 --out "$WORK/step.h5"
# a stride-0 view of shape [50000, 50000] over one float, in a file of about 500 bytes
STRIDE0="b'\\x80\\x02}(X\\x01\\x00\\x00\\x00wctorch._utils\\n_rebuild_tensor_v2\\n((X\\x07\\x00\\x00\\x00storagectorch\\nFloatStorage\\n'\
+ b'X\\x01\\x00\\x00\\x000X\\x03\\x00\\x00\\x00cpuK\\x01tQK\\x00JP\\xc3\\x00\\x00JP\\xc3\\x00\\x00\\x86K\\x00K\\x00\\x86\\x89'\
+ b'ccollections\\nOrderedDict\\n)RtRu.'"
torch_save "$WORK/stride0.pt" "$STRIDE0" "x/data/0=00000000"
[ "$(stat -c %s "$WORK/stride0.pt")" -lt 1024 ] || fail "the stride-0 file is not small"
expect_error "2500000000 elements repeats the 1" "$BIN/pollux-import" "$WORK/stride0.pt" --h_floor 1 --out "$WORK/s.h5"

# --- item 2 (the config side): a context whose pos_emb no .plx file holds is refused at the start
expect_error "key seq_len: 3 with n_embd 48" "$BIN/pollux-train" "${SMALL[@]}" --seq_len 3 --out "$WORK/s3"
expect_error "key seq_len: 1 with n_embd 48" "$BIN/pollux-train" "${SMALL[@]}" --seq_len 1 --out "$WORK/s1"
[ ! -e "$WORK/s3" ] && [ ! -e "$WORK/s1" ] || fail "a refused run made its folder"

# --- item 9: no option prefix is guessed
expect_error "unrecognised option '--max_step'" "$BIN/pollux-train" "${SMALL[@]}" --max_step 2 --out "$WORK/p"
expect_error "unrecognised option '--max'" "$BIN/pollux-train" "${SMALL[@]}" --max 2 --out "$WORK/p"
expect_error "unrecognised option '--h_flo'" "$BIN/pollux-import" "$WORK/step.pt" --h_flo 1 --out "$WORK/p.h5"
expect_error "unrecognised option '--atom'" "$BIN/pollux-bench" quantizer --atom 10
[ ! -e "$WORK/p" ] || fail "a refused run made its folder"

# --- item 10: numbers parse signed, are ranged and name their flag
expect_error "--atoms -5: expected 1 to" "$BIN/pollux-bench" quantizer --atoms -5
expect_error "--atoms 1000000000000: expected 1 to" "$BIN/pollux-bench" quantizer --atoms 1000000000000
expect_error "'--atoms' is invalid" "$BIN/pollux-bench" quantizer --atoms 1e12
expect_error "--check -1: expected 0 to 10" "$BIN/pollux-bench" quantizer --atoms 10 --check -1
expect_error "--seed -1" "$BIN/pollux-generate" "$WORK/none.plx" --seed -1
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --checkpoint_every 1 --out "$WORK/run" >/dev/null
expect_error "--window_tokens -1: expected 1 to" "$BIN/pollux-inspect" "$WORK/run" --window_tokens -1
expect_error "--churn_tolerance nan" "$BIN/pollux-inspect" "$WORK/run" --churn_tolerance nan
expect_error "--batch_size 0: expected 1 to" "$BIN/pollux-eval" "$WORK/run/pollux_step_2.h5" --data "$WORK/small.u16" --batch_size 0
# a file named like a checkpoint of a step past int64 is not one: --auto_resume continues from step 2
touch "$WORK/run/pollux_step_99999999999999999999999.h5"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 3 --out "$WORK/run" --auto_resume >"$WORK/resume.log" 2>&1 ||
  fail "--auto_resume beside a 23-digit step name: $(cat "$WORK/resume.log")"
[ -f "$WORK/run/pollux_step_3.h5" ] || fail "the resumed run wrote no step 3"

# --- item 11: one line per error: a c10 error without its backtrace, an unresolvable MASTER_ADDR
"$BIN/pollux-train" "${SMALL[@]}" --seq_len 1 --n_embd 96 --max_steps 1 --out "$WORK/ctx1" >/dev/null
set +e
"$BIN/pollux-generate" "$WORK/ctx1/pollux_step_1.h5" --prompt "" --max_new_tokens 3 --runtime dense >/dev/null 2>"$WORK/gen.err"
set -e
if [ -s "$WORK/gen.err" ]; then
  [ "$(wc -l <"$WORK/gen.err")" -eq 1 ] || fail "generate printed $(wc -l <"$WORK/gen.err") error lines"
  ! grep -qE "Exception raised from|frame #" "$WORK/gen.err" || fail "a backtrace in the error line: $(cat "$WORK/gen.err")"
fi
# a benchmark of a model larger than the machine is refused by name, not by a failed allocation
expect_error "training this model needs at least" "$BIN/pollux-bench" train "${SMALL[@]}" --n_embd 49152 --steps 1
expect_error "training this model needs at least" "$BIN/pollux-bench" step "${SMALL[@]}" --n_embd 49152
MASTER_ADDR=no-such-host.invalid MASTER_PORT=29551 WORLD_SIZE=2 RANK=0 LOCAL_RANK=0 \
  expect_error "joining the process group at no-such-host.invalid:29551" \
  "$BIN/pollux-train" "${SMALL[@]}" --grad_accum 2 --dist_timeout_s 2 --max_steps 1 --out "$WORK/dist"
! grep -qE "Exception raised from|frame #" "$WORK/stderr" || fail "a backtrace in the error line: $(cat "$WORK/stderr")"

# --- item 12: help text: defaults as written, lines within 100 columns, no word cut in two
for tool in pollux-train pollux-eval pollux-prepare pollux-generate pollux-inspect pollux-pack pollux-import \
            pollux-bench-lut "pollux-bench quantizer" "pollux-bench train" "pollux-bench step" "pollux-bench decode"; do
  $BIN/$tool --help >"$WORK/help.txt" || fail "$tool --help failed"
  awk -v t="$tool" 'length > 100 { print t ": a line of " length " characters: " $0; bad = 1 } END { exit bad }' \
    "$WORK/help.txt" || fail "$tool --help is too wide"
  ! grep -qE "[0-9]{12}" "$WORK/help.txt" || fail "$tool --help prints a default with binary noise: $(grep -E '[0-9]{12}' "$WORK/help.txt")"
  # Boost cuts a description word of 20 or more characters when it straddles a line end
  awk -v t="$tool" '/^  -/ || /^      / { n = split(substr($0, 41), w, " ");
       for (i = 1; i <= n; i++) if (length(w[i]) >= 20) { print t ": a description word Boost may cut: " w[i]; bad = 1 } }
       END { exit bad }' "$WORK/help.txt" || fail "$tool --help"
done
help() { "$BIN/$1" --help >"$WORK/help.txt"; grep -q${3:-} -- "$2" "$WORK/help.txt"; }
help pollux-generate "--temperature arg (=0.8) " F || fail "the temperature default"
help pollux-train "--config arg" F || fail "pollux-train --help does not list --config"
help pollux-train "--max_steps arg (=100)" F || fail "pollux-train --help shows no defaults"
help pollux-bench-lut "^usage: pollux-bench-lut " || fail "pollux-bench-lut --help names another program"
help pollux-eval "hellaswag," w || fail "pollux-eval --help cuts hellaswag"
expect_error "unrecognised option '--batch'" "$BIN/pollux-eval" "$WORK/run/pollux_step_3.h5" --data "$WORK/small.u16" --batch 4

# --- item 13: numbers named for what they are: metrics.csv's step column, a .plx's bits_per_param
head -1 "$WORK/run/metrics.csv" | grep -q ",churn,step_size,tokens_per_s," || fail "lattice metrics header: $(head -1 "$WORK/run/metrics.csv")"
"$BIN/pollux-train" "${SMALL[@]}" --quantizer none --max_steps 1 --out "$WORK/adamw" >/dev/null
head -1 "$WORK/adamw/metrics.csv" | grep -q ",churn,lr,tokens_per_s," || fail "AdamW metrics header: $(head -1 "$WORK/adamw/metrics.csv")"
# a lattice run logged before the rename ("lr") keeps its rows when resumed
sed -i '1s/,lr,/,X,/; 1s/,step_size,/,lr,/' "$WORK/run/metrics.csv"
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 4 --out "$WORK/run" --auto_resume >/dev/null
[ "$(cut -d, -f1 "$WORK/run/metrics.csv" | tr '\n' ' ')" = "step 1 2 3 4 " ] || fail "rows lost on resume: $(cat "$WORK/run/metrics.csv")"
head -1 "$WORK/run/metrics.csv" | grep -q ",step_size," || fail "the resumed header"
"$BIN/pollux-pack" "$WORK/run/pollux_step_4.h5" --output "$WORK/m.plx" >/dev/null
"$BIN/pollux-inspect" "$WORK/m.plx" --json >"$WORK/inspect.json"
in_config="$(grep -o '"bits_per_param":[0-9.e+-]*' "$WORK/inspect.json" | head -1 | cut -d: -f2)"
awk -v a="$in_config" -v b="$(json_field "$WORK/inspect.json" backbone_bits_per_param)" \
  'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0.76 && d < 1e-9) }' ||
  fail "the .plx config says bits_per_param $in_config, pollux-inspect $(json_field "$WORK/inspect.json" backbone_bits_per_param)"
echo "issue 25 CLI reliability checks passed"
