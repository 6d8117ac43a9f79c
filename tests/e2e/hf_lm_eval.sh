#!/usr/bin/env bash
# lm_eval --model hf on a pollux-export --format hf folder (issue 32) scores a local task as
# pollux-eval --tasks scores the model: the same accuracies and each choice's log-likelihood.
# Skipped (exit 77) without transformers, lm_eval (POLLUX_LM_EVAL=1 tools/bootstrap.sh) or the
# sample tasks in shared/.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${POLLUX_VENV:-$HOME/.cache/pollux/venv}/bin/python"
"$PY" -c "import transformers, lm_eval, accelerate" 2>/dev/null ||
  skip_test "no transformers, lm_eval or accelerate in $PY (POLLUX_LM_EVAL=1 tools/bootstrap.sh)"
[ -f "$SHARED/data/tasks/sciq.jsonl" ] || skip_test "no sample tasks in $SHARED/data"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

# A tiny GPT-2-token model, trained two steps so its weights are not the initial ones.
head -c 30000 "$CORPUS" >"$WORK/g.txt"
"$BIN/pollux-prepare" "$WORK/g.txt" --output "$WORK/g.u16" --tokenizer gpt2 >/dev/null
"$BIN/pollux-train" --config "$CONFIG" --n_layers 1 --n_embd 48 --seq_len 32 --micro_batch 2 --threads 2 --eval_every 0 \
  --max_steps 2 --tokenizer gpt2 --vocab_size 50280 --tokenizer_vocab_size 50257 --quantizer none --init standard \
  --data "$WORK/g.u16" --out "$WORK/run" >/dev/null
"$BIN/pollux-export" "$WORK/run/pollux_step_2.h5" --format hf --output "$WORK/hf" >/dev/null

mkdir -p "$WORK/tasks" && cp "$SHARED/data/tasks/sciq.jsonl" "$WORK/tasks/"
"$BIN/pollux-eval" "$WORK/run/pollux_step_2.h5" --tasks sciq --task_dir "$WORK/tasks" --limit 8 --json --log_samples \
  >"$WORK/native.json"
"$PY" "$ROOT/tools/lm_eval_pollux.py" --write_local_tasks "$WORK/yaml" --task_dir "$WORK/tasks" >/dev/null
"$(dirname "$PY")/lm_eval" --model hf --model_args "pretrained=$WORK/hf,trust_remote_code=True,dtype=float32" \
  --tasks local_sciq --include_path "$WORK/yaml" --limit 8 --batch_size 4 --device cpu --log_samples \
  --output_path "$WORK/out" >"$WORK/lm_eval.txt" 2>&1 || fail "lm_eval --model hf: $(tail -5 "$WORK/lm_eval.txt")"

"$PY" - "$WORK/native.json" "$WORK/out" <<'PYEOF' || fail "lm_eval --model hf and pollux-eval --tasks differ"
import glob, json, sys
ours = json.load(open(sys.argv[1]))["tasks"]["sciq"]
theirs = json.load(open(glob.glob(f"{sys.argv[2]}/**/results_*.json", recursive=True)[0]))["results"]["local_sciq"]
assert ours["acc"] == theirs["acc,none"] and ours["acc_norm"] == theirs["acc_norm,none"], (ours, theirs)
samples = sorted((json.loads(l) for l in open(glob.glob(f"{sys.argv[2]}/**/samples_local_sciq_*.jsonl", recursive=True)[0])),
                 key=lambda s: s["doc_id"])
assert len(samples) == len(ours["loglikelihoods"]) == 8
for s, mine in zip(samples, ours["loglikelihoods"]):
    for (a, greedy_a), (b, greedy_b) in zip(s["filtered_resps"], mine):
        assert abs(float(a) - b) <= 1e-4 + 1e-6 * abs(b) and (greedy_a == "True") == greedy_b, (s["doc_id"], a, b)
print(f"lm_eval --model hf: sciq acc {theirs['acc,none']}, acc_norm {theirs['acc_norm,none']} and 32 log-likelihoods as pollux-eval's")
PYEOF
echo "hf lm_eval: all checks passed"
