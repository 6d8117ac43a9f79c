# Helpers for the end-to-end tests: each test is a bash script run by ctest with the
# build's bin/ folder as $1 and the shared/ folder as $2.
set -euo pipefail
BIN="$1"
SHARED="$2"
# The corpus bundled with the repository (data/README.md), so these tests run without shared/,
# and the config the small runs start from.
CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/data/tinyshakespeare.txt"
CONFIG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/model.ini"
CONFIGS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/configs"  # tiny-continuous.ini, tiny-ternary.ini
# ctest runs two tests at once on a 2-core machine: ATen's OpenMP threads then wait for each
# other by sleeping, not spinning (a spinning thread holds a core the other test needs; under
# that load e2e.projection took 232 s, alone 34 s).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# skip_test REASON: nothing of this test can run here for want of a fixture (a file in shared/,
# an optional Python package): exit 77, which ctest reports as Skipped (SKIP_RETURN_CODE in
# tests/CMakeLists.txt), or a failure when POLLUX_REQUIRE_FIXTURES=1.
# skip_part REASON: the same for one part of a test whose other checks run: a line saying so.
skip_part() {
  if [ "${POLLUX_REQUIRE_FIXTURES:-0}" = 1 ]; then fail "$1 (POLLUX_REQUIRE_FIXTURES=1: a skip is a failure)"; fi
  echo "SKIP: $1"
}
skip_test() { skip_part "$1"; exit 77; }

# expect_error "substring" command...: the command must exit non-zero with exactly one
# line on stderr that contains the substring.
expect_error() {
  local want="$1"; shift
  local err="$WORK/stderr"
  if "$@" >/dev/null 2>"$err"; then fail "'$*' succeeded, expected an error containing '$want'"; fi
  [ "$(wc -l <"$err")" -eq 1 ] || fail "'$*' printed $(wc -l <"$err") error lines: $(cat "$err")"
  grep -qF -- "$want" "$err" || fail "'$*' error lacks '$want': $(cat "$err")"
}

# json_field FILE KEY: the raw value of a top-level scalar field of a one-line JSON object.
json_field() { grep -o "\"$2\":[^,}]*" "$1" | head -1 | cut -d: -f2- | tr -d '"'; }

# small_corpus BYTES [PREPARE_OPTION...]: the corpus's first BYTES in $WORK/small.txt, prepared
# as byte tokens into $WORK/small.u16 (pass --val_fraction F for $WORK/small.val.u16 too).
small_corpus() {
  head -c "$1" "$CORPUS" >"$WORK/small.txt"; shift
  "$BIN/pollux-prepare" "$WORK/small.txt" --output "$WORK/small.u16" --tokenizer bytes "$@" >/dev/null
}

# same_runs ONE TWO: runs ONE and TWO (folders: one straight run of 8 steps, one resumed) end
# alike: their step-8 checkpoints hold the same weights, optimizer state, step, tokens and
# sampler (ONE.json and TWO.json: pollux-inspect --json of them), and metrics.csv the same
# 8 rows of losses.
same_runs() {
  local run field
  for run in "$1" "$2"; do
    "$BIN/pollux-inspect" "$run/pollux_step_8.h5" --json >"$run.json"
    cut -d, -f1-8 "$run/metrics.csv" >"$run.metrics"
  done
  for field in weights_sha256 optimizer_sha256 step tokens_seen sampler_counter; do
    [ "$(json_field "$1.json" $field)" = "$(json_field "$2.json" $field)" ] || fail "resume changed $field"
  done
  cmp -s "$1.metrics" "$2.metrics" || fail "resume changed the losses: $(diff "$1.metrics" "$2.metrics")"
  [ "$(wc -l <"$2/metrics.csv")" -eq 9 ] || fail "metrics.csv should hold a header and 8 rows"
}
