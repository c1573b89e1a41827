#!/usr/bin/env bash
# The listen queue of `whyd serve` and how SIGTERM drains it: an idle keep-alive client does not hold the
# process (it used to, for the whole keep-alive timeout), while a request that
# is still arriving when the signal lands is read, answered and closed; the
# process then exits 0. The time bound is a hang guard, not a benchmark.
# Usage: serve_drain_test.sh WHYD_BINARY SOURCE_DIR
set -euo pipefail
whyd=$1
work=$(mktemp -d)
trap 'kill -9 ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$whyd" serve --fake-backend --listen 127.0.0.1:0 --access-log off >"$work/out.txt" 2>"$work/err.txt" &
server=$!
for _ in $(seq 1 200); do grep -q 'listening on' "$work/out.txt" && break; sleep 0.02; done
port=$(sed -n 's/^whyd: listening on http:\/\/127.0.0.1:\([0-9]*\)\/$/\1/p' "$work/out.txt")
[ -n "$port" ] || fail "no port printed"
key=$(sed -n 's/^whyd: demo key[^:]*: //p' "$work/out.txt")
[ -n "$key" ] || fail "no demo key printed"

# The listen queue holds a burst of clients (httplib alone queues 5; the rest
# lose their SYN and wait a second). ss shows a listener's queue size as Send-Q.
if command -v ss >/dev/null; then
  backlog=$(ss -Hltn "sport = :$port" | awk '{print $3}')
  (( backlog >= 128 )) || fail "listen backlog is ${backlog:-unknown}"
fi

# An idle keep-alive connection: one answered request, then silence.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n' >&3
IFS= read -r -t 3 status_line <&3 || fail "no answer on the keep-alive connection"
[[ "$status_line" == "HTTP/1.1 200 OK"* ]] || fail "healthz: $status_line"

# A request in flight: its head is sent, its body is not yet complete.
body='{"asker": "u-1", "question": "why cannot I log in?"}'
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/tenants/demo/ask HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
  "$key" "${#body}" "${body:0:10}" >&4
sleep 0.2

start_ns=$(date +%s%N)
kill -TERM "$server"
sleep 0.2
kill -0 "$server" 2>/dev/null || fail "exited before the request in flight was answered"
printf '%s' "${body:10}" >&4
IFS= read -r -t 3 status_line <&4 || fail "the request in flight got no answer"
[[ "$status_line" == "HTTP/1.1 200 OK"* ]] || fail "request in flight: $status_line"
response=$(timeout 3 cat <&4 || true)
grep -qi "^Connection: close" <<<"$response" || fail "the drained response did not close its connection"
grep -q '"faq"' <<<"$response" || fail "the drained response has no answer body"

rc=0
wait "$server" || rc=$?
server=
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"
(( elapsed_ms < 3000 )) || fail "took ${elapsed_ms} ms to exit with an idle keep-alive client"
grep -q 'stopped' "$work/err.txt" || fail "no drain message"
# The idle connection was closed by the server, not left hanging.
timeout 3 cat <&3 >/dev/null || fail "the idle connection was not closed"
echo "ok (exit after ${elapsed_ms} ms)"
