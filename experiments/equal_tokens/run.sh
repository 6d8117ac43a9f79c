#!/usr/bin/env bash
# The equal-token experiment (issues 23 and 28): every route to a small model, each at its best,
# on the same tokens in the same order, scored on the same held-out text.
#
# usage: experiments/equal_tokens/run.sh small|smoke|paper [OUT_DIR] [--dry_run] [--sweep_only]
#   small  the table of results.md, on a 2-core CPU machine
#   smoke  three routes, one seed, three steps: the harness end to end (ctest e2e.equal_tokens)
#   paper  the Pollux-1152 shape on FineWeb (FINEWEB=folder of FineWeb parquet shards) with GPT-2
#          tokens, for a GPU cluster
#   --dry_run  print every command (and write commands.sh) without running any
#   --sweep_only  stop after the sweep (sweep/best.tsv, sweep/sweep.md); a later run goes on from there
#
# Stages, each in OUT_DIR:
#   data/    the training tokens, a validation file (sweeps choose on it) and the held-out text
#            (the table scores on it); no text is in two of them
#   sweep/   each training route's main knob at one seed (AdamW routes: init x learning rate;
#            Leech: h_floor), scored on the validation file; sweep/best.tsv holds each route's
#            choice, and the table trains every seed at it
#   train/   every route x seed (contF-leech and contF-ternary: continuous for F % of the steps
#            in train/contF-sS, then the target from it with --init_from); ptq/ the post-training
#            methods on each continuous model
#   eval/    held-out loss, lm-eval's wikitext bits per byte and word perplexity, BLiMP
#   results.md, pareto.png, commands.sh (every command exactly as it ran)
# A finished step (a trained model, a quantized checkpoint, an evaluation) is not run again, so
# an interrupted run continues. Training runs go JOBS at a time (default 2 on the CPU profiles,
# each with --threads 1, so the numbers do not depend on the machine's core count).
# Environment: POLLUX_BIN (the build's bin/), POLLUX_SHARED (../shared), POLLUX_PYTHON, JOBS,
# ROUTES (override the profile's training routes), SEEDS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/lib.sh"
profile="${1:-}"
shift || true
out="$root/runs/equal_tokens_$profile"
dry_run=0
sweep_only=0
for arg in "$@"; do
  case "$arg" in
    --dry_run) dry_run=1 ;;
    --sweep_only) sweep_only=1 ;;
    -*) echo "run.sh: error: unknown option $arg" >&2; exit 2 ;;
    *) out="$arg" ;;
  esac
done
bin="${POLLUX_BIN:-$root/build/bin}"
shared="$(realpath -m "${POLLUX_SHARED:-$root/../shared}")"
python="${POLLUX_PYTHON:-$HOME/.cache/pollux/venv/bin/python}"
[ -x "$python" ] || python=python3

