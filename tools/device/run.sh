#!/usr/bin/env bash
# The GPU checks in two halves, so that a call on the GPU machine (one H200, no network, torch
# 2.11 in its python3, another system image) spends its minutes measuring, not compiling:
#
#   tools/device/run.sh bundle [DIR]   here: configure build-device for sm_90 without parquet
#       input, build the binaries the checks run, strip them into DIR/bin (default
#       device-bundle, ignored by git) and copy beside them, into DIR/lib, every library they
#       load except glibc's, LibTorch's and CUDA's, which the GPU machine's torch provides;
#       DIR/env.sh points LD_LIBRARY_PATH there. About 27 MB (a bundle made on Debian 12 ran
#       on the Ubuntu 24.04 GPU machine, 2026-11-30).
#   tools/device/run.sh run [quick]    there (device tool: carry device-bundle): the CUDA tests,
#       the GPU benchmarks, a profiler trace of one Pollux-1152 step and the NCCL checks; the
#       logs, one JSON record (copy it to experiments/gpu/) and the trace under $OUT
#       (default ./device-out); a short table last. quick: no Pollux-1152 training benchmark.
#       Without a bundle it builds there first (Ninja -j16), as the fallback.
set -uo pipefail
cd "$(dirname "$0")/../.."
bundle="${POLLUX_BUNDLE:-device-bundle}"
build=build-device
exes=(bin/pollux-bench bin/pollux-bench-lut bin/pollux-train bin/pollux-prepare bin/pollux-inspect tests/test_cuda)
targets=(pollux-bench pollux-bench-lut pollux-train pollux-prepare pollux-inspect test_cuda)
# ---- issue 33 item 5 (inference), 1/3: the eval tool and the [cuda] cases of the decode,
# scoring and look-up product tests travel too.
exes+=(bin/pollux-eval tests/test_runtime tests/test_eval tests/test_infer)
targets+=(pollux-eval test_runtime test_eval test_infer)
# ---- end of item 5's block 1/3

configure() {  # configure PYTHON JOBS: build-device for sm_90, the check's targets only
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOLLUX_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DPOLLUX_PARQUET=OFF -DPOLLUX_PYTHON="$1" ${CCACHE_DIR:+-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache} \
    && cmake --build "$build" -j "$2" --target "${targets[@]}"
}

