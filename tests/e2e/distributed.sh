#!/usr/bin/env bash
# Data-parallel pollux-train: 2 ranks (torchrun, and plain environment variables) give the
# weights of one process bit for bit with sharded optimizer state; checkpoints resume with
# another world size; a killed rank ends the other; a signal on one rank stops both.
source "$(dirname "$0")/lib.sh"
TORCHRUN="${TORCHRUN:-torchrun}"
command -v "$TORCHRUN" >/dev/null || fail "no torchrun at '$TORCHRUN' (set TORCHRUN)"

small_corpus 300000 --val_fraction 0.1
SMALL=(--config "$CONFIG" --n_layers 1 --seq_len 32 --micro_batch 4 --grad_accum 2 --eval_every 4 --eval_batches 2
       --threads 1 --data "$WORK/small.u16" --val_data "$WORK/small.val.u16")
PORT=$((20000 + RANDOM % 20000))
same() {  # same CKPT_A CKPT_B WHAT: equal weights and optimizer state
  "$BIN/pollux-inspect" "$1" --json >"$WORK/a.json"
  "$BIN/pollux-inspect" "$2" --json >"$WORK/b.json"
  for field in weights_sha256 optimizer_sha256 step sampler_counter; do
    [ "$(json_field "$WORK/a.json" $field)" = "$(json_field "$WORK/b.json" $field)" ] || fail "$3: $field differs"
  done
}

# --- 8 steps on 1 process and on 2 torchrun ranks (one micro-batch each): the same bits
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --checkpoint_every 4 --out "$WORK/one" >/dev/null
"$TORCHRUN" --no-python --standalone --nproc_per_node 2 "$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 \
  --checkpoint_every 4 --out "$WORK/two" >"$WORK/two.log" 2>&1 || fail "torchrun: $(tail -5 "$WORK/two.log")"
same "$WORK/one/pollux_step_8.h5" "$WORK/two/pollux_step_8.h5" "2 ranks against 1"
# the losses, heat and churn too (adam_force, column 6, sums its norms in another order)
cmp -s <(cut -d, -f1-5,7 "$WORK/one/metrics.csv") <(cut -d, -f1-5,7 "$WORK/two/metrics.csv") || fail "2 ranks changed the metrics"
[ "$(grep -c "model: " "$WORK/two.log")" -eq 1 ] || fail "only rank 0 logs: $(grep "model: " "$WORK/two.log")"
grep -q "data-parallel step on 2 ranks: .* MB of gradients .* MB of indices, sigma and gains .* keeps .* MB" "$WORK/two.log" \
  || fail "no traffic report"
"$BIN/pollux-inspect" "$WORK/two/pollux_step_8.h5" --json >"$WORK/two.json"
[ "$(json_field "$WORK/two.json" world_size)" = 2 ] || fail "inspect should show world_size 2"
"$BIN/pollux-inspect" "$WORK/one/pollux_step_8.h5" | grep -q "written by 1 rank$" || fail "inspect should show 1 rank"

# --- a profiled step (issue 20): each rank writes its trace, the collectives among its ranges
"$TORCHRUN" --no-python --standalone --nproc_per_node 2 "$BIN/pollux-train" "${SMALL[@]}" --max_steps 2 --eval_every 0 \
  --profile_steps 2:2 --out "$WORK/prof" >"$WORK/prof.log" 2>&1 || fail "profiled torchrun: $(tail -5 "$WORK/prof.log")"
for trace in "$WORK/prof/trace_steps_2-2.json" "$WORK/prof/trace_steps_2-2.rank1.json"; do
  for range in all_reduce reduce_scatter all_gather pollux_step; do
    grep -q "\"pollux::$range\"" "$trace" || fail "$trace: no pollux::$range range"
  done
done

# --- world size 1 under torchrun (a process group of one, the sharded path): the same bits
"$TORCHRUN" --no-python --standalone --nproc_per_node 1 "$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 \
  --checkpoint_every 4 --out "$WORK/w1" >"$WORK/w1.log" 2>&1 || fail "torchrun, 1 rank: $(tail -5 "$WORK/w1.log")"
same "$WORK/one/pollux_step_8.h5" "$WORK/w1/pollux_step_8.h5" "1 torchrun rank against 1 process"

# --- saved by 2 ranks at step 4, resumed by 1 to step 8: the straight run
"$BIN/pollux-train" "${SMALL[@]}" --max_steps 8 --out "$WORK/resumed" --resume "$WORK/two/pollux_step_4.h5" >/dev/null
same "$WORK/one/pollux_step_8.h5" "$WORK/resumed/pollux_step_8.h5" "2 ranks to step 4, 1 rank to 8"

