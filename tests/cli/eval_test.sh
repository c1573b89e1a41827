#!/usr/bin/env bash
# `whyd eval`: figures as JSON on a small labelled file, and clear exit code 2
# errors for a missing file, a malformed line and a missing --rules.
set -euo pipefail
whyd="$1"
src="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

out="$("$whyd" eval --rules "$src/rules" "$src/tests/knowledge/data/eval_sample.jsonl" --json)"
for key in top1 top3 oos_recall false_reject p50_us p99_us calibration confused; do
  echo "$out" | grep -q "\"$key\"" || { echo "missing key $key in: $out"; exit 1; }
done
echo "$out" | grep -q '"questions":5' || { echo "expected 5 questions: $out"; exit 1; }

"$whyd" eval --rules "$src/rules" "$src/tests/knowledge/data/eval_sample.jsonl" | grep -q "top-1 accuracy" \
  || { echo "text report lacks top-1 accuracy"; exit 1; }

set +e
"$whyd" eval --rules "$src/rules" "$tmp/nope.jsonl" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "nope.jsonl" "$tmp/err" || { echo "missing file: rc=$rc $(cat "$tmp/err")"; exit 1; }

printf '{"q": "fine", "faq": null}\n{"q": 42}\n' > "$tmp/bad.jsonl"
"$whyd" eval --rules "$src/rules" "$tmp/bad.jsonl" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "bad.jsonl:2" "$tmp/err" || { echo "bad line: rc=$rc $(cat "$tmp/err")"; exit 1; }

"$whyd" eval "$tmp/bad.jsonl" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] || { echo "no --rules: rc=$rc"; exit 1; }
echo "eval_test: ok"