make_bundle() {  # make_bundle DIR
  local dir="$1"
  configure "${POLLUX_PYTHON:-$HOME/.cache/pollux/venv/bin/python}" "$(nproc)" || { echo "bundle: the build failed"; exit 1; }
  rm -rf "$dir"; mkdir -p "$dir/bin" "$dir/lib"
  for e in "${exes[@]}"; do strip -o "$dir/bin/$(basename "$e")" "$build/$e" || exit 1; done
  # Every library the binaries load, but glibc's, the compiler runtime's, LibTorch's and CUDA's
  # (the GPU machine's torch wheel brings the last two; its image brings the first two).
  ldd "$dir"/bin/* | awk '/=> \//{print $3}' | sort -u \
    | grep -v -E '/(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-x86-64)\.so|/libstdc\+\+|/libgcc_s|/torch/lib/|/nvidia/|/cuda' \
    | while read -r lib; do cp -L "$lib" "$dir/lib/"; done
  cat >"$dir/env.sh" <<'ENV'
# Sourced on the GPU machine: the bundle's libraries, then its python3's LibTorch and CUDA.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
site=$(python3 -c 'import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))')
LD_LIBRARY_PATH="$here/lib:$site/torch/lib"
for d in "$site"/nvidia/*/lib "$site"/nvidia/*/*/lib /usr/local/cuda/lib64; do [ -d "$d" ] && LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"; done
export LD_LIBRARY_PATH
missing=$(ldd "$here"/bin/* 2>/dev/null | grep 'not found' | sort -u)
[ -z "$missing" ] || echo "bundle: libraries missing: $missing" >&2
ENV
  git rev-parse --short HEAD >"$dir/commit" 2>/dev/null
  git status --porcelain --untracked-files=no | grep -q . && echo "(uncommitted changes)" >>"$dir/commit"
  du -sh "$dir"; ls "$dir/lib"
}

if [ "${1:-}" = bundle ]; then make_bundle "${2:-$bundle}"; exit 0; fi
[ "${1:-}" = run ] || { echo "usage: tools/device/run.sh bundle [DIR] | run [quick]"; exit 2; }
mode="${2:-}"
out="${OUT:-device-out}"   # what comes back: the record, the logs' archive and the trace
mkdir -p "$out"
work="$(mktemp -d)"        # everything else
python="$(command -v python3)"
row() { printf '%-44s %s\n' "$1" "$2"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >"$work/gpu.txt" 2>&1
if [ -f "$bundle/env.sh" ]; then
  source "$bundle/env.sh" 2>"$work/bundle.log"
  bin="$bundle/bin"; test_cuda="$bundle/bin/test_cuda"; commit="$(head -1 "$bundle/commit")"
  how="bundle $(paste -sd' ' "$bundle/commit")"
else
  if ! configure "$python" 16 >"$work/build.log" 2>&1; then
    tar czf "$out/logs.tgz" -C "$work" .; echo "build failed: see logs.tgz"; tail -30 "$work/build.log"; exit 1
  fi
  bin="$build/bin"; test_cuda="$build/tests/test_cuda"; commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  how="built there"
fi

# On this machine a CUDA case that skips (no GPU found, no CUDA kernels built) is a failure.
POLLUX_REQUIRE_GPU=1 "$test_cuda" >"$work/test_cuda.log" 2>&1
cuda_tests="$(tail -3 "$work/test_cuda.log" | tr '\n' ' ')"

declare -A cmd
cmd[quantizer]="$bin/pollux-bench quantizer --device cuda --atoms 16000000 --check 2000000 --json"
cmd[quantizer_v4]="$bin/pollux-bench quantizer --device cuda --codebook pollux-v4 --atoms 4000000 --check 1000000 --json"
cmd[step]="$bin/pollux-bench step --config configs/pollux-1152.ini --device cuda --json"
cmd[train_tiny]="$bin/pollux-bench train --config configs/tiny.ini --device cuda --steps 5 --json"
cmd[train]="$bin/pollux-bench train --config configs/pollux-1152.ini --device cuda --steps 2 --peak_tflops 989 --json"
cmd[decode]="$bin/pollux-bench decode --config configs/pollux-1152.ini --device cuda --runtime dense --prompt_tokens 128 --new_tokens 256 --json"
# One Pollux-1152 step traced (issue 20): 4 micro-batches of 8 x 1024 (the step's are all alike).
cmd[trace]="$bin/pollux-bench train --config configs/pollux-1152.ini --device cuda --steps 1 --grad_accum 4 --json --profile $work/trace_1152.json"
for k in quantizer quantizer_v4 step train_tiny train decode trace; do
  [ "$k" = train ] && [ "$mode" = quick ] && continue
  ${cmd[$k]} >"$work/$k.json" 2>"$work/$k.err"
done
[ -s "$work/trace_1152.json" ] && gzip -c "$work/trace_1152.json" >"$out/trace_1152.json.gz"
# Issue 33, item 2: Nsight Compute on both fast passes of the search kernel, where the machine
# has ncu (the benchmark's own registers and occupancy come from the CUDA runtime either way).
if command -v ncu >/dev/null; then
  timeout 120 ncu --kernel-name regex:nearest_kernel --launch-skip 1 --launch-count 2 --section LaunchStats --section Occupancy \
    --section SpeedOfLight "$bin/pollux-bench" quantizer --device cuda --atoms 2000000 --check 0 >"$work/ncu.txt" 2>&1
fi

# Issue 10: world size 1 over ProcessGroupNCCL gives the plain run's weights (tiny, float32,
# 8 steps), and the bytes one Pollux-1152 step hands to the collectives.
"$bin/pollux-prepare" data/tinyshakespeare.txt --output "$work/bytes.u16" --tokenizer bytes >/dev/null 2>&1
"$bin/pollux-prepare" data/tinyshakespeare.txt --output "$work/gpt2.u16" --tokenizer gpt2 --tokenizer_dir data >/dev/null 2>&1
tiny=(--config configs/tiny.ini --device cuda --precision float32 --max_steps 8 --eval_every 0 --data "$work/bytes.u16")
torchrun1=("$python" -m torch.distributed.run --no-python --standalone --nproc_per_node 1)
"$bin/pollux-train" "${tiny[@]}" --out "$work/plain" >"$work/plain.log" 2>&1
"${torchrun1[@]}" "$bin/pollux-train" "${tiny[@]}" --out "$work/nccl1" >"$work/nccl1.log" 2>&1
"${torchrun1[@]}" "$bin/pollux-train" --config configs/pollux-1152.ini --device cuda --max_steps 1 --grad_accum 1 \
  --eval_every 0 --checkpoint_every 0 --data "$work/gpt2.u16" --out "$work/nccl1152" >"$work/nccl1152.log" 2>&1
sha() { "$bin/pollux-inspect" "$1" --json 2>/dev/null | grep -o '"weights_sha256": *"[0-9a-f]*"'; }
same() { local a b; a="$(sha "$1")"; b="$(sha "$2")"; [ -n "$a" ] && [ "$a" = "$b" ] && echo equal || echo "DIFFERENT or failed: see $3"; }
nccl="$(same "$work/plain/pollux_step_8.h5" "$work/nccl1/pollux_step_8.h5" nccl1.log)"

# Issue 33, item 4: deterministic = true (tiny, bf16 autocast, 8 steps): two straight runs, and
# one stopped at step 4 and resumed, give equal weights; the same pair without the key beside it.
det=(--config configs/tiny.ini --device cuda --max_steps 8 --checkpoint_every 4 --eval_every 0 --data "$work/bytes.u16")
for r in det1 det2; do "$bin/pollux-train" "${det[@]}" --deterministic true --out "$work/$r" >"$work/$r.log" 2>&1; done
"$bin/pollux-train" "${det[@]}" --deterministic true --max_steps 4 --out "$work/det3" >"$work/det3.log" 2>&1
"$bin/pollux-train" "${det[@]}" --deterministic true --resume "$work/det3/pollux_step_4.h5" --out "$work/det3" >>"$work/det3.log" 2>&1
for r in free1 free2; do "$bin/pollux-train" "${det[@]}" --out "$work/$r" >"$work/$r.log" 2>&1; done
det_pair="$(same "$work/det1/pollux_step_8.h5" "$work/det2/pollux_step_8.h5" det1.log)"
det_resume="$(same "$work/det1/pollux_step_8.h5" "$work/det3/pollux_step_8.h5" det3.log)"
free_pair="$(same "$work/free1/pollux_step_8.h5" "$work/free2/pollux_step_8.h5" free1.log)"

# Issue 33, item 6: Pollux-1152 on GPT-2 tokens, Leech against the continuous baseline (GPT-2's
# initialisation), the same 8 x 1024 tokens a step (grad_accum 1), the loss of every step into
# the record. Each run stops at CURVE_STEPS (300) or after CURVE_SECONDS (150): with
# pollux_step at 0.79 s (2026-11-30) 300 Leech steps do not fit, and the record says how many did.
curve=(--config configs/pollux-1152.ini --device cuda --max_steps "${CURVE_STEPS:-300}" --grad_accum 1 --eval_every 0
  --checkpoint_every 0 --log_every 1 --tensorboard false --data "$work/gpt2.u16")
[ "$mode" = quick ] || for q in lattice none; do
  extra=(); [ "$q" = none ] && extra=(--init standard)
  timeout "${CURVE_SECONDS:-150}" "$bin/pollux-train" "${curve[@]}" --quantizer "$q" "${extra[@]}" --out "$work/curve_$q" \
    >"$work/curve_$q.log" 2>&1
done

# One record of the run, the fields the GPU issues ask for.
"$python" - "$work" "$commit" "$how" "${cmd[quantizer]}" "${cmd[step]}" "${cmd[train]}" "${cmd[decode]}" "${cmd[trace]}" <<'PY'
import datetime, json, os, sys
out, commit, how, qcmd, scmd, tcmd, dcmd, pcmd = sys.argv[1:9]
def load(name):
    try:
        with open(os.path.join(out, name)) as f: return json.load(f)
    except Exception as e: return {"error": f"{name}: {e}"}
q, s, t, d, p = load("quantizer.json"), load("step.json"), load("train.json"), load("decode.json"), load("trace.json")
gpu = open(os.path.join(out, "gpu.txt")).read().strip()
record = {
    "device": gpu, "date": datetime.date.today().isoformat(), "commit": commit,
    "command": f"tools/device/run.sh run ({how})",
    "quantizer": {"command": qcmd, "atoms": q.get("atoms"), "checked": q.get("checked"),
                  "mismatches": q.get("mismatches"), "atoms_per_s": q.get("fast_atoms_per_s"),
                  **{f"{p}_{k}": q.get(f"{p}_{k}") for p in ("float32", "float64")
                     for k in ("atoms_per_s", "mismatches", "registers", "shared_bytes", "local_bytes", "occupancy")}},
    "pollux_step": {"command": scmd, "config": "configs/pollux-1152.ini", "seconds": s.get("seconds"),
                    "projection": s.get("projection"), "searched_fraction": s.get("searched_fraction"),
                    "peak_bytes": s.get("peak_bytes"), "optimizer_state_bytes": s.get("optimizer_state_bytes")},
    "train": {"command": tcmd, "config": "configs/pollux-1152.ini", "tokens_per_s": t.get("tokens_per_s"),
              "forward_backward_tokens_per_s": t.get("forward_backward_tokens_per_s"),
              "optimizer_step_s": t.get("optimizer_step_s"), "mfu": t.get("mfu"), "peak_bytes": t.get("peak_bytes")},
    "decode": {"command": dcmd, "config": "configs/pollux-1152.ini", "tokens_per_s": d.get("decode_tokens_per_s")},
    "trace": {"command": pcmd, "file": "trace_1152.json.gz", "tokens_per_s_under_the_profiler": p.get("tokens_per_s")},
}
def curve(quantizer):
    try:
        with open(os.path.join(out, f"curve_{quantizer}", "metrics.csv")) as f:
            rows = [line.strip().split(",") for line in f][1:]
        return {"steps": len(rows), "loss": [float(r[2]) for r in rows if len(r) > 2 and r[2]]}
    except Exception as e: return {"error": f"curve_{quantizer}: {e}"}
record["curve_1152"] = {"config": "configs/pollux-1152.ini, grad_accum 1, GPT-2 tokens of data/tinyshakespeare.txt",
                        "leech": curve("lattice"), "continuous": curve("none")}
name = f"{record['date']}-{commit.split()[0]}.json"
with open(os.path.join(out, name), "w") as f: json.dump(record, f, indent=2)
PY
# ---- issue 33 item 5 (inference), 2/3. Decode: cmd[decode] above replays the CUDA graph (the
# default on CUDA); the same run eager beside it. The [cuda] cases of test_runtime (graph decode's
# greedy tokens equal eager's), test_eval (GPU scoring equals the CPU's) and test_infer (the
# look-up product's kernel equals its host twin). Batched scoring on
# the GPU: BLiMP-shaped pairs (a Shakespeare line against its words reversed) scored by the
# Pollux-1152 checkpoint of the NCCL check, batch 1 against batch 64; a run of one pair gives
# the loading time, taken off. Fields into the record's "decode" and "eval_gpu".
if [ -f "$bundle/env.sh" ]; then item5_tests="$bundle/bin"; else item5_tests="$build/tests"; fi
for t in test_runtime test_eval test_infer; do POLLUX_REQUIRE_GPU=1 "$item5_tests/$t" "[cuda]" >"$work/${t}_cuda.log" 2>&1; done
item5_tests_row="$(for t in test_runtime test_eval test_infer; do echo "$t: $(tail -2 "$work/${t}_cuda.log" | tr '\n' ' ')"; done | paste -sd ";")"
${cmd[decode]} --cuda_graph off >"$work/decode_eager.json" 2>"$work/decode_eager.err"
mkdir -p "$work/pairs"
"$python" - data/tinyshakespeare.txt "$work/pairs/shakespeare.jsonl" <<'PY'
import json, sys
lines = [l.strip() for l in open(sys.argv[1]) if len(l.split()) >= 5][:512]
with open(sys.argv[2], "w") as f:
    for l in lines: f.write(json.dumps({"sentence_good": l, "sentence_bad": " ".join(reversed(l.split()))}) + "\n")
PY
item5_ck="$work/nccl1152/pollux_step_1.h5"
item5_eval() {  # item5_eval NAME BATCH LIMIT: seconds of one pollux-eval --blimp run into $work/eval_NAME.seconds
  local t0; t0=$(date +%s.%N)
  "$bin/pollux-eval" "$item5_ck" --blimp "$work/pairs" --device cuda --batch_size "$2" --limit "$3" --json \
    >"$work/eval_$1.json" 2>"$work/eval_$1.err"
  awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.3f\n", a - b }' >"$work/eval_$1.seconds"
}
item5_eval load 1 1; item5_eval b1 1 0; item5_eval b64 64 0
"$python" - "$work" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(out, name)) as f: return json.load(f)
    except Exception as e: return {"error": f"{name}: {e}"}
def seconds(name):
    try: return float(open(os.path.join(out, f"eval_{name}.seconds")).read())
    except Exception: return None
records = glob.glob(os.path.join(out, "20*.json"))
if records:
    record = json.load(open(records[0]))
    d, e = load("decode.json"), load("decode_eager.json")
    record.setdefault("decode", {}).update({"cuda_graph": d.get("cuda_graph"), "eager_tokens_per_s": e.get("decode_tokens_per_s")})
    ev, load_s = {}, seconds("load")
    for name, batch in (("b1", 1), ("b64", 64)):
        r, s = load(f"eval_{name}.json"), seconds(name)
        pairs = r.get("pairs")
        rate = pairs / (s - load_s) if pairs and s and load_s is not None and s > load_s else None
        ev[f"batch_{batch}"] = {"pairs": pairs, "accuracy": r.get("accuracy"), "seconds": s, "pairs_per_s": rate}
    ev.update({"checkpoint": "Pollux-1152 after 1 step (the NCCL check's)", "load_seconds": load_s,
               "pairs": "512 lines of data/tinyshakespeare.txt against their words reversed, --blimp"})
    record["eval_gpu"] = ev
    with open(records[0], "w") as f: json.dump(record, f, indent=2)
PY
# ---- end of item 5's block 2/3
record="$(ls "$work"/20*.json 2>/dev/null | head -1)"
[ -n "$record" ] && cp "$record" "$out"/
tar czf "$out/logs.tgz" --exclude=trace_1152.json --exclude='*.u16' --exclude='*.h5' -C "$work" .

field() { grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -1 | cut -d: -f2; }
echo "== $(cat "$work/gpu.txt") ($how)"
[ -s "$work/bundle.log" ] && row "bundle" "$(head -1 "$work/bundle.log")"
row "CUDA tests" "$cuda_tests"
row "quantizer leech (atoms/s)" "$(field "$work/quantizer.json" fast_atoms_per_s) (mismatches $(field "$work/quantizer.json" mismatches))"
for p in float32 float64; do
  row "  $p fast pass: atoms/s, registers, occupancy" "$(for k in atoms_per_s registers occupancy; do field "$work/quantizer.json" ${p}_$k; done | paste -sd' ')"
done
row "quantizer pollux-v4 (atoms/s)" "$(field "$work/quantizer_v4.json" fast_atoms_per_s) (mismatches $(field "$work/quantizer_v4.json" mismatches))"
row "Pollux-1152 pollux_step alone (s)" "$(field "$work/step.json" seconds) ($(field "$work/step.json" searched_fraction) of the atoms searched)"
row "tiny, cuda (tokens/s)" "$(field "$work/train_tiny.json" tokens_per_s)"
row "Pollux-1152 end to end (tokens/s)" "$(field "$work/train.json" tokens_per_s) (fwd+bwd $(field "$work/train.json" forward_backward_tokens_per_s), MFU $(field "$work/train.json" mfu))"
row "Pollux-1152 decode, batch 1 (tokens/s)" "$(field "$work/decode.json" decode_tokens_per_s)"
row "Pollux-1152 trace, 1 step (grad_accum 4)" "$([ -s "$out/trace_1152.json.gz" ] && du -h "$out/trace_1152.json.gz" | cut -f1 || echo "none: see trace.err in logs.tgz")"
row "NCCL world size 1 vs plain (weights)" "$nccl"
row "deterministic: two straight runs (weights)" "$det_pair"
row "deterministic: straight vs stopped + resumed" "$det_resume"
row "not deterministic: two straight runs" "$free_pair (either is possible)"
row "Pollux-1152 collectives per step" "$(grep -o 'this rank sends.*' "$work/nccl1152.log" | head -1)"
last() { tail -1 "$work/curve_$1/metrics.csv" 2>/dev/null | cut -d, -f1,3 | tr , ' '; }
row "Pollux-1152 curve: leech (step loss)" "$(last lattice)"
row "Pollux-1152 curve: continuous (step loss)" "$(last none)"
# ---- issue 33 item 5 (inference), 3/3: its rows
item5_rate() { awk -v s="$(cat "$work/eval_$1.seconds" 2>/dev/null)" -v l="$(cat "$work/eval_load.seconds" 2>/dev/null)" \
  -v p="$(field "$work/eval_$1.json" pairs)" 'BEGIN { if (p > 0 && s > l) printf "%.1f", p / (s - l); else print "failed" }'; }
row "Pollux-1152 decode, batch 1, eager (tokens/s)" "$(field "$work/decode_eager.json" decode_tokens_per_s) (graph: $(field "$work/decode.json" cuda_graph))"
row "inference [cuda] tests" "$item5_tests_row"
row "Pollux-1152 BLiMP-shaped pairs/s, batch 1" "$(item5_rate b1) (accuracy $(field "$work/eval_b1.json" accuracy))"
row "Pollux-1152 BLiMP-shaped pairs/s, batch 64" "$(item5_rate b64) (accuracy $(field "$work/eval_b64.json" accuracy))"
# ---- end of item 5's block 3/3
row "record, logs" "${record:+$(basename "$record")}, logs.tgz"
