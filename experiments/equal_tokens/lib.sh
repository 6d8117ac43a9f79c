# Helpers of experiments/equal_tokens/run.sh (sourced; tests/e2e/equal_tokens.sh tests them).

# The checkpoint of the highest step in a run folder, by step number (not by text: a path
# may hold underscores, and pollux_step_7500 comes before pollux_step_10000).
final_checkpoint() {
  local f step best="" best_step=-1
  for f in "$1"/pollux_step_*.h5; do
    [ -f "$f" ] || continue
    step="${f##*/pollux_step_}"
    step="${step%.h5}"
    [[ "$step" =~ ^[0-9]+$ ]] || continue
    if ((step > best_step)); then best_step=$step; best="$f"; fi
  done
  [ -n "$best" ] || { echo "final_checkpoint: no pollux_step_N.h5 in $1" >&2; return 1; }
  echo "$best"
}

# max_steps of a run: the last --max_steps among the overrides, else the INI file's.
config_max_steps() {
  local config="$1" value
  shift
  value="$(sed -n 's/^max_steps *= *\([0-9]*\).*/\1/p' "$config" | tail -1)"
  while (($#)); do
    [ "$1" = --max_steps ] && value="$2"
    shift
  done
  echo "$value"
}

# The route whose sweep a training route takes its knob from: the Leech variants share
# h_floor (a property of the corpus, spec section 1), a scope variant takes its base route's.
# The optimizer ablations (issue 31) are swept on their own: leech-adamw is Leech trained by
# AdamW straight through (the plain QAT recipe), ternary-pollux ternary trained by pollux_step.
# contF-leech and contF-ternary (issue 30) train continuous for F % of the steps, then the
# target route from that model (pollux-train --init_from) for the rest: the second part at the
# target's choice, the first at continuous's (continuous_share).
tuned_as() {
  case "$1" in
    continuous) echo continuous ;;
    ternary | ternary-backbone | cont50-ternary | cont80-ternary) echo ternary ;;
    leech | pollux-v4 | leech-backbone | cont50-leech | cont80-leech) echo leech ;;
    leech-adamw | ternary-pollux) echo "$1" ;;  # the optimizer ablations: each its own knob
    *) echo "run.sh: error: unknown route $1" >&2; return 1 ;;
  esac
}
sweep_routes() {
  local r
  for r in $1; do
    [ -z "$(continuous_share "$r")" ] || echo continuous  # the first part's knob
    tuned_as "$r"
  done | awk '!seen[$0]++' | tr '\n' ' '
}

# The percentage of the steps a route trains continuous before its quantizer takes over from
# that model (contF-leech, contF-ternary: F), or nothing for a route trained one way throughout.
continuous_share() {
  case "$1" in
    cont50-leech | cont50-ternary) echo 50 ;;
    cont80-leech | cont80-ternary) echo 80 ;;
  esac
}
# The steps of a route's continuous part (continuous_steps ROUTE MAX_STEPS: F % of MAX_STEPS,
# rounded down) and of the part from it (MAX_STEPS minus those): together the steps, and so
# the tokens, of every other route. Fails unless each part has a step.
continuous_steps() {
  local first=$(($2 * $(continuous_share "$1") / 100))
  ((first >= 1 && first < $2)) || { echo "run.sh: error: $1 at max_steps $2 leaves a part without a step" >&2; return 1; }
  echo "$first"
}

# The training keys of a route.
route_keys() {
  case "$1" in
    continuous) echo --quantizer none ;;
    leech) echo --quantizer lattice --codebook leech ;;
    pollux-v4) echo --quantizer lattice --codebook pollux-v4 ;;
    ternary) echo --quantizer ternary ;;
    leech-backbone) echo --quantizer lattice --codebook leech --scope backbone ;;
    ternary-backbone) echo --quantizer ternary --scope backbone ;;
    leech-adamw) echo --quantizer lattice --codebook leech --optimizer adamw ;;
    ternary-pollux) echo --quantizer ternary --optimizer pollux ;;
    cont50-leech | cont80-leech) echo --quantizer lattice --codebook leech ;;  # the part after the continuous one
    cont50-ternary | cont80-ternary) echo --quantizer ternary ;;
    *) echo "run.sh: error: unknown route $1" >&2; return 1 ;;
  esac
}

# A sweep's points (sweep_points ROUTE ADAMW_GRID H_FLOORS; the grid is INIT:LR,LR,... per
# init): INIT-lrLR for the AdamW routes (leech-adamw: the lattice's init only, as its
# quantizer requires), hfloorH for the pollux_step routes; point_keys gives a point's keys
# (min_lr a tenth of lr, as nanoGPT's).
sweep_points() {
  local entry lr h
  case "$1" in
    leech | ternary-pollux) for h in $3; do echo "hfloor$h"; done ;;
    *) for entry in $2; do
      [ "$1" = leech-adamw ] && [ "${entry%%:*}" != lattice ] && continue
      for lr in $(echo "${entry#*:}" | tr ',' ' '); do echo "${entry%%:*}-lr$lr"; done
    done ;;
  esac
}
point_keys() {
  case "$1" in
    hfloor*) echo --h_floor "${1#hfloor}" ;;
    *-lr*) echo --init "${1%%-lr*}" --lr "${1##*-lr}" --min_lr "$(awk -v l="${1##*-lr}" 'BEGIN { printf "%.6g", l / 10 }')" ;;
  esac
}
# The keys a route trains the table with: its sweep's best point (sweep/best.tsv: route, point,
# validation loss), nothing before the sweep has run (a dry run shows the config's values).
best_keys() {
  local point
  [ -f "$1" ] || return 0
  point="$(awk -v r="$(tuned_as "$2")" -F'\t' '$1 == r { print $2 }' "$1")"
  [ -n "$point" ] || { echo "run.sh: error: $1 has no choice for $2" >&2; return 1; }
  point_keys "$point"
}

# One field of a JSON object on standard input.
json_field() { "${python:-python3}" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
