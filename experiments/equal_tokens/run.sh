#!/usr/bin/env bash
# The equal-token experiment (issue 23): continuous (AdamW), Leech (pollux_step, true Lambda24),
# pollux-v4 (the reference's codebook) and ternary (BitNet b1.58) models of one architecture,
# trained on the same tokens in the same order, every post-training method applied to the
# continuous models, and every model scored on the same held-out text and BLiMP sets.
#
# usage: experiments/equal_tokens/run.sh small|smoke|paper [OUT_DIR]
#   small  the table of results.md, on a 2-core CPU machine (about an hour)
#   smoke  two methods, one seed, three steps: the harness end to end (ctest e2e.equal_tokens)
#   paper  the Pollux-1152 shape on FineWeb for a GPU cluster: writes the commands, runs none
#          (FINEWEB=folder of FineWeb parquet shards, HELDOUT_TEXT=a held-out text file)
# Every command run is appended to OUT_DIR/commands.sh; a finished step (a trained model, a
# quantized checkpoint, an evaluation) is not run again, so an interrupted run continues.
# Environment: POLLUX_BIN (the build's bin/), POLLUX_SHARED (../shared), POLLUX_PYTHON.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${1:-}"
out="${2:-$root/runs/equal_tokens_$profile}"
bin="${POLLUX_BIN:-$root/build/bin}"
shared="$(realpath -m "${POLLUX_SHARED:-$root/../shared}")"
python="${POLLUX_PYTHON:-$HOME/.cache/pollux/venv/bin/python}"
[ -x "$python" ] || python=python3

# Per profile: training methods, seeds, post-training methods (method:bits; leech has its
# own 0.76), held-out WikiText-2 articles, BLiMP pairs per set, calibration tokens, the
# post-training group (block) size, the tokenizer, and the overrides of the profile's config.
dry_run=0
case "$profile" in
  small)
    config="$here/small.ini"; methods="continuous leech pollux-v4 ternary"; seeds="1 2 3"
    ptq="rtn:2 rtn:3 rtn:4 gptq:2 gptq:3 gptq:4 polarquant:2 polarquant:3 polarquant:4 leech:0"
    heldout_articles=6; blimp_limit=20; calib_tokens=16384; group_size=32; tokenizer=bytes; overrides=() ;;
  smoke)
    config="$here/small.ini"; methods="continuous leech"; seeds="1"; ptq="rtn:4 leech:0"
    heldout_articles=1; blimp_limit=2; calib_tokens=256; group_size=16; tokenizer=bytes
    overrides=(--max_steps 3 --n_layers 1 --n_embd 48 --micro_batch 2 --seq_len 32 --warmup_steps 1) ;;
  paper)
    config="$root/configs/pollux-1152.ini"; methods="continuous leech pollux-v4 ternary"; seeds="1 2 3"
    ptq="rtn:2 rtn:3 rtn:4 gptq:2 gptq:3 gptq:4 polarquant:2 polarquant:3 polarquant:4 leech:0"
    heldout_articles=0; blimp_limit=0; calib_tokens=262144; group_size=32; tokenizer=gpt2; overrides=(--device cuda); dry_run=1 ;;
  *) echo "usage: $0 small|smoke|paper [OUT_DIR]" >&2; exit 2 ;;
esac
for tool in pollux-prepare pollux-train pollux-pack pollux-ptq pollux-eval pollux-inspect; do
  [ "$dry_run" = 1 ] || [ -x "$bin/$tool" ] || { echo "run.sh: error: no $bin/$tool (build first, or set POLLUX_BIN)" >&2; exit 1; }
done
mkdir -p "$out"/{data,train,ptq,eval}
commands="$out/commands.sh"
[ -f "$commands" ] || printf '#!/usr/bin/env bash\n# %s profile of experiments/equal_tokens, started %s\nset -euo pipefail\n' \
  "$profile" "$(date -u +%FT%TZ)" >"$commands"

# Logs a command to commands.sh and runs it (paper: only logs it).
run() {
  printf '%q ' "$@" >>"$commands"
  printf '\n' >>"$commands"
  [ "$dry_run" = 1 ] || "$@"
}
# The same for a command whose standard output goes to the file $1.
run_to() {
  local file="$1"
  shift
  printf '%q ' "$@" >>"$commands"
  printf '> %q\n' "$file" >>"$commands"
  [ "$dry_run" = 1 ] || "$@" >"$file"
}

# --- data: the profile's tokens ------------------------------------------------------------
data="$out/data"
if [ "$profile" = paper ]; then
  train_u16="$data/fineweb.u16"; heldout_u16="$data/heldout.u16"; task_dir="$data/tasks"
  run "$bin/pollux-prepare" "${FINEWEB:-/data/fineweb-edu}" --output "$train_u16" --tokenizer "$tokenizer"
  run "$bin/pollux-prepare" "${HELDOUT_TEXT:-/data/heldout.txt}" --output "$heldout_u16" --tokenizer "$tokenizer"
else
  train_u16="$data/train.u16"; heldout_u16="$data/heldout.u16"; task_dir="$data/tasks"
  if [ ! -f "$heldout_u16" ]; then
    run "$python" "$here/split_wikitext.py" "$shared/data/corpus/wikitext2-valid.txt" --heldout "$heldout_articles" \
      --train "$data/wikitext_train.jsonl" --heldout_text "$data/heldout.txt" --task_dir "$task_dir"
    run "$bin/pollux-prepare" "$shared/data/fineweb-sample" "$shared/data/corpus/tinyshakespeare.txt" \
      "$data/wikitext_train.jsonl" --output "$train_u16" --tokenizer "$tokenizer"
    run "$bin/pollux-prepare" "$data/heldout.txt" --output "$heldout_u16" --tokenizer "$tokenizer"
  fi
