#!/usr/bin/env bash
# pollux-export --format hf (issue 32): tiny trained models (a lattice checkpoint and its .plx,
# a continuous checkpoint, a ternary .plx with scope = backbone's int8 rows, a GPT-2-token
# continuous checkpoint) load with AutoModelForCausalLM.from_pretrained(DIR,
# trust_remote_code=True), their weights are the safetensors file's (read with the safetensors
# library), and their loss on held-out text equals pollux-eval's within 1e-4 relative;
# AutoTokenizer gives our ids (the GPT-2 goldens, and the byte tokenizer against pollux-eval
# --serve's tokenize); bad input gets one line (e2e.hf_lm_eval runs lm_eval on an export).
# Skipped (exit 77) without transformers and safetensors in the venv.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${POLLUX_VENV:-$HOME/.cache/pollux/venv}/bin/python"
"$PY" -c "import transformers, safetensors" 2>/dev/null || skip_test "no transformers in $PY (tools/bootstrap.sh)"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

small_corpus 40000 --val_fraction 0.1
TINY=(--config "$CONFIG" --n_layers 1 --n_embd 48 --seq_len 32 --micro_batch 2 --threads 2 --eval_every 0 --max_steps 2
      --data "$WORK/small.u16")
"$BIN/pollux-train" "${TINY[@]}" --out "$WORK/lattice" >/dev/null
"$BIN/pollux-pack" "$WORK/lattice/pollux_step_2.h5" --output "$WORK/lattice.plx" >/dev/null
"$BIN/pollux-train" "${TINY[@]}" --quantizer none --init standard --out "$WORK/continuous" >/dev/null
"$BIN/pollux-train" "${TINY[@]}" --quantizer ternary --init standard --scope backbone --out "$WORK/ternary" >/dev/null
"$BIN/pollux-pack" "$WORK/ternary/pollux_step_2.h5" --output "$WORK/ternary.plx" >/dev/null
# A GPT-2-token model: the export's tokenizer files come from the bundled ranks.
head -c 30000 "$CORPUS" >"$WORK/g.txt"
"$BIN/pollux-prepare" "$WORK/g.txt" --output "$WORK/g.u16" --tokenizer gpt2 --val_fraction 0.2 >/dev/null
"$BIN/pollux-train" "${TINY[@]}" --tokenizer gpt2 --vocab_size 50280 --tokenizer_vocab_size 50257 --data "$WORK/g.u16" \
  --quantizer none --init standard --out "$WORK/gpt2" >/dev/null

CASES="$WORK/cases.txt"
: >"$CASES"
for m in lattice/pollux_step_2.h5 lattice.plx continuous/pollux_step_2.h5 ternary.plx gpt2/pollux_step_2.h5; do
  name="$(echo "$m" | tr '/.' '__')"
  "$BIN/pollux-export" "$WORK/$m" --format hf --output "$WORK/hf/$name" >/dev/null || fail "export of $m"
  val="$WORK/small.val.u16"; [[ $m == gpt2* ]] && val="$WORK/g.val.u16"
  loss="$(json_field <("$BIN/pollux-eval" "$WORK/$m" --data "$val" --runtime dense --json) loss)"
  echo "$WORK/hf/$name $val $loss" >>"$CASES"
done
[ -f "$WORK/hf/gpt2_pollux_step_2_h5/vocab.json" ] && [ -f "$WORK/hf/lattice_plx/tokenization_pollux.py" ] || fail "tokenizer files"
printf '%s\n' '{"op":"tokenize","texts":["Hello, world!","caf\u00e9 \u65e5\u672c\n\tend","<|endoftext|> is text"]}' |
  "$BIN/pollux-eval" "$WORK/lattice.plx" --serve >"$WORK/bytes_ids.json"

