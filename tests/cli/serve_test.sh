#!/usr/bin/env bash
# `whyd serve` as a process: prints its URL, answers, reloads on SIGHUP (and
# keeps the old rules when a reload fails is covered in tests/server), exits 0
# after draining on SIGTERM; `whyd key new` prints a key and a config line that
# `whyd serve --config` accepts.
# Usage: serve_test.sh WHYD_BINARY SOURCE_DIR
set -euo pipefail
whyd=$1
work=$(mktemp -d)
trap 'kill -9 ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# whyd key new
"$whyd" key new --tenant acme --scopes ask,ingest --id bot >"$work/key.txt"
key=$(sed -n 's/^key: //p' "$work/key.txt")
[[ "$key" =~ ^whyd_[A-Za-z0-9_-]{43}$ ]] || fail "key format: $key"
grep -q "^- {id: bot, sha256: [0-9a-f]\{64\}, scopes: \[ask, ingest\]}$" "$work/key.txt" || fail "config line"
grep -q "$key" <(sed -n '/sha256/p' "$work/key.txt") && fail "the key itself is in the config line"
"$whyd" key new --tenant acme --scopes ask,fly >/dev/null 2>&1 && fail "unknown scope accepted"
"$whyd" key new --scopes ask >/dev/null 2>&1 && fail "missing tenant accepted"
"$whyd" serve --listen nowhere >/dev/null 2>&1 && fail "bad --listen accepted"

# A config made from that line is accepted; the key works for tenant acme.
{ echo "tenants:"; echo "  acme:"; echo "    keys:"; sed -n 's/^- /      - /p' "$work/key.txt"; } >"$work/config.yaml"
"$whyd" serve --fake-backend --config "$work/config.yaml" --listen 127.0.0.1:0 \
  --access-log "$work/access.log" >"$work/out.txt" 2>"$work/err.txt" &
server=$!
for _ in $(seq 1 200); do grep -q 'listening on' "$work/out.txt" && break; sleep 0.02; done
url=$(sed -n 's/^whyd: listening on \(http[^ ]*\)$/\1/p' "$work/out.txt")
[ -n "$url" ] || fail "no URL printed"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "${url}v1/faqs")
[ "$code" = 200 ] || fail "configured key got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"asker":"u-1","question":"x"}' "${url}v1/tenants/demo/ask")
[ "$code" = 403 ] || fail "key of acme on tenant demo got $code"
grep -q "$key" "$work/access.log" "$work/err.txt" "$work/out.txt" && fail "the key was logged"
grep -q '"route":"/v1/faqs"' "$work/access.log" || fail "no access log line"

kill -HUP "$server"
for _ in $(seq 1 100); do grep -q 'rules reloaded' "$work/err.txt" && break; sleep 0.02; done
grep -q 'rules reloaded' "$work/err.txt" || fail "SIGHUP did not reload"
kill -0 "$server" || fail "SIGHUP stopped the server"

kill -TERM "$server"
rc=0
wait "$server" || rc=$?
server=
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"
grep -q 'stopped' "$work/err.txt" || fail "no drain message"
echo ok
