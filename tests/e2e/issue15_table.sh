#!/usr/bin/env bash
# The reliability tables of issues 15, 25 and 29 (tests/reliability/README.md): every numbered item has a row, and every
# test a row points to still exists in the file it names.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TABLE="$ROOT/tests/reliability/README.md"
for item in 1 2 3 4 5 6 7 8 9; do
  grep -qE "^\| $item[a-z]? \|" "$TABLE" || fail "item $item has no row in $TABLE"
done
for item in $(seq 14); do  # issue 25
  grep -qE "^\| 25\.$item[a-z]? \|" "$TABLE" || fail "issue 25 item $item has no row in $TABLE"
done
for item in 1 2 3 4 5 6 7 s1 s2 s3 s4 s5 s6 s7 s8; do  # issue 29
  grep -qE "^\| 29\.$item \|" "$TABLE" || fail "issue 29 item $item has no row in $TABLE"
done
count=0
while IFS= read -r ref; do
  file="$(sed -E 's/^`([^`]+)` › .*/\1/' <<<"$ref")"
  text="$(sed -E 's/^`[^`]+` › "(.*)"$/\1/; s/\\"/"/g; s/\\\|/|/g' <<<"$ref")"
  [ -f "$ROOT/$file" ] || fail "the table names $file, which does not exist"
  grep -qF -- "$text" "$ROOT/$file" || fail "the table points to \"$text\" in $file, which is not there"
  count=$((count + 1))
done < <(grep -oE '`[^`]+` › "([^"\\]|\\.)*"' "$TABLE")
[ $count -ge 20 ] || fail "only $count references found in $TABLE"
echo "$count references checked"
