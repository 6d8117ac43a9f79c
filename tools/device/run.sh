#!/usr/bin/env bash
# On the GPU machine (one H100, no network, torch 2.11 in the system Python): build with
# Ninja -j16 for sm_90, run the tests and the benchmarks in one go, print a short table, and
# leave full logs under $OUT (default ./device-out).
#   tools/device/run.sh [quick]      quick: skip the Pollux-1152 training benchmark
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-device-out}"
mkdir -p "$out"
build=build-device
python="${POLLUX_PYTHON:-$(command -v python3)}"
row() { printf '%-44s %s\n' "$1" "$2"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >"$out/gpu.txt" 2>&1
if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOLLUX_CUDA=ON -DPOLLUX_PYTHON="$python" \
     -DCMAKE_CUDA_ARCHITECTURES=90 >"$out/configure.log" 2>&1 || ! cmake --build "$build" -j16 >"$out/build.log" 2>&1; then
  echo "build failed: see $out/configure.log and $out/build.log"; tail -30 "$out/build.log" 2>/dev/null; exit 1
fi
ctest --test-dir "$build" --output-on-failure -j8 >"$out/ctest.log" 2>&1
tests="$(grep -E 'tests passed|tests failed' "$out/ctest.log" | tail -1)"

bin="$build/bin"
"$bin/pollux-bench" quantizer --atoms 2000000 --check 2000 --json >"$out/quantizer_cpu.json" 2>&1
"$bin/pollux-bench" train --config configs/tiny.ini --device cuda --steps 5 --json >"$out/train_tiny_cuda.json" 2>&1
if [ "${1:-}" != quick ]; then
  "$bin/pollux-bench" train --config configs/pollux-1152.ini --device cuda --grad_accum 4 --steps 2 --peak_tflops 989 \
    --json >"$out/train_1152_cuda.json" 2>&1
fi

field() { grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -1 | cut -d: -f2; }
echo "== $(cat "$out/gpu.txt")"
row "tests" "$tests"
row "quantizer, CPU $(nproc) cores (atoms/s)" "$(field "$out/quantizer_cpu.json" fast_atoms_per_s) (mismatches $(field "$out/quantizer_cpu.json" mismatches))"
row "tiny, cuda (tokens/s)" "$(field "$out/train_tiny_cuda.json" tokens_per_s)"
if [ -f "$out/train_1152_cuda.json" ]; then
  row "Pollux-1152 fwd+bwd (tokens/s)" "$(field "$out/train_1152_cuda.json" forward_backward_tokens_per_s)"
  row "Pollux-1152 pollux_step (s)" "$(field "$out/train_1152_cuda.json" optimizer_step_s)"
  row "Pollux-1152 end to end (tokens/s)" "$(field "$out/train_1152_cuda.json" tokens_per_s)"
  row "Pollux-1152 MFU" "$(field "$out/train_1152_cuda.json" mfu)"
fi
echo "full logs: $out/"
