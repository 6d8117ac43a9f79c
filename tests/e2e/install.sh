#!/usr/bin/env bash
# cmake --install into a prefix that is then moved: the executables, the bundled data, the
# configs and the Python tools are there, and P/bin/pollux-prepare --tokenizer gpt2 reads the
# GPT-2 ranks of P/share/pollux/data from any folder (not the sources' data/: without P's copy
# it fails naming P's path), or of $POLLUX_DATA_DIR when that is set.
source "$(dirname "$0")/lib.sh"
BUILD="$(dirname "$BIN")"
"${CMAKE:-cmake}" --install "$BUILD" --prefix "$WORK/staged" >"$WORK/install.log" || fail "install: $(tail -5 "$WORK/install.log")"
mv "$WORK/staged" "$WORK/p"
P="$WORK/p"
for tool in bench bench-lut eval generate import inspect pack prepare ptq train; do
  [ -x "$P/bin/pollux-$tool" ] || fail "no $P/bin/pollux-$tool"
done
for f in data/gpt2.tiktoken data/tinyshakespeare.txt configs/tiny.ini tools/lm_eval_pollux.py tools/plot_metrics.py \
         tools/lm_eval_tasks/local_sciq_example.yaml; do
  [ -f "$P/share/pollux/$f" ] || fail "no $P/share/pollux/$f"
done

# From another folder, the same tokens as the build's binary.
head -c 20000 "$CORPUS" >"$WORK/x.txt"
"$BIN/pollux-prepare" "$WORK/x.txt" --output "$WORK/build.u16" --tokenizer gpt2 >/dev/null
mkdir "$WORK/elsewhere"
(cd "$WORK/elsewhere" && "$P/bin/pollux-prepare" ../x.txt --output installed.u16 --tokenizer gpt2 >/dev/null) \
  || fail "the installed pollux-prepare --tokenizer gpt2 failed"
cmp "$WORK/build.u16" "$WORK/elsewhere/installed.u16" || fail "installed and build tokens differ"
"$P/bin/pollux-prepare" --help | grep -qF "bundled data: $P/share/pollux/data" || fail "--help does not show the installed data folder"

# POLLUX_DATA_DIR overrides; the prefix's own data is what the binary reads otherwise.
mkdir "$WORK/ranks"
mv "$P/share/pollux/data/gpt2.tiktoken" "$WORK/ranks/"
expect_error "$P/share/pollux/data/gpt2.tiktoken" "$P/bin/pollux-prepare" "$WORK/x.txt" --output "$WORK/y.u16" --tokenizer gpt2
POLLUX_DATA_DIR="$WORK/ranks" "$P/bin/pollux-prepare" "$WORK/x.txt" --output "$WORK/y.u16" --tokenizer gpt2 >/dev/null \
  || fail "POLLUX_DATA_DIR not used"
cmp "$WORK/build.u16" "$WORK/y.u16" || fail "tokens with POLLUX_DATA_DIR differ"
echo "install: all checks passed"
