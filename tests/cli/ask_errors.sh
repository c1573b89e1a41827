#!/usr/bin/env bash
# `whyd ask` with bad flags and inputs: a clear message naming what is wrong and
# exit code 2 (usage/input) or 1 (refused); never a crash.
# Usage: ask_errors.sh WHYD_BINARY SOURCE_DIR
set -uo pipefail
whyd=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$whyd" import --db "$tmp/demo.db" "$src/examples/demo-tenant.json" >/dev/null || { echo "import failed"; exit 1; }
base=(--db "$tmp/demo.db" --rules "$src/rules" --tenant demo --at 2026-11-29T10:00:00Z)
passed=0
failed=0

# expect CODE MESSAGE-REGEX ARGS...
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$whyd" ask "$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -e "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    echo "FAIL: whyd ask $* -> rc=$rc (want $code), output: $out"
    failed=$((failed + 1))
  fi
}

expect 2 "--db, --tenant and --as are required" "why?"
expect 2 "give a question or --faq" "${base[@]}" --as u-adam
expect 2 "--at must be an ISO-8601" --db "$tmp/demo.db" --tenant demo --as u-adam --at tomorrow "why?"
expect 2 "unknown option --colour" "${base[@]}" --as u-adam --colour "why?"
expect 2 "--as needs a value" "${base[@]}" --as
expect 2 "cannot read $tmp/missing.csv" "${base[@]}" --as u-adam --csv "$tmp/missing.csv" "why?"
expect 2 "unknown FAQ id 'no-such-faq'" "${base[@]}" --as u-adam --faq no-such-faq
expect 2 "no account state is loaded for tenant 'nowhere'" --db "$tmp/demo.db" --rules "$src/rules" --tenant nowhere --as u-adam "why?"
expect 1 "may not see" "${base[@]}" --as u-bob --about u-jamie "why can't she log in?"
expect 1 "may not see" "${base[@]}" --as u-nobody "why can't I log in?"
printf 'not,a\x00csv' > "$tmp/binary.csv"
expect 2 "CSV line 1: binary data" "${base[@]}" --as u-adam --faq csv-ambiguous-case-owner --csv "$tmp/binary.csv"
echo '["not", "an object"]' > "$tmp/request.json"
expect 2 "API request must be a JSON object" "${base[@]}" --as u-adam --faq api-invalid-case-owner --api-request "$tmp/request.json"
expect 2 "no-rules: no such pack file or directory" --db "$tmp/demo.db" --rules "$tmp/no-rules" --tenant demo --as u-adam "why?"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
