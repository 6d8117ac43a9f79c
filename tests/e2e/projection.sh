#!/usr/bin/env bash
# Issue 19: projection = incremental searches only the atoms that may have left their lattice
# point, and is a proof, not a heuristic: the tiny model (its matrices, a smaller batch) trained
# 80 steps with it and with projection = full (and incrementally through a resume at step 40)
# ends with the same weights and optimizer state, and every metrics.csv row is the same but for
# timing and the searched fraction.
source "$(dirname "$0")/lib.sh"

small_corpus 400000
RUN=(--config "$CONFIG" --micro_batch 8 --seq_len 64 --eval_every 0 --log_every 1 --checkpoint_every 40 --data "$WORK/small.u16")

"$BIN/pollux-train" "${RUN[@]}" --max_steps 80 --projection full --out "$WORK/full" >/dev/null
"$BIN/pollux-train" "${RUN[@]}" --max_steps 80 --projection incremental --out "$WORK/incr" >"$WORK/incr.log"
"$BIN/pollux-train" "${RUN[@]}" --max_steps 40 --out "$WORK/resumed" >/dev/null
"$BIN/pollux-train" "${RUN[@]}" --max_steps 80 --out "$WORK/resumed" --auto_resume >/dev/null

# the columns that are not timing or the searched fraction
kept() { awk -F, -v OFS=, '{ print $1, $2, $3, $4, $5, $6, $7, $8, $11 }' "$1"; }
for run in full incr resumed; do
  "$BIN/pollux-inspect" "$WORK/$run/pollux_step_80.h5" --json >"$WORK/$run.json"
  kept "$WORK/$run/metrics.csv" >"$WORK/$run.metrics"
done
for run in incr resumed; do
  for field in weights_sha256 optimizer_sha256; do
    [ "$(json_field "$WORK/full.json" $field)" = "$(json_field "$WORK/$run.json" $field)" ] \
      || fail "$run: $field differs from projection = full"
  done
  cmp -s "$WORK/full.metrics" "$WORK/$run.metrics" \
    || fail "$run: metrics differ from projection = full: $(diff "$WORK/full.metrics" "$WORK/$run.metrics" | head -5)"
done
[ "$(wc -l <"$WORK/full.metrics")" -eq 81 ] || fail "metrics.csv should hold a header and 80 rows"

# the searched fraction: 1 under full; under incremental all at the first step (and the first
# after a resume: certificates are not stored), far fewer later
searched() { awk -F, -v s="$2" '$1 == s { print $12 }' "$WORK/$1/metrics.csv"; }
[ "$(searched full 60)" = 1 ] || fail "projection = full searched $(searched full 60) at step 60"
[ "$(searched incr 1)" = 1 ] || fail "the first incremental step searched $(searched incr 1)"
[ "$(searched resumed 41)" = 1 ] || fail "the first step after a resume searched $(searched resumed 41)"
awk -F, 'NR > 41 { sum += $12; n++ } END { exit !(sum / n < 0.5) }' "$WORK/incr/metrics.csv" \
  || fail "incremental searched more than half the atoms on average over steps 41-80"
grep -q "searched [0-9.]*%" "$WORK/incr.log" || fail "the console does not show the searched fraction"
echo "projection: incremental = full over 80 steps and a resume"