# --- plain environment variables: saved by 1 process at step 4, resumed by 2 ranks
launch() {  # launch RANK OUT ARGS...: one rank in the background, its pid in PIDS
  local rank=$1 out=$2; shift 2
  RANK=$rank WORLD_SIZE=2 LOCAL_RANK=$rank MASTER_ADDR=127.0.0.1 MASTER_PORT=$PORT \
    "$BIN/pollux-train" "${SMALL[@]}" "$@" --out "$out" >"$out.rank$rank.log" 2>&1 &
  PIDS[$rank]=$!
}
launch 0 "$WORK/env" --max_steps 8 --resume "$WORK/one/pollux_step_4.h5"
launch 1 "$WORK/env" --max_steps 8 --resume "$WORK/one/pollux_step_4.h5"
wait ${PIDS[0]} || fail "rank 0: $(cat "$WORK/env.rank0.log")"
wait ${PIDS[1]} || fail "rank 1: $(cat "$WORK/env.rank1.log")"
same "$WORK/one/pollux_step_8.h5" "$WORK/env/pollux_step_8.h5" "1 process to step 4, 2 ranks to 8"
[ ! -s "$WORK/env.rank1.log" ] || fail "rank 1 should log nothing: $(cat "$WORK/env.rank1.log")"

# --- SIGTERM on rank 1 alone stops both ranks after the same step, with one checkpoint
PORT=$((PORT + 1))
launch 0 "$WORK/sig" --max_steps 100000 --eval_every 0
launch 1 "$WORK/sig" --max_steps 100000 --eval_every 0
for _ in $(seq 300); do [ "$(wc -l <"$WORK/sig/metrics.csv" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.1; done
kill -TERM ${PIDS[1]}
wait ${PIDS[0]} || fail "rank 0 after SIGTERM on rank 1: $(tail -3 "$WORK/sig.rank0.log")"
wait ${PIDS[1]} || fail "rank 1 after its SIGTERM: $(cat "$WORK/sig.rank1.log")"
grep -q "another rank received a stop signal: stopped after step" "$WORK/sig.rank0.log" || fail "no stop message on rank 0"
last=$(tail -1 "$WORK/sig/metrics.csv" | cut -d, -f1)
[ -f "$WORK/sig/pollux_step_$last.h5" ] || fail "no checkpoint at the last step $last"

# --- a killed rank ends the other with a non-zero exit, the last checkpoint intact
PORT=$((PORT + 1))
launch 0 "$WORK/kill" --max_steps 100000 --eval_every 0 --checkpoint_every 2 --dist_timeout_s 10
launch 1 "$WORK/kill" --max_steps 100000 --eval_every 0 --checkpoint_every 2 --dist_timeout_s 10
for _ in $(seq 300); do ls "$WORK/kill"/pollux_step_4.h5 >/dev/null 2>&1 && break; sleep 0.1; done
kill -KILL ${PIDS[1]}
start=$SECONDS
if wait ${PIDS[0]}; then fail "rank 0 exited 0 after rank 1 was killed"; fi
[ $((SECONDS - start)) -le 15 ] || fail "rank 0 took $((SECONDS - start)) s to notice (timeout 10 s)"
grep -q "\[dist\] .* failed" "$WORK/kill.rank0.log" || fail "no clear error: $(tail -3 "$WORK/kill.rank0.log")"
"$BIN/pollux-inspect" "$(ls -v "$WORK/kill"/pollux_step_*.h5 | tail -1)" >/dev/null || fail "the last checkpoint is broken"

# --- a rank that stops answering (SIGSTOP) ends the other at the timeout
PORT=$((PORT + 1))
launch 0 "$WORK/stop" --max_steps 100000 --eval_every 0 --checkpoint_every 0 --dist_timeout_s 3
launch 1 "$WORK/stop" --max_steps 100000 --eval_every 0 --checkpoint_every 0 --dist_timeout_s 3
for _ in $(seq 300); do [ "$(wc -l <"$WORK/stop/metrics.csv" 2>/dev/null || echo 0)" -ge 3 ] && break; sleep 0.1; done
kill -STOP ${PIDS[1]}
start=$SECONDS
if wait ${PIDS[0]}; then fail "rank 0 exited 0 after rank 1 stopped"; fi
[ $((SECONDS - start)) -le 10 ] || fail "rank 0 took $((SECONDS - start)) s to time out (timeout 3 s)"
kill -KILL ${PIDS[1]}; kill -CONT ${PIDS[1]} 2>/dev/null || true
wait ${PIDS[1]} 2>/dev/null || true

# --- bad launches: one clear line
WORLD_SIZE=2 RANK=0 expect_error "grad_accum = 3 must be a multiple of WORLD_SIZE = 2" \
  "$BIN/pollux-train" "${SMALL[@]}" --grad_accum 3 --out "$WORK/bad"
WORLD_SIZE=2 RANK=2 expect_error "RANK = 2 is not below WORLD_SIZE = 2" "$BIN/pollux-train" "${SMALL[@]}" --out "$WORK/bad"
echo "distributed: all checks passed"
