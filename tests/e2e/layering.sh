#!/usr/bin/env bash
# tests/check_layering.sh passes on this tree, and fails, naming file and line, on a copy with
# an include of a later layer planted (train from lattice, optim from model), and on a copy
# with a folder missing from the layer list.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CHECK="$ROOT/tests/check_layering.sh"

bash "$CHECK" "$ROOT" >"$WORK/out.txt" || fail "the tree breaks the layering: $(cat "$WORK/out.txt")"

mkdir -p "$WORK/tree"
cp -r "$ROOT/src" "$ROOT/include" "$WORK/tree/"
bash "$CHECK" "$WORK/tree" >/dev/null || fail "the copied tree breaks the layering"
printf '#include "pollux/train/trainer.h"\n' >>"$WORK/tree/src/lattice/golay.cpp"
line="$(wc -l <"$WORK/tree/src/lattice/golay.cpp")"
if bash "$CHECK" "$WORK/tree" >"$WORK/out.txt"; then fail "an include of train from lattice passed"; fi
grep -qF "src/lattice/golay.cpp:$line: lattice includes train, a layer after it" "$WORK/out.txt" \
  || fail "planted include not named: $(cat "$WORK/out.txt")"

# The optimizer layer sits above the model: the model may not reach up into it.
rm -rf "$WORK/tree"; mkdir -p "$WORK/tree"
cp -r "$ROOT/src" "$ROOT/include" "$WORK/tree/"
printf '#include "pollux/optim/optimizer.h"\n' >>"$WORK/tree/src/model/model.cpp"
line="$(wc -l <"$WORK/tree/src/model/model.cpp")"
if bash "$CHECK" "$WORK/tree" >"$WORK/out.txt"; then fail "an include of optim from model passed"; fi
grep -qF "src/model/model.cpp:$line: model includes optim, a layer after it" "$WORK/out.txt" \
  || fail "planted optim include not named: $(cat "$WORK/out.txt")"

rm -rf "$WORK/tree"; mkdir -p "$WORK/tree"
cp -r "$ROOT/src" "$ROOT/include" "$WORK/tree/"
mkdir "$WORK/tree/src/extra"
if bash "$CHECK" "$WORK/tree" >"$WORK/out.txt"; then fail "a folder outside the layer list passed"; fi
grep -q "folder 'extra' is not in the layer list" "$WORK/out.txt" || fail "unlisted folder: $(cat "$WORK/out.txt")"
echo "layering: all checks passed"