fi

# --- training: every method, every seed, the same tokens ----------------------------------
method_keys() {
  case "$1" in
    continuous) echo --quantizer none ;;
    leech) echo --quantizer lattice --codebook leech ;;
    pollux-v4) echo --quantizer lattice --codebook pollux-v4 ;;
    ternary) echo --quantizer ternary ;;
  esac
}
final_checkpoint() { ls "$1"/pollux_step_*.h5 2>/dev/null | sort -t_ -k3 -n | tail -1; }
for seed in $seeds; do
  for method in $methods; do
    dir="$out/train/$method-s$seed"
    [ -f "$dir/done" ] && continue
    # shellcheck disable=SC2046
    run "$bin/pollux-train" --config "$config" "${overrides[@]}" $(method_keys "$method") --seed "$seed" \
      --data "$train_u16" --out "$dir" --overwrite
    [ "$dry_run" = 1 ] || touch "$dir/done"
  done
done

# --- the models to score: trained ones packed, continuous ones quantized after training ----
# models.tsv: name, method, seed, model file, stored bytes
models="$out/models.tsv"
: >"$models"
for seed in $seeds; do
  for method in $methods; do
    dir="$out/train/$method-s$seed"
    ck="$([ "$dry_run" = 1 ] && echo "$dir/pollux_step_N.h5" || final_checkpoint "$dir")"
    case "$method" in
      continuous)
        # float weights stored as bfloat16: 2 bytes a parameter
        params="$([ "$dry_run" = 1 ] && echo 0 || "$bin/pollux-inspect" "$ck" --json | "$python" -c 'import json,sys; print(json.load(sys.stdin)["parameters"])')"
        printf '%s\t%s\t%s\t%s\t%s\n' "continuous-s$seed" continuous "$seed" "$ck" "$((params * 2))" >>"$models"
        for entry in $ptq; do
          m="${entry%%:*}"; bits="${entry##*:}"
          name="ptq-$m$([ "$m" = leech ] || echo "-$bits")-s$seed"; q="$out/ptq/$name.h5"
          if [ ! -f "$q" ]; then
            args=(--method "$m" --output "$q")
            [ "$m" = leech ] || args+=(--bits "$bits" --group_size "$group_size")
            [ "$m" = gptq ] && args+=(--calib "$train_u16" --calib_tokens "$calib_tokens")
            run "$bin/pollux-ptq" "$ck" "${args[@]}"
          fi
          bytes=0  # paper: the commands only
          [ "$dry_run" = 1 ] || bytes="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["model_bytes"])' "${q%.h5}.json")"
          printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${name%-s"$seed"}" "$seed" "$q" "$bytes" >>"$models"
        done ;;
      *)
        plx="$out/train/$method-s$seed.plx"
        [ -f "$plx" ] || run "$bin/pollux-pack" "$ck" --output "$plx"
        printf '%s\t%s\t%s\t%s\t%s\n' "$method-s$seed" "$method" "$seed" "$plx" "$([ "$dry_run" = 1 ] && echo 0 || stat -c %s "$plx")" >>"$models"
        ;;
    esac
  done
done

# --- evaluation: held-out loss, WikiText word perplexity and bits per byte, BLiMP ----------
while IFS=$'\t' read -r name method seed file bytes; do
  result="$out/eval/$name.json"
  [ -f "$result" ] && continue
  run_to "$out/eval/$name.loss.json" "$bin/pollux-eval" "$file" --data "$heldout_u16" --runtime dense --json
  run_to "$out/eval/$name.wikitext.json" "$bin/pollux-eval" "$file" --tasks wikitext --task_dir "$task_dir" --json
  run_to "$out/eval/$name.blimp.json" "$bin/pollux-eval" "$file" --blimp "$shared/data/blimp" --limit "$blimp_limit" --json
  run_to "$out/eval/$name.inspect.json" "$bin/pollux-inspect" "$file" --json
  [ "$dry_run" = 1 ] && continue
  "$python" - "$name" "$method" "$seed" "$bytes" "$out/eval/$name" >"$result.tmp" <<'EOF'
import json, sys
name, method, seed, model_bytes, stem = sys.argv[1:]
parameters = json.load(open(stem + ".inspect.json"))["parameters"]
loss = json.load(open(stem + ".loss.json"))
wiki = json.load(open(stem + ".wikitext.json"))["tasks"]["wikitext"]
blimp = json.load(open(stem + ".blimp.json"))
print(json.dumps({"name": name, "method": method, "seed": int(seed), "parameters": parameters,
                  "bits_per_parameter": 8 * int(model_bytes) / parameters, "model_bytes": int(model_bytes), "heldout_loss": loss["loss"], "heldout_tokens": loss["tokens"],
                  "word_perplexity": wiki["word_perplexity"], "bits_per_byte": wiki["bits_per_byte"],
                  "blimp_accuracy": blimp["accuracy"], "blimp_pairs": blimp["pairs"]}))
EOF
  mv "$result.tmp" "$result"
done <"$models"

[ "$dry_run" = 1 ] && { echo "paper profile: the commands are in $commands"; exit 0; }
"$python" "$here/summarize.py" "$out/eval" --profile "$profile" --output "$out/results.md" --plot "$out/pareto.png"
echo "equal_tokens: $out/results.md, $out/pareto.png, $commands"