GOLDENS="$SHARED/data/tokenizer/tokenizer_cases.json"
[ -f "$GOLDENS" ] || { skip_part "no tokenizer goldens in $SHARED: GPT-2 ids not compared"; GOLDENS=""; }
"$PY" - "$CASES" "$GOLDENS" "$WORK/bytes_ids.json" <<'PYEOF' || fail "an export differs from pollux"
import json, sys
import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open
from transformers import AutoModelForCausalLM, AutoTokenizer

torch.set_num_threads(2)
lines = open(sys.argv[1]).read().splitlines()
for line in lines:
    folder, val, want = line.split()
    model = AutoModelForCausalLM.from_pretrained(folder, trust_remote_code=True).eval()
    with safe_open(f"{folder}/model.safetensors", "pt") as f:  # the weights are the model's, by name
        state = model.state_dict()
        assert sorted(f.keys()) == sorted(state), folder
        assert all(torch.equal(f.get_tensor(k), state[k]) for k in f.keys()), folder
    # pollux-eval's windows: window w is tokens [w T, w T + len], predicting the len after its first
    tokens = torch.from_numpy(np.fromfile(val, dtype="<u2").astype(np.int64))
    T, total, count = model.config.max_position_embeddings, 0.0, 0
    with torch.no_grad():
        for start in range(0, len(tokens) - 1, T):
            window = tokens[start:start + T + 1]
            logits = model(window[None, :-1]).logits[0]
            total += F.cross_entropy(logits, window[1:], reduction="sum").item()
            count += len(window) - 1
    got = total / count
    assert abs(got - float(want)) <= 1e-4 * float(want), (folder, got, want)
    print(f"{folder.rsplit('/', 1)[1]}: loss {got:.6f}, pollux-eval {float(want):.6f}")

gpt2 = AutoTokenizer.from_pretrained(lines[-1].split()[0], trust_remote_code=True)
cases = json.load(open(sys.argv[2]))["cases"] if sys.argv[2] else []
for case in cases:
    assert gpt2(case["text"])["input_ids"] == case["ids"], case["text"]
assert gpt2.eos_token_id == 50256 and gpt2.decode(gpt2("Hello, world!")["input_ids"]) == "Hello, world!"
byte = AutoTokenizer.from_pretrained(lines[0].split()[0], trust_remote_code=True)
ours = json.load(open(sys.argv[3]))
texts = ["Hello, world!", "caf\u00e9 \u65e5\u672c\n\tend", "<|endoftext|> is text"]
assert [byte(t)["input_ids"] for t in texts] == ours["tokens"], (ours, [byte(t)["input_ids"] for t in texts])
assert byte.eos_token_id == 256 and byte.decode(byte(texts[1])["input_ids"]) == texts[1]
print(f"tokenizers: {len(cases)} GPT-2 goldens and the byte tokenizer give our ids")
PYEOF

# --- bad input: one line each
expect_error "holds files" "$BIN/pollux-export" "$WORK/lattice.plx" --format hf --output "$WORK/hf/lattice_plx"
"$BIN/pollux-export" "$WORK/gpt2/pollux_step_2.h5" --output "$WORK/hf/lattice_plx" --overwrite >/dev/null
[ ! -f "$WORK/hf/lattice_plx/tokenization_pollux.py" ] && [ -f "$WORK/hf/lattice_plx/merges.txt" ] ||
  fail "--overwrite left the byte tokenizer beside GPT-2's"
expect_error "--format 'gguf'" "$BIN/pollux-export" "$WORK/lattice.plx" --format gguf --output "$WORK/x"
head -c 3000 "$WORK/lattice.plx" >"$WORK/damaged.plx"
expect_error "damaged.plx" "$BIN/pollux-export" "$WORK/damaged.plx" --output "$WORK/y"
[ ! -e "$WORK/y" ] || fail "a damaged model left an --output folder"
expect_error "--output" "$BIN/pollux-export" "$WORK/lattice.plx" --output "$WORK/lattice.plx"
echo "hf export: all checks passed"
