#!/usr/bin/env bash
# The main job: set up, build, and run Pollux end to end on the bundled data.
# Usage: tools/main_job.sh [OUT_DIR]     (default runs/main)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/main}"
tools/bootstrap.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
mkdir -p "$out"
bin=build/bin

echo "== the exact quantizer against a float64 brute force"
"$bin/pollux-bench" quantizer --atoms 100000 --check 2000

if [ -f ../shared/reference/reference_tiny_v4.plx ]; then
  echo "== the reference .plx file"
  "$bin/pollux-inspect" ../shared/reference/reference_tiny_v4.plx
fi