# Per profile: the configuration and its overrides, training routes, seeds, the sweep's grid
# (AdamW routes: INIT:LR,LR,... per init, each init's rates where its scale puts them; Leech:
# h_floor values) and seed, post-training methods (method:bits[:scope[:incoherence]]; leech, leech-ldlq and
# smoothquant have their own bits, apq's are its --budget_bits: 2.5625 and 3.59375 are gptq-2's and gptq-3's
# bytes at groups of 32), held-out and
# validation WikiText-2 articles, BLiMP pairs per set, calibration tokens, the post-training
# group (block) size and the tokenizer.
case "$profile" in
  small)
    config="$here/small.ini"; overrides=(--threads 1); jobs="${JOBS:-2}"
    routes="continuous leech ternary leech-backbone ternary-backbone leech-adamw ternary-pollux cont50-leech cont80-leech
      cont50-ternary cont80-ternary"; seeds="1 2 3"
    sweep_seed=101; adamw_grid="lattice:3e-3,1e-2,3e-2,1e-1 standard:1e-3,3e-3,1e-2,3e-2"; h_floors="1.5 1.8 2.1 2.4 3"
    ptq="rtn:2 rtn:3 rtn:4 gptq:2 gptq:3 gptq:4 polarquant:2 polarquant:3 polarquant:4 leech:0 gptq:2:backbone gptq:3:backbone leech:0:backbone
      leech-ldlq:0 leech-ldlq:0::incoherence apq:2.5625 apq:3.59375 awq:2 awq:3 awq:4 smoothquant:8"
    heldout_articles=6; validation_articles=6; blimp_limit=20; calib_tokens=16384; group_size=32; tokenizer=bytes ;;
  smoke)
    config="$here/small.ini"; jobs="${JOBS:-2}"
    overrides=(--threads 1 --max_steps 3 --n_layers 1 --n_embd 48 --micro_batch 2 --seq_len 32 --warmup_steps 1)
    routes="continuous leech cont50-leech"; seeds="1"; sweep_seed=101; adamw_grid="standard:3e-3,1e-2"; h_floors="1.8"
    ptq="rtn:4 leech:0"
    heldout_articles=1; validation_articles=1; blimp_limit=2; calib_tokens=256; group_size=16; tokenizer=bytes ;;
  paper)
    config="$root/configs/pollux-1152.ini"; overrides=(--device cuda); jobs="${JOBS:-1}"
    routes="continuous leech pollux-v4 ternary leech-backbone ternary-backbone leech-adamw ternary-pollux cont50-leech
      cont80-leech cont50-ternary cont80-ternary"; seeds="1 2 3"
    sweep_seed=101; adamw_grid="lattice:1e-3,3e-3,1e-2,3e-2 standard:1.5e-4,3e-4,6e-4,1.2e-3,2.4e-3"; h_floors="2.8 3.2 3.6"
    ptq="rtn:2 rtn:3 rtn:4 gptq:2 gptq:3 gptq:4 polarquant:2 polarquant:3 polarquant:4 leech:0 gptq:2:backbone gptq:3:backbone leech:0:backbone
      leech-ldlq:0 leech-ldlq:0::incoherence apq:2.5625 apq:3.59375 awq:2 awq:3 awq:4 smoothquant:8"
    heldout_articles=0; validation_articles=0; blimp_limit=0; calib_tokens=262144; group_size=32; tokenizer=gpt2 ;;
  *) echo "usage: $0 small|smoke|paper [OUT_DIR] [--dry_run] [--sweep_only]" >&2; exit 2 ;;
esac
routes="${ROUTES:-$routes}"
seeds="${SEEDS:-$seeds}"
if [ "$dry_run" = 0 ]; then
  for tool in pollux-prepare pollux-train pollux-pack pollux-ptq pollux-eval pollux-inspect; do
    [ -x "$bin/$tool" ] || { echo "run.sh: error: no $bin/$tool (build first, or set POLLUX_BIN)" >&2; exit 1; }
  done
fi
mkdir -p "$out"/{data,sweep,train,ptq,eval}
commands="$out/commands.sh"
[ -f "$commands" ] || printf '#!/usr/bin/env bash\n# %s profile of experiments/equal_tokens, started %s\nset -euo pipefail\n' \
  "$profile" "$(date -u +%FT%TZ)" >"$commands"

# Logs a command to commands.sh (and, in a dry run, to the console) and runs it.
run() {
  local line
  line="$(printf '%q ' "$@")"
  printf '%s\n' "$line" >>"$commands"
  if [ "$dry_run" = 1 ]; then printf '%s\n' "$line"; else "$@"; fi
}
# The same for a command whose standard output goes to the file $1.
run_to() {
  local file="$1" line
  shift
  line="$(printf '%q ' "$@")> $(printf '%q' "$file")"
  printf '%s\n' "$line" >>"$commands"
  # into a temporary file first: a killed command leaves no empty result a later run would skip
  if [ "$dry_run" = 1 ]; then printf '%s\n' "$line"; else "$@" >"$file.partial" && mv "$file.partial" "$file"; fi
}

# --- data: the profile's tokens ------------------------------------------------------------
data="$out/data"
train_u16="$data/train.u16"; validation_u16="$data/validation.u16"; heldout_u16="$data/heldout.u16"; task_dir="$data/tasks"
if [ ! -f "$heldout_u16" ]; then
  if [ "$profile" = paper ]; then
    # FineWeb trains (its last 0.1 % validates the sweeps); all of WikiText-2 validation is held out.
    run "$python" "$here/split_wikitext.py" "$shared/data/corpus/wikitext2-valid.txt" --heldout 0 \
      --heldout_text "$data/heldout.txt" --task_dir "$task_dir"
    run "$bin/pollux-prepare" "${FINEWEB:-/data/fineweb-edu}" --output "$train_u16" --tokenizer "$tokenizer" --val_fraction 0.001
    validation_u16="$data/train.val.u16"
  else
    run "$python" "$here/split_wikitext.py" "$shared/data/corpus/wikitext2-valid.txt" --heldout "$heldout_articles" \
      --validation "$validation_articles" --train "$data/wikitext_train.jsonl" --validation_text "$data/validation.txt" \
      --heldout_text "$data/heldout.txt" --task_dir "$task_dir"
    run "$bin/pollux-prepare" "$shared/data/fineweb-sample" "$shared/data/corpus/tinyshakespeare.txt" \
      "$data/wikitext_train.jsonl" --output "$train_u16" --tokenizer "$tokenizer"
    run "$bin/pollux-prepare" "$data/validation.txt" --output "$validation_u16" --tokenizer "$tokenizer"
  fi
  run "$bin/pollux-prepare" "$data/heldout.txt" --output "$heldout_u16" --tokenizer "$tokenizer"
