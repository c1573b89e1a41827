#!/usr/bin/env bash
# Instructions per HTTP ask through the whole server: `whyd serve --demo` runs
# under callgrind, counting only from Transport::Serve down (what an event
# thread does for a request: reading it, the HTTP layer, the pipeline, the
# JSON answer, writing it), while wrk sends bench/ask_rotate.lua's asks over 2
# connections. Prints the count divided by the requests answered.
#
#   bench/server_instructions.sh [WHYD_BINARY] [--seconds N] [-- extra serve args]
#
# Unlike req/s and latency on a shared 2-core machine, this barely moves from
# run to run (user-space instructions only: the kernel's part of send and
# receive is not in it), so it is the figure to compare two builds by. It
# needs wrk (scripts/setup installs it) and valgrind (`apt-get install
# valgrind`). Expect ~30 s: the server runs about 50x slower under callgrind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
whyd=${1:-$here/../build/whyd}
shift || true
seconds=4
serve_args=(--demo)
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --) shift; serve_args+=("$@"); break ;;
    *) echo "usage: $0 [WHYD_BINARY] [--seconds N] [-- serve args]" >&2; exit 2 ;;
  esac
done
for tool in valgrind callgrind_annotate wrk curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" --collect-atstart=no \
  --toggle-collect='whyd::Transport::Serve*' \
  "$whyd" serve "${serve_args[@]}" --listen "127.0.0.1:$port" --access-log off >"$work/log" 2>"$work/err" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.05
done
# The readiness probes above ran through Transport::Serve too: count them.
probes=1
export WHYD_TENANT=demo WHYD_USERS=demo
if [[ " ${serve_args[*]} " == *" --fake-backend "* ]]; then export WHYD_USERS=fake; fi
WHYD_KEY=$(sed -n 's/^whyd: demo key[^:]*: //p' "$work/log")
export WHYD_KEY
[ -n "$WHYD_KEY" ] || { echo "no demo key printed" >&2; exit 1; }
wrk -t1 -c2 -d"${seconds}s" --timeout 5s -s "$here/ask_rotate.lua" "http://127.0.0.1:$port" >"$work/wrk"
requests=$(awk '/requests in/{print $1}' "$work/wrk")
kill -TERM $server
wait $server 2>/dev/null || true
total=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",", "", $1); print $1}')
[ -n "$total" ] && [ "${requests:-0}" -gt 0 ] || { echo "no count: $(tail -3 "$work/err")" >&2; exit 1; }
echo "requests answered: $requests; instructions per request: $(( total / (requests + probes) ))"
