#!/usr/bin/env bash
# `whyd serve` as a process: prints its URL, answers, reloads rules and the
# --config file on SIGHUP (a broken config keeps the old keys serving), lets
# only an operator key reload over HTTP, exits 0 after draining on SIGTERM;
# `whyd key new` prints tenant and operator keys and config lines that
# `whyd serve --config` accepts.
# Usage: serve_test.sh WHYD_BINARY SOURCE_DIR
set -euo pipefail
whyd=$1
work=$(mktemp -d)
trap 'kill -9 ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --threads takes a whole number of event threads, 1..4096, and nothing else.
for bad in 0 -3 2x 5000 ''; do
  "$whyd" serve --demo --threads "$bad" --listen 127.0.0.1:0 >/dev/null 2>"$work/usage.txt" && fail "--threads '$bad' accepted"
  grep -q "threads wants 1..4096, got '$bad'" "$work/usage.txt" || fail "no message for --threads '$bad'"
done

# whyd key new
"$whyd" key new --tenant acme --scopes ask,ingest --id bot >"$work/key.txt"
key=$(sed -n 's/^key: //p' "$work/key.txt")
[[ "$key" =~ ^whyd_[A-Za-z0-9_-]{43}$ ]] || fail "key format: $key"
grep -q "^- {id: bot, sha256: [0-9a-f]\{64\}, scopes: \[ask, ingest\]}$" "$work/key.txt" || fail "config line"
grep -q "$key" <(sed -n '/sha256/p' "$work/key.txt") && fail "the key itself is in the config line"
"$whyd" key new --tenant acme --scopes ask,fly >/dev/null 2>&1 && fail "unknown scope accepted"
"$whyd" key new --scopes ask >/dev/null 2>&1 && fail "missing tenant accepted"
"$whyd" serve --listen nowhere >/dev/null 2>&1 && fail "bad --listen accepted"

# whyd key new --operator
"$whyd" key new --operator --id oncall >"$work/operator.txt"
operator=$(sed -n 's/^key: //p' "$work/operator.txt")
[[ "$operator" =~ ^whyd_[A-Za-z0-9_-]{43}$ ]] || fail "operator key format: $operator"
grep -q "^- {id: oncall, sha256: [0-9a-f]\{64\}}$" "$work/operator.txt" || fail "operator config line"
"$whyd" key new --operator --tenant acme >/dev/null 2>&1 && fail "operator key with a tenant accepted"
"$whyd" key new --operator --scopes admin >/dev/null 2>&1 && fail "operator key with scopes accepted"
"$whyd" key new --tenant acme --scopes admin --id boss >"$work/admin.txt"
admin=$(sed -n 's/^key: //p' "$work/admin.txt")

# A config made from those lines is accepted; the key works for tenant acme.
write_config() {  # key files of tenant acme...
  echo "tenants:"; echo "  acme:"; echo "    keys:"
  for f in "$@"; do sed -n 's/^- /      - /p' "$f"; done
  echo "operators:"; sed -n 's/^- /  - /p' "$work/operator.txt"
}
write_config "$work/key.txt" "$work/admin.txt" >"$work/config.yaml"
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

status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
reloads() { grep -c '^whyd: reload' "$work/err.txt" || true; }
hup() {  # sends SIGHUP and waits for the reload's log line
  local before; before=$(reloads)
  kill -HUP "$server"
  for _ in $(seq 1 150); do [ "$(reloads)" -gt "$before" ] && return 0; sleep 0.02; done
  fail "SIGHUP did not reload"
}

# SIGHUP reads the config again: a new key works at once, a removed one stops.
"$whyd" key new --tenant acme --scopes ask --id bot2 >"$work/key2.txt"
key2=$(sed -n 's/^key: //p' "$work/key2.txt")
[ "$(status_of -H "Authorization: Bearer $key2" "${url}v1/faqs")" = 401 ] || fail "new key before reload"
write_config "$work/key2.txt" "$work/admin.txt" >"$work/config.yaml"
hup
grep -q '^whyd: reloaded: .*"reloaded":\["rules","config"\]' "$work/err.txt" || fail "SIGHUP reloaded not both"
kill -0 "$server" || fail "SIGHUP stopped the server"
[ "$(status_of -H "Authorization: Bearer $key2" "${url}v1/faqs")" = 200 ] || fail "new key after reload"
[ "$(status_of -H "Authorization: Bearer $key" "${url}v1/faqs")" = 401 ] || fail "removed key after reload"

# A broken config: the reload fails, says where, and the old keys keep serving.
printf 'tenants:\n  acme:\n    keys: {id: broken}\n' >"$work/config.yaml"
hup
grep -q 'reload failed (config)' "$work/err.txt" || fail "broken config not reported"
grep -q "config.yaml:3:11: tenants.acme.keys must be a list" "$work/err.txt" || fail "config error place"
[ "$(status_of -H "Authorization: Bearer $key2" "${url}v1/faqs")" = 200 ] || fail "old keys lost after a failed reload"

# Over HTTP only the operator may reload: a tenant's admin key is refused.
reload() { curl -s -o "$work/reload.json" -w '%{http_code}' -d '' "$@" "${url}v1/admin/reload"; }
[ "$(reload -H "Authorization: Bearer $admin")" = 403 ] || fail "tenant admin key reloaded"
grep -q '"status":403' "$work/reload.json" || fail "403 without problem body"
[ "$(reload)" = 401 ] || fail "reload without a key"
[ "$(reload -H "Authorization: Bearer $operator")" = 422 ] || fail "operator reload with a broken config"
grep -q '"path":"[^"]*config.yaml:3:11"' "$work/reload.json" || fail "reload body lacks the config error"
write_config "$work/key2.txt" "$work/admin.txt" >"$work/config.yaml"
[ "$(reload -H "Authorization: Bearer $operator")" = 200 ] || fail "operator reload"
grep -q '"reloaded":\["rules","config"\]' "$work/reload.json" || fail "reload body: $(cat "$work/reload.json")"
# The way an operator types it: curl -X POST sends no body and no Content-Length.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $operator" "${url}v1/admin/reload")
[ "$code" = 200 ] || fail "curl -X POST reload without a body: $code"
grep -q "$operator" "$work/access.log" "$work/err.txt" "$work/out.txt" && fail "the operator key was logged"

kill -TERM "$server"
rc=0
wait "$server" || rc=$?
server=
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"
grep -q 'stopped' "$work/err.txt" || fail "no drain message"
echo ok
