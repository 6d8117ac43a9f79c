#!/usr/bin/env bash
# Checkpoint retention with milestones (keep_every) and the per-layer lattice statistics of a
# run, on a tiny real run.
source "$(dirname "$0")/lib.sh"

small_corpus 100000
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 2 --grad_accum 1 --eval_every 0 --log_every 1
       --threads 1 --data "$WORK/small.u16")

# --- keep_last = 1 prunes everything but the newest checkpoint and the milestones
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 12 --checkpoint_every 2 --keep_last 1 --keep_every 4 --out "$WORK/run" >/dev/null
kept="$(cd "$WORK/run" && ls pollux_step_*.h5 | sort -V | tr '\n' ' ')"
[ "$kept" = "pollux_step_4.h5 pollux_step_8.h5 pollux_step_12.h5 " ] || fail "kept checkpoints: $kept"

# --- lattice_stats.csv: one row per logged step, overall, per layer and per matrix
STATS="$WORK/run/lattice_stats.csv"
[ "$(wc -l <"$STATS")" -eq 13 ] || fail "lattice_stats.csv should hold a header and 12 rows: $(cut -c1-80 "$STATS")"
[ "$(cut -d, -f1 "$STATS" | tr '\n' ' ')" = "step 1 2 3 4 5 6 7 8 9 10 11 12 " ] || fail "lattice_stats steps"
header="$(head -1 "$STATS")"
for column in all:churn all:null all:since_milestone all:sigma_mean blocks.0:churn blocks.0:null blocks.0:since_milestone \
              blocks.0.attn.q_proj.weight:churn blocks.0.mlp.fc2.weight:null; do
  [[ ",$header," == *",$column,"* ]] || fail "lattice_stats.csv lacks column $column"
done
# the overall churn is the optimizer's (metrics.csv column 7); since_milestone restarts at step 8
paste -d, <(cut -d, -f7 "$WORK/run/metrics.csv") <(cut -d, -f2,4 "$STATS") | tail -n +2 >"$WORK/churn"
awk -F, '{ d = $1 - $2; if (d > 1e-5 || d < -1e-5) exit 1 }' "$WORK/churn" || fail "churn differs from metrics.csv: $(cat "$WORK/churn")"
awk -F, 'NR == 9 { exit !($3 > 0 && $3 == $2) }' "$WORK/churn" || fail "since_milestone at step 9 should be step 9's churn"
awk -F, 'NR == 10 { exit !($3 >= $2) }' "$WORK/churn" || fail "since_milestone accumulates"
# pollux-inspect: the table of one checkpoint, and the atoms changed between two (milestone 4
# to step 8 is step 8's since_milestone)
"$BIN/pollux-inspect" "$WORK/run/pollux_step_8.h5" | grep -Eq "^blocks\.0 +[0-9]+ +[0-9.]+ +[0-9.]+" || fail "inspect lattice table"
"$BIN/pollux-inspect" "$WORK/run/pollux_step_4.h5" "$WORK/run/pollux_step_8.h5" --json >"$WORK/compare.json"
"$BIN/pollux-inspect" "$WORK/run/pollux_step_4.h5" "$WORK/run/pollux_step_8.h5" | grep -q "^blocks.0.mlp.fc1.weight " || fail "compare table"
since="$(awk -F, 'NR == 9 { print $4 }' "$STATS")"
awk -v c="$(json_field "$WORK/compare.json" changed)" -v a="$(json_field "$WORK/compare.json" atoms)" -v s="$since" \
  'BEGIN { d = c / a - s; exit !(c > 0 && d < 1e-5 && d > -1e-5) }' || fail "compare: $(cat "$WORK/compare.json") vs since_milestone $since"