fi
[ "$profile" = paper ] && validation_u16="$data/train.val.u16"
final_step="$(config_max_steps "$config" "${overrides[@]}")"

# Trains one model into $1 (skipped when $1/done exists), JOBS at a time; drain waits for them
# all and stops at the first that failed.
spawned=()
declare -A queued=()  # a folder two routes share (train/contF-sS) trains once
train() {
  local dir="$1"
  shift
  [ -f "$dir/done" ] && return 0
  [ -n "${queued[$dir]:-}" ] && return 0
  queued[$dir]=1
  if [ "$dry_run" = 1 ]; then
    run "$bin/pollux-train" --config "$config" "${overrides[@]}" "$@" --data "$train_u16" --out "$dir" --overwrite
    return 0
  fi
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  mkdir -p "$dir"
  (run "$bin/pollux-train" --config "$config" "${overrides[@]}" "$@" --data "$train_u16" --out "$dir" --overwrite \
    >"$dir/train.log" 2>&1 && touch "$dir/done") &
  spawned+=("$dir")
}
drain() {
  wait
  local dir
  for dir in "${spawned[@]}"; do
    [ -f "$dir/done" ] || { echo "run.sh: error: training $dir failed: $(tail -3 "$dir/train.log")" >&2; exit 1; }
  done
  spawned=()
}

# --- sweep: each route's main knob at one seed, chosen on the validation file ---------------
for route in $(sweep_routes "$routes"); do
  for point in $(sweep_points "$route" "$adamw_grid" "$h_floors"); do
    # shellcheck disable=SC2046
    train "$out/sweep/$route-$point" $(route_keys "$route") $(point_keys "$point") --seed "$sweep_seed"
  done
done
drain
for route in $(sweep_routes "$routes"); do
  for point in $(sweep_points "$route" "$adamw_grid" "$h_floors"); do
    dir="$out/sweep/$route-$point"
    [ -f "$dir.val.json" ] && continue
    ck="$([ "$dry_run" = 1 ] && echo "$dir/pollux_step_$final_step.h5" || final_checkpoint "$dir")"
    run_to "$dir.val.json" "$bin/pollux-eval" "$ck" --data "$validation_u16" --json
  done
done
[ "$dry_run" = 1 ] || "$python" "$here/summarize.py" sweep "$out/sweep" --output "$out/sweep/best.tsv"
[ "$sweep_only" = 1 ] && { echo "equal_tokens: the sweep's choices are in $out/sweep/best.tsv ($out/sweep/sweep.md)"; exit 0; }

# --- training: every route, every seed, the same tokens, each at its sweep's best ----------
# contF-leech and contF-ternary in two parts, the same steps in all: continuous at its choice for
# F % of them with its own schedule (train/contF-sS, shared by the routes of one F), then the
# target route at its choice from that model's final checkpoint (--init_from: fresh optimizer and
# schedule) for the rest, its data continuing where the first part's stopped: the windows every
# other route sees at seed S, in the same order.
[ "$dry_run" = 1 ] && echo "# the table's runs: each route at its sweep's best (sweep/best.tsv); shown with the config's values"
for seed in $seeds; do
  for route in $routes; do
    share="$(continuous_share "$route")"
    if [ -n "$share" ]; then
      first="$(continuous_steps "$route" "$final_step")"
      # shellcheck disable=SC2046
      train "$out/train/cont$share-s$seed" $(route_keys continuous) $(best_keys "$out/sweep/best.tsv" continuous) \
        --seed "$seed" --max_steps "$first"
    else
      # shellcheck disable=SC2046
      train "$out/train/$route-s$seed" $(route_keys "$route") $(best_keys "$out/sweep/best.tsv" "$route") --seed "$seed"
    fi
  done
