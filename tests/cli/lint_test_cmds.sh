#!/usr/bin/env bash
# `whyd lint` and `whyd test` on the shipped packs and on broken ones: exit
# codes (0 ok, 1 check failed, 2 usage) and file:line:col messages.
# Usage: lint_test_cmds.sh <whyd-binary> <source-dir>
set -u
whyd="$1"
src="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

expect_exit() {  # expected-code description command...
  local want="$1" what="$2"; shift 2
  "$@" >"$tmp/out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then fail "$what: exit $got, want $want"; cat "$tmp/out"; fi
}
expect_output() {  # description pattern
  if ! grep -qE -- "$2" "$tmp/out"; then fail "$1: output lacks /$2/"; cat "$tmp/out"; fi
}

# The shipped packs lint clean and their tests pass with full condition coverage.
expect_exit 0 "lint rules/" "$whyd" lint "$src/rules"
expect_output "lint summary" "^0 error\(s\)"
expect_exit 0 "test rules/" "$whyd" test "$src/rules" --min-coverage 95
expect_output "test summary" "[0-9]+ passed, 0 failed"
expect_exit 0 "test --json" "$whyd" test "$src/rules" --json
expect_output "json ok" '"ok": true'

# Usage errors.
expect_exit 2 "lint without DIR" "$whyd" lint
expect_exit 2 "test with a bad option" "$whyd" test "$src/rules" --bogus
expect_exit 2 "coverage above 100" "$whyd" test "$src/rules" --min-coverage 150
expect_exit 2 "unreadable causes file" "$whyd" lint "$src/rules" --causes "$tmp/missing.yaml"

# A broken pack: errors with their positions, exit 1.
mkdir -p "$tmp/bad"
cat >"$tmp/bad/bad.yaml" <<'YAML'
pack: bad
version: 1
faqs:
  - {id: account-locked, title: t, subject: user}
rules:
  - id: bad.r
    faq: account-locked
    cause: acount_locked
    severity: blocking
    whne: user.locked_until > now()
    explain: "{user.nmae}"
tests:
  - name: t
    faq: account-locked
    at: 2026-11-29T10:00:00Z
    facts: {user: {locked_until: 2026-11-29T11:00:00Z}}
    expect: {holds: [acount_locked]}
YAML
expect_exit 1 "lint a broken pack" "$whyd" lint "$tmp/bad" --causes "$src/../shared/spec/causes.yaml"
expect_output "unknown key" "bad.yaml:10:5: error: unknown key 'whne' in rule \(did you mean 'when'\?\)"
expect_output "missing when" "bad.yaml:6:5: error: rule is missing required key 'when'"
expect_output "unknown fact" "bad.yaml:11:21: error: in .explain.: unknown field 'nmae'"
if [ -f "$src/../shared/spec/causes.yaml" ]; then
  expect_output "unknown cause" "bad.yaml:8:12: error: cause 'acount_locked' is not a cause of FAQ 'account-locked'.*did you mean 'account_locked'"
  expect_output "uncovered cause" "warning: cause 'lock_lifted' of FAQ 'account-locked' has no rule"
fi
expect_exit 1 "lint --json on a broken pack" "$whyd" lint "$tmp/bad" --json
expect_output "json issues" '"line": 10'
expect_exit 1 "test a pack that does not compile" "$whyd" test "$tmp/bad"

# A pack whose test fails: the failure names the test's line; coverage gate.
mkdir -p "$tmp/failing"
cat >"$tmp/failing/f.yaml" <<'YAML'
pack: f
version: 1
faqs:
  - {id: account-locked, title: t, subject: user}
rules:
  - id: f.locked
    faq: account-locked
    cause: account_locked
    severity: blocking
    when: user.locked_until > now()
    explain: "locked until {user.locked_until | clock}"
tests:
  - name: lock ends now
    faq: account-locked
    at: 2026-11-29T10:00:00Z
    facts: {user: {locked_until: 2026-11-29T10:00:00Z}}
    expect: {holds: [account_locked]}
YAML
expect_exit 1 "failing pack test" "$whyd" test "$tmp/failing"
expect_output "failure location" "f.yaml:13:5: error: test 'lock ends now': expected account_locked to hold, but it did not hold"
sed -i 's/holds: \[account_locked\]/not_holds: [account_locked]/' "$tmp/failing/f.yaml"
expect_exit 0 "fixed pack test" "$whyd" test "$tmp/failing"
expect_exit 1 "coverage gate" "$whyd" test "$tmp/failing" --min-coverage 90
expect_output "coverage message" "below --min-coverage"

# Syntax errors in YAML are reported with a position, never a crash.
mkdir -p "$tmp/syntax"
printf 'pack: s\nversion: 1\nfaqs: [\n' >"$tmp/syntax/s.yaml"
expect_exit 1 "yaml syntax error" "$whyd" lint "$tmp/syntax"
expect_output "syntax position" "s.yaml:4:1: error: YAML syntax error"

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all lint/test command checks passed"
