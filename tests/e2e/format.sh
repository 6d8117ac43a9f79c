#!/usr/bin/env bash
# Every C++ and CUDA file is formatted as .clang-format says (clang-format 14, Debian's; another
# version may break lines differently, so it skips).
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
command -v clang-format >/dev/null || skip_test "no clang-format"
clang-format --version | grep -q "version 14\." || skip_test "clang-format is not version 14: $(clang-format --version)"
cd "$ROOT"
files=$(git ls-files '*.cpp' '*.h' '*.cu' '*.cuh' 2>/dev/null || find src include tests tools -name '*.cpp' -o -name '*.h' -o -name '*.cu')
[ -n "$files" ] || fail "no sources found under $ROOT"
# shellcheck disable=SC2086
clang-format --dry-run --Werror --style=file $files 2>"$WORK/format.log" \
  || fail "$(grep -c 'Wclang-format-violations' "$WORK/format.log") places need clang-format -i, first: $(grep -m1 'Wclang-format-violations' "$WORK/format.log")"
echo "format: $(echo "$files" | wc -l) files as .clang-format says"