done
drain
for seed in $seeds; do
  for route in $routes; do
    share="$(continuous_share "$route")"
    [ -n "$share" ] || continue
    first="$(continuous_steps "$route" "$final_step")"
    from="$([ "$dry_run" = 1 ] && echo "$out/train/cont$share-s$seed/pollux_step_$first.h5" ||
      final_checkpoint "$out/train/cont$share-s$seed")"
    # shellcheck disable=SC2046
    train "$out/train/$route-s$seed" $(route_keys "$route") $(best_keys "$out/sweep/best.tsv" "$route") \
      --seed "$seed" --max_steps "$((final_step - first))" --init_from "$from"
  done
done
drain

# --- the models to score: trained ones packed, continuous ones quantized after training ----
# models.tsv: name, method, seed, model file, deployed bytes (pollux-inspect's byte rule)
models="$out/models.tsv"
: >"$models"
deployed_bytes() { [ "$dry_run" = 1 ] && echo 0 || "$bin/pollux-inspect" "$1" --json | json_field deployed_bytes; }
for seed in $seeds; do
  for route in $routes; do
    dir="$out/train/$route-s$seed"
    steps="$final_step"  # the step of a dry run's final checkpoint: the second part's own for contF routes
    [ -z "$(continuous_share "$route")" ] || steps="$((final_step - $(continuous_steps "$route" "$final_step")))"
    ck="$([ "$dry_run" = 1 ] && echo "$dir/pollux_step_$steps.h5" || final_checkpoint "$dir")"
    if [ "$route" = continuous ]; then
      printf '%s\t%s\t%s\t%s\t%s\n' "continuous-s$seed" continuous "$seed" "$ck" "$(deployed_bytes "$ck")" >>"$models"
      for entry in $ptq; do
        IFS=: read -r m bits scope flag <<<"$entry"
        name="ptq-$m"
        case "$m" in leech | leech-ldlq | smoothquant) ;; *) name+="-$bits" ;; esac
        [ -z "$scope" ] || name+="-$scope"
        [ -z "$flag" ] || name+="-$flag"
        q="$out/ptq/$name-s$seed.h5"
        if [ ! -f "$q" ]; then
          args=(--method "$m" --output "$q" --scope "${scope:-all}")
          case "$m" in
            leech | leech-ldlq | smoothquant) ;;
            apq) args+=(--budget_bits "$bits" --group_size "$group_size") ;;
            *) args+=(--bits "$bits" --group_size "$group_size") ;;
          esac
          case "$m" in
            gptq) args+=(--calib "$train_u16" --calib_tokens "$calib_tokens" --act_order) ;;
            leech-ldlq | apq | awq | smoothquant) args+=(--calib "$train_u16" --calib_tokens "$calib_tokens") ;;
          esac
          [ "$flag" = incoherence ] && args+=(--incoherence --seed "$seed")
          [ "$m" = polarquant ] && args+=(--seed "$seed")
          run "$bin/pollux-ptq" "$ck" "${args[@]}"
        fi
        bytes=0
        [ "$dry_run" = 1 ] || bytes="$(json_field deployed_bytes <"${q%.h5}.json")"
        printf '%s\t%s\t%s\t%s\t%s\n' "$name-s$seed" "$name" "$seed" "$q" "$bytes" >>"$models"
      done
    else
      plx="$out/train/$route-s$seed.plx"
      [ -f "$plx" ] || run "$bin/pollux-pack" "$ck" --output "$plx"
      printf '%s\t%s\t%s\t%s\t%s\n' "$route-s$seed" "$route" "$seed" "$plx" "$(deployed_bytes "$plx")" >>"$models"
    fi
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
  "$python" "$here/summarize.py" model "$name" "$method" "$seed" "$bytes" "$out/eval/$name" >"$result.tmp"
  mv "$result.tmp" "$result"
done <"$models"

[ "$dry_run" = 1 ] && { echo "# dry run: the commands are in $commands"; exit 0; }
"$python" "$here/summarize.py" table "$out/eval" --sweep "$out/sweep/best.tsv" --profile "$profile" \
  --output "$out/results.md" --plot "$out/pareto.png"
echo "equal_tokens: $out/results.md, $out/pareto.png, $commands"
