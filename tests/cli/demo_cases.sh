#!/usr/bin/env bash
# Checks every row of docs/demo-cases.md against `whyd ask --json` on the demo tenant.
# Usage: demo_cases.sh WHYD_BINARY SOURCE_DIR
set -euo pipefail
whyd=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$whyd" import --db "$tmp/demo.db" "$src/examples/demo-tenant.json" >/dev/null

failures=0
rows=0
while IFS='|' read -r _ asker about other faq causes _; do
  asker=$(echo $asker); about=$(echo $about); other=$(echo $other); faq=$(echo $faq)
  [[ "$asker" == u-* ]] || continue
  rows=$((rows + 1))
  args=(--db "$tmp/demo.db" --rules "$src/rules" --tenant demo --at 2026-11-29T10:00:00Z --as "$asker" --faq "$faq" --json)
  [ -n "$about" ] && args+=(--about "$about")
  [ -n "$other" ] && args+=(--other "$other")
  set +e
  out=$("$whyd" ask "${args[@]}" 2>&1)
  rc=$?
  set -e
  if [ "$(echo $causes)" = "refused" ]; then
    if [ $rc -ne 1 ] || ! grep -q "may not see" <<<"$out"; then
      echo "FAIL: $asker about $about/$other ($faq) should be refused, got rc=$rc: $out"
      failures=$((failures + 1))
    fi
    continue
  fi
  if [ $rc -ne 0 ]; then
    echo "FAIL: $asker about $about/$other ($faq): rc=$rc: $out"
    failures=$((failures + 1))
    continue
  fi
  found=$(python3 -c 'import json,sys; print(" ".join(f["cause"] for f in json.load(sys.stdin)["findings"]))' <<<"$out")
  for cause in $causes; do
    if ! grep -qw "$cause" <<<"$found"; then
      echo "FAIL: $asker about $about/$other ($faq): expected $cause, found: $found"
      failures=$((failures + 1))
    fi
  done
done < "$src/docs/demo-cases.md"

if [ "$rows" -lt 20 ]; then
  echo "FAIL: only $rows rows read from docs/demo-cases.md"
  exit 1
fi
echo "$((rows - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