# pollux-inspect RUN_DIR: with 64 tokens per step, a 256-token window after the step-4
# checkpoint covers steps 5-8; a tolerance of their largest churn makes step 4 the plateau
tol="$(awk -F, 'NR >= 6 && NR <= 9 && $2 > m { m = $2 } END { print m }' "$STATS")"
"$BIN/pollux-inspect" "$WORK/run" --window_tokens 256 --churn_tolerance "$tol" >"$WORK/plateau.txt"
grep -q "plateau from step 4: pack .*pollux_step_4.h5" "$WORK/plateau.txt" || fail "plateau: $(cat "$WORK/plateau.txt")"
"$BIN/pollux-inspect" "$WORK/run" --window_tokens 256 --churn_tolerance 0 | grep -q "no plateau yet" || fail "plateau at 0 churn"
"$BIN/pollux-inspect" "$WORK/run" | grep -q "^12 .*(run too short)" || fail "the default 1.3 B-token window"
# task scores (eval_tasks.csv): blimp's accuracy still moves 0.10 in the window after step 4 and
# 0.005 after step 8, so the plateau waits for step 8; perplexities are not compared
printf 'step,tokens,task,metric,value\n4,256,blimp,acc,0.5\n4,256,wikitext,word_perplexity,900\n8,512,blimp,acc,0.6\n8,512,wikitext,word_perplexity,500\n12,768,blimp,acc,0.605\n' \
  >"$WORK/run/eval_tasks.csv"
"$BIN/pollux-inspect" "$WORK/run" --window_tokens 256 --churn_tolerance 1 >"$WORK/plateau.txt"
grep -q "plateau from step 8: pack" "$WORK/plateau.txt" || fail "task scores should move the plateau to step 8: $(cat "$WORK/plateau.txt")"
grep -Eq "^4 .* 0\.1 *$" "$WORK/plateau.txt" || fail "step 4's window score change should be 0.1: $(cat "$WORK/plateau.txt")"
"$BIN/pollux-inspect" "$WORK/run" --window_tokens 256 --churn_tolerance 1 --score_tolerance 0.2 | grep -q "plateau from step 4: pack" \
  || fail "a score tolerance of 0.2 should accept step 4"
rm "$WORK/run/eval_tasks.csv"
# tools/plot_metrics.py draws the per-layer panels from lattice_stats.csv (where matplotlib is)
for py in "$HOME/.cache/pollux/venv/bin/python" python3; do
  if "$py" -c "import matplotlib" 2>/dev/null; then
    "$py" "$(dirname "$0")/../../tools/plot_metrics.py" "$WORK/run/metrics.csv" --output "$WORK/curves.png" >/dev/null
    [ -s "$WORK/curves.png" ] || fail "plot_metrics.py wrote no PNG"
    break
  fi
done
# a resume from step 8 drops the later rows and continues them
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 10 --checkpoint_every 2 --keep_last 1 --keep_every 4 --out "$WORK/run" \
  --resume "$WORK/run/pollux_step_8.h5" >/dev/null
[ "$(cut -d, -f1 "$STATS" | tr '\n' ' ')" = "step 1 2 3 4 5 6 7 8 9 10 " ] || fail "lattice_stats not stitched on resume"
# a resume with another batch shape is allowed, logged, and marked in metrics.csv
"$BIN/pollux-train" --max_steps 9 --micro_batch 4 --grad_accum 2 --out "$WORK/run" --resume "$WORK/run/pollux_step_8.h5" >"$WORK/reshape.log" 2>&1
grep -q "micro_batch 2 x grad_accum 1 to 4 x 2: the run is no longer bit-exact" "$WORK/reshape.log" || fail "reshape log: $(cat "$WORK/reshape.log")"
[ "$(awk -F, 'NR > 1 { printf "%s:%s ", $1, $11 }' "$WORK/run/metrics.csv")" = "1:0 2:0 3:0 4:0 5:0 6:0 7:0 8:0 9:1 " ] ||
  fail "batch_changed column: $(cut -d, -f1,11 "$WORK/run/metrics.csv" | tr '\n' ' ')"
[ "$(awk -F, 'NR == 10 { print $2 }' "$WORK/run/metrics.csv")" = $((8 * 64 + 256)) ] || fail "tokens after the reshape"
# the continuous baseline has no lattice
"$BIN/pollux-train" "${SMALL[@]}" --quantizer none --max_steps 2 --out "$WORK/none" >/dev/null
[ ! -f "$WORK/none/lattice_stats.csv" ] || fail "quantizer = none wrote lattice statistics"
expect_error "has no lattice matrices" "$BIN/pollux-inspect" "$WORK/run/pollux_step_4.h5" "$WORK/none/pollux_step_2.h5"

mkdir "$WORK/empty"
expect_error "empty/metrics.csv" "$BIN/pollux-inspect" "$WORK/empty"
expect_error "keep_every" "$BIN/pollux-train" "${SMALL[@]}" --keep_every -1 --out "$WORK/bad"
echo "milestones: all checks passed"
