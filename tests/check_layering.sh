#!/usr/bin/env bash
# The layering rule: a layer includes "pollux/<layer>/..." only of itself and of the layers
# listed before it at the top of src/CMakeLists.txt; every folder of src/ and include/pollux/
# is in that list. Usage: tests/check_layering.sh SOURCE_ROOT. Prints each violation as
# FILE:LINE and exits 1 when there is one.
set -euo pipefail
root="${1:?usage: check_layering.sh SOURCE_ROOT}"
list="$root/src/CMakeLists.txt"
[ -f "$list" ] || { echo "check_layering: cannot open $list" >&2; exit 1; }

# "#   name  description" lines of the comment that starts with "# Layers" (indented
# continuation lines do not match).
layers=()
while read -r name; do layers+=("$name"); done < <(awk '/^# Layers/ { on = 1; next } on && !/^#/ { exit }
  on && /^#   [a-z]/ { print $2 }' "$list")
[ ${#layers[@]} -gt 0 ] || { echo "check_layering: no layer list at the top of $list" >&2; exit 1; }
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

bad=0
for dir in "$root"/src/*/ "$root"/include/pollux/*/; do
  layer="$(basename "$dir")"
  if [ -z "${rank[$layer]+set}" ]; then
    echo "${dir%/}: folder '$layer' is not in the layer list of $list"; bad=1; continue
  fi
  while IFS=: read -r file line text; do
    used="${text#*\"pollux/}"; used="${used%%/*}"
    if [ -z "${rank[$used]+set}" ]; then
      echo "$file:$line: includes unknown layer '$used'"; bad=1
    elif [ "${rank[$used]}" -gt "${rank[$layer]}" ]; then
      echo "$file:$line: $layer includes $used, a layer after it"; bad=1
    fi
  done < <(grep -rnH '^[[:space:]]*#[[:space:]]*include[[:space:]]*"pollux/' "$dir" || true)
done
[ $bad = 0 ] && echo "layering: ${#layers[@]} layers, no include of a later layer"
exit $bad
