#!/usr/bin/env bash
# Native task scores equal lm-evaluation-harness's through tools/lm_eval_pollux.py on the same
# GPT-2-tokenized model and files: identical accuracies, log-likelihoods within 1e-4.
# Skipped (exit 77) when lm_eval is not importable from the venv or the sample tasks are missing.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${POLLUX_VENV:-$HOME/.cache/pollux/venv}/bin/python"
"$PY" -c "import lm_eval" 2>/dev/null || skip_test "no lm_eval in $PY (POLLUX_LM_EVAL=1 tools/bootstrap.sh)"
[ -d "$SHARED/data/tasks" ] && [ -d "$SHARED/data/blimp" ] || skip_test "no sample tasks in $SHARED/data"

# A small GPT-2-tokenizer model, trained one step so its weights are not the initial ones.
head -c 100000 "$SHARED/data/corpus/wikitext2-valid.txt" >"$WORK/w.txt"
"$BIN/pollux-prepare" "$WORK/w.txt" --output "$WORK/w.u16" --tokenizer gpt2 >/dev/null
"$BIN/pollux-train" --config "$CONFIG" --tokenizer gpt2 --vocab_size 50280 --tokenizer_vocab_size 50257 \
  --n_layers 1 --n_embd 48 --seq_len 48 --micro_batch 2 --threads 2 --eval_every 0 --max_steps 1 --checkpoint_every 1 \
  --data "$WORK/w.u16" --out "$WORK/run" >/dev/null
"$BIN/pollux-pack" "$WORK/run/pollux_step_1.h5" --output "$WORK/m.plx" >/dev/null

# The five sample schemas, a LAMBADA file, two WikiText pages, two BLiMP sets; 6 items each.
mkdir -p "$WORK/tasks/blimp"
cp "$SHARED"/data/tasks/{sciq,piqa,hellaswag,winogrande,arc_easy}.jsonl "$WORK/tasks/"
cp "$SHARED/data/blimp/anaphor_gender_agreement.jsonl" "$SHARED/data/blimp/passive_1.jsonl" "$WORK/tasks/blimp/"
"$PY" - "$WORK/w.txt" >"$WORK/tasks/lambada.jsonl" <<'PYEOF'
import json, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if len(l.split()) > 8 and not l.startswith(" =")]
for l in lines[:6]:
    print(json.dumps({"text": " ".join(l.split()[:30])}))
PYEOF
"$PY" - "$WORK/w.txt" >"$WORK/tasks/wikitext.jsonl" <<'PYEOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
for start in (0, 3000):  # two pages of raw WikiText, several context windows each
    print(json.dumps({"page": text[start:start + 1500]}))
PYEOF

"$BIN/pollux-eval" "$WORK/m.plx" --tasks blimp,sciq,piqa,hellaswag,winogrande,arc_easy,lambada,wikitext --task_dir "$WORK/tasks" \
  --limit 6 --batch_size 4 --json --log_samples >"$WORK/native.json"
names=$("$PY" "$ROOT/tools/lm_eval_pollux.py" --write_local_tasks "$WORK/yaml" --task_dir "$WORK/tasks")
"$PY" "$ROOT/tools/lm_eval_pollux.py" --model_path "$WORK/m.plx" --binary "$BIN/pollux-eval" --tasks "$names" \
  --include_path "$WORK/yaml" --limit 6 --output "$WORK/lm_eval.json" >"$WORK/lm_eval.txt" 2>"$WORK/lm_eval.err" \
  || fail "lm-eval through the adapter failed: $(tail -5 "$WORK/lm_eval.err")"

"$PY" - "$WORK/native.json" "$WORK/lm_eval.json" <<'PYEOF' || fail "native and lm-eval scores differ"
import json, math, sys
native = json.load(open(sys.argv[1]))["tasks"]
lm = json.load(open(sys.argv[2]))
checked = 0
for name, ours in native.items():
    key = "local_" + ("lambada" if name == "lambada_openai" else name)
    theirs = lm["results"][key]
    for metric in ("acc", "acc_norm"):
        if metric in ours:
            assert ours[metric] == theirs[metric + ",none"], (name, metric, ours[metric], theirs[metric + ",none"])
    for metric in ("perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"):
        if metric in ours:
            assert abs(math.log(ours[metric]) - math.log(theirs[metric + ",none"])) < 1e-6, (name, metric)
    samples = lm["samples"][key]
    assert len(samples) == len(ours["loglikelihoods"]) == ours["items"], name
    for s, mine in zip(samples, ours["loglikelihoods"]):
        assert len(s["loglikelihoods"]) == len(mine), (name, s["doc_id"])
        for (a, ga), (b, gb) in zip(s["loglikelihoods"], mine):
            assert abs(a - b) < 1e-4 and ga == gb, (name, s["doc_id"], a, b)
            checked += 1
assert len(native) == 9 and checked > 100, (len(native), checked)
print(f"{len(native)} tasks, {checked} log-likelihoods equal")
PYEOF

# The server answers every request type, and a bad one with an error line, then goes on.
printf '%s\n' '{"op":"generate_until","requests":[{"context":"The","until":["."],"max_gen_toks":4}]}' '{"op":"nope"}' \
  '{"op":"loglikelihood_rolling","texts":["a b c"]}' | "$BIN/pollux-eval" "$WORK/m.plx" --serve >"$WORK/serve.txt"
[ "$(wc -l <"$WORK/serve.txt")" -eq 3 ] || fail "serve replies: $(cat "$WORK/serve.txt")"
sed -n 2p "$WORK/serve.txt" | grep -q '"error":"\[serve\] unknown op' || fail "bad op: $(cat "$WORK/serve.txt")"
sed -n 3p "$WORK/serve.txt" | grep -q '"results":\[-' || fail "rolling: $(cat "$WORK/serve.txt")"
echo "lm_eval parity: all checks passed"
