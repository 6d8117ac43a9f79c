#!/usr/bin/env bash
# The test command: set up (idempotent), build, run every test. Usage: tools/test.sh [BUILD_DIR]
# lm-evaluation-harness comes with it (pinned, POLLUX_LM_EVAL=1 of tools/bootstrap.sh), so that
# e2e.lm_eval_parity runs here and in CI instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
POLLUX_LM_EVAL=1 tools/bootstrap.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
