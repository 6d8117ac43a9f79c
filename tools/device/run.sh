#!/usr/bin/env bash
# On the GPU machine (one H200, no network, torch 2.11 in the system Python): build with
# Ninja -j16 for sm_90, run the tests (the CUDA ones included) and the GPU benchmarks in one
# go, print a short table, and write the logs and one JSON record under $OUT (default
# ./device-out). Copy the record into experiments/gpu/ afterwards (it is named by date and commit).
#   tools/device/run.sh [quick]      quick: skip the Pollux-1152 training benchmark
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-device-out}"   # what comes back: the record and one archive of the logs
mkdir -p "$out"
work="$(mktemp -d)"        # everything else
build=build-device
python="${POLLUX_PYTHON:-$(command -v python3)}"
row() { printf '%-44s %s\n' "$1" "$2"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >"$work/gpu.txt" 2>&1
if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOLLUX_CUDA=ON -DPOLLUX_PYTHON="$python" \
     -DCMAKE_CUDA_ARCHITECTURES=90 >"$work/configure.log" 2>&1 || ! cmake --build "$build" -j16 >"$work/build.log" 2>&1; then
  tar czf "$out/logs.tgz" -C "$work" .; echo "build failed: see logs.tgz"; tail -30 "$work/build.log" 2>/dev/null; exit 1
fi
# On this machine a CUDA case that skips (no GPU found, no CUDA kernels built) is a failure.
POLLUX_REQUIRE_GPU=1 "$build/tests/test_cuda" >"$work/test_cuda.log" 2>&1
cuda_tests="$(tail -3 "$work/test_cuda.log" | tr '\n' ' ')"
ctest --test-dir "$build" --output-on-failure -j8 -E "cuda" >"$work/ctest.log" 2>&1
tests="$(grep -E 'tests passed|tests failed' "$work/ctest.log" | tail -1)"

bin="$build/bin"
declare -A cmd
cmd[quantizer]="$bin/pollux-bench quantizer --device cuda --atoms 16000000 --check 2000000 --json"
cmd[quantizer_v4]="$bin/pollux-bench quantizer --device cuda --codebook pollux-v4 --atoms 4000000 --check 1000000 --json"
cmd[step]="$bin/pollux-bench step --config configs/pollux-1152.ini --device cuda --json"
cmd[train_tiny]="$bin/pollux-bench train --config configs/tiny.ini --device cuda --steps 5 --json"
cmd[train]="$bin/pollux-bench train --config configs/pollux-1152.ini --device cuda --steps 2 --peak_tflops 989 --json"
cmd[decode]="$bin/pollux-bench decode --config configs/pollux-1152.ini --device cuda --runtime dense --prompt_tokens 128 --new_tokens 256 --json"
for k in quantizer quantizer_v4 step train_tiny train decode; do
  [ "$k" = train ] && [ "${1:-}" = quick ] && continue
  ${cmd[$k]} >"$work/$k.json" 2>"$work/$k.err"
done

# Issue 10: world size 1 over ProcessGroupNCCL gives the plain run's weights (tiny, float32,
# 8 steps), and the bytes one Pollux-1152 step hands to the collectives.
"$bin/pollux-prepare" data/tinyshakespeare.txt --output "$work/bytes.u16" --tokenizer bytes >/dev/null 2>&1
"$bin/pollux-prepare" data/tinyshakespeare.txt --output "$work/gpt2.u16" --tokenizer gpt2 >/dev/null 2>&1
tiny=(--config configs/tiny.ini --device cuda --precision float32 --max_steps 8 --eval_every 0 --data "$work/bytes.u16")
torchrun1=("$python" -m torch.distributed.run --no-python --standalone --nproc_per_node 1)
"$bin/pollux-train" "${tiny[@]}" --out "$work/plain" >"$work/plain.log" 2>&1
"${torchrun1[@]}" "$bin/pollux-train" "${tiny[@]}" --out "$work/nccl1" >"$work/nccl1.log" 2>&1
"${torchrun1[@]}" "$bin/pollux-train" --config configs/pollux-1152.ini --device cuda --max_steps 1 --grad_accum 1 \
  --eval_every 0 --checkpoint_every 0 --data "$work/gpt2.u16" --out "$work/nccl1152" >"$work/nccl1152.log" 2>&1
sha() { "$bin/pollux-inspect" "$1" --json 2>/dev/null | grep -o '"weights_sha256": *"[0-9a-f]*"'; }
a="$(sha "$work/plain/pollux_step_8.h5")"; b="$(sha "$work/nccl1/pollux_step_8.h5")"
nccl="$([ -n "$a" ] && [ "$a" = "$b" ] && echo equal || echo "DIFFERENT or failed: see nccl1.log")"

field() { grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -1 | cut -d: -f2; }
echo "== $(cat "$work/gpu.txt")"
row "CUDA tests" "$cuda_tests"
row "other tests" "$tests"
row "quantizer leech (atoms/s)" "$(field "$work/quantizer.json" fast_atoms_per_s) (mismatches $(field "$work/quantizer.json" mismatches))"
row "quantizer pollux-v4 (atoms/s)" "$(field "$work/quantizer_v4.json" fast_atoms_per_s) (mismatches $(field "$work/quantizer_v4.json" mismatches))"
row "Pollux-1152 pollux_step alone (s)" "$(field "$work/step.json" seconds)"
row "tiny, cuda (tokens/s)" "$(field "$work/train_tiny.json" tokens_per_s)"
row "Pollux-1152 end to end (tokens/s)" "$(field "$work/train.json" tokens_per_s)"
row "Pollux-1152 decode, batch 1 (tokens/s)" "$(field "$work/decode.json" decode_tokens_per_s)"
row "NCCL world size 1 vs plain (weights)" "$nccl"
row "Pollux-1152 collectives per step" "$(grep -o 'this rank sends.*' "$work/nccl1152.log" | head -1)"

# One record of the run, the fields the GPU issues ask for.
"$python" - "$work" "${cmd[quantizer]}" "${cmd[step]}" "${cmd[train]}" "${cmd[decode]}" <<'PY'
import datetime, json, os, subprocess, sys
out, qcmd, scmd, tcmd, dcmd = sys.argv[1:6]
def load(name):
    try:
        with open(os.path.join(out, name)) as f: return json.load(f)
    except Exception as e: return {"error": f"{name}: {e}"}
q, s, t, d = load("quantizer.json"), load("step.json"), load("train.json"), load("decode.json")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
gpu = open(os.path.join(out, "gpu.txt")).read().strip()
record = {
    "device": gpu, "date": datetime.date.today().isoformat(), "commit": commit,
    "command": "tools/device/run.sh",
    "quantizer": {"command": qcmd, "atoms": q.get("atoms"), "checked": q.get("checked"),
                  "mismatches": q.get("mismatches"), "atoms_per_s": q.get("fast_atoms_per_s")},
    "pollux_step": {"command": scmd, "config": "configs/pollux-1152.ini", "seconds": s.get("seconds"),
                    "peak_bytes": s.get("peak_bytes"), "optimizer_state_bytes": s.get("optimizer_state_bytes")},
    "train": {"command": tcmd, "config": "configs/pollux-1152.ini", "tokens_per_s": t.get("tokens_per_s"),
              "forward_backward_tokens_per_s": t.get("forward_backward_tokens_per_s"),
              "optimizer_step_s": t.get("optimizer_step_s"), "mfu": t.get("mfu"), "peak_bytes": t.get("peak_bytes")},
    "decode": {"command": dcmd, "config": "configs/pollux-1152.ini", "tokens_per_s": d.get("decode_tokens_per_s")},
}
name = f"{record['date']}-{commit}.json"
with open(os.path.join(out, name), "w") as f: json.dump(record, f, indent=2)
print(f"record: {name} (copy it to experiments/gpu/)")
PY
cp "$work"/20*.json "$out"/ 2>/dev/null
tar czf "$out/logs.tgz" -C "$work" .
echo "logs: $out/logs.tgz"
