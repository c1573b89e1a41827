#!/usr/bin/env bash
# HTTP benchmark of `whyd serve`: POST ask at 1, 8 and 64 keep-alive
# connections with wrk (bench/ask_rotate.lua rotates questions, askers and
# subjects), plus cold start to ready. Reports req/s, p50/p99/max latency,
# errors, how long a new client waited mid-run, and the server's CPU time (user
# + system) per request, which a machine shared with other work disturbs far
# less than req/s or latency; fails when a run has errors
# or a client was starved (a request over 1.5 s, or the probe over 1 s). It
# starts with build/bench/cpu_jitter, the spread this machine puts on a fixed
# 100 us of work, which no server on it can beat.
#
#   bench/http_bench.sh [WHYD_BINARY] [--duration SECONDS] [--repeat N] [-- extra serve args]
#
# Tail latency on a shared machine varies from run to run; --repeat runs each
# connection count N times so that the spread shows.
#
# By default it serves the demo tenant through the real pipeline (--demo:
# matching, facts, rules, explanations). `-- --fake-backend` measures the HTTP
# layer alone (auth, parsing, JSON, logs, metrics) with canned answers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
whyd=${1:-$here/../build/whyd}
shift || true
duration=5
repeat=1
serve_args=(--demo)
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --) shift; serve_args=("$@"); break ;;
    *) echo "usage: $0 [WHYD_BINARY] [--duration S] [--repeat N] [-- serve args]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/setup installs it)" >&2; exit 2; }

# The machine's own steadiness first: a fixed 100 us of arithmetic, repeated.
# An HTTP p99 here cannot be better than what the machine does to that work.
jitter=$(dirname "$whyd")/bench/cpu_jitter
if [ -x "$jitter" ]; then "$jitter" --seconds 2; fi

port=$((20000 + RANDOM % 20000))
out=$(mktemp)
start_ns=$(date +%s%N)
"$whyd" serve "${serve_args[@]}" --listen "127.0.0.1:$port" --access-log off >"$out" 2>/dev/null &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$out" "$out.wrk"' EXIT
for _ in $(seq 1 500); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.005
done
ready_ns=$(date +%s%N)
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "whyd serve did not become ready" >&2; exit 1; }
echo "cold start to ready: $(( (ready_ns - start_ns) / 1000000 )) ms"

export WHYD_TENANT=demo
# The rotation's askers and subjects: the demo cast, or the fake backend's users.
if [[ " ${serve_args[*]} " == *" --fake-backend "* ]]; then export WHYD_USERS=fake; else export WHYD_USERS=demo; fi
WHYD_KEY=$(sed -n 's/^whyd: demo key[^:]*: //p' "$out")
export WHYD_KEY
[ -n "$WHYD_KEY" ] || { echo "no demo key printed" >&2; exit 1; }

status=0
printf '%-12s %10s %9s %9s %9s %8s %7s %9s %10s\n' connections req/s p50_us p99_us max_us non200 errors probe_ms cpu_us/req
clock_ticks=$(getconf CLK_TCK)
server_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
for connections in 1 8 64; do
  for _ in $(seq 1 "$repeat"); do
    threads=$(( connections < 2 ? 1 : 2 ))
    ticks_before=$(server_ticks)
    wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 2s -s "$here/ask_rotate.lua" \
        "http://127.0.0.1:$port" >"$out.wrk" &
    wrk_pid=$!
    # wrk does not report a connection that is never answered, so a fresh client
    # probes while it runs: a server that gave each keep-alive client a thread
    # from a fixed pool made it wait until some connection's keep-alive ended.
    sleep $(( duration / 2 ))
    probe_ms=$(curl -s -o /dev/null --max-time 3 -w '%{time_total}' "http://127.0.0.1:$port/healthz" |
               awk '{printf "%d", $1 * 1000}') || probe_ms=3000
    wait $wrk_pid
    ticks_after=$(server_ticks)
    line=$(grep '^RESULT' "$out.wrk")
    eval "$(echo "$line" | sed 's/^RESULT //')"
    errors=$((connect + read + write + timeout))
    cpu_us=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$clock_ticks" -v n="$requests" \
             'BEGIN { printf "%d", (n > 0 ? t * 1e6 / hz / n : 0) }')
    printf '%-12s %10s %9s %9s %9s %8s %7s %9s %10s\n' "$connections" "$rps" "$p50_us" "$p99_us" "$max_us" \
      "$non200" "$errors" "$probe_ms" "$cpu_us"
    if [ "$errors" -ne 0 ] || [ "$non200" -ne 0 ]; then
      echo "  FAIL: $errors socket errors, $non200 non-200 answers" >&2
      status=1
    fi
    if [ "$max_us" -gt 1500000 ] || [ "$probe_ms" -gt 1000 ]; then
      echo "  FAIL: starved: slowest request ${max_us} us, a new client waited ${probe_ms} ms" >&2
      status=1
    fi
  done
done
exit $status
