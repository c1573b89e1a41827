#!/usr/bin/env bash
# `whyd serve --max-ingest-mb N` bounds snapshot and records bodies: a body
# over the limit is a 413 problem and changes nothing, one under it is
# applied; a bad value is a usage error.
# Usage: serve_ingest_limit_test.sh WHYD_BINARY SOURCE_DIR
set -euo pipefail
whyd=$1
src=$2
work=$(mktemp -d)
trap 'kill -9 ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for bad in 0 -3 x 5000 ''; do
  "$whyd" serve --demo --max-ingest-mb "$bad" --listen 127.0.0.1:0 >/dev/null 2>"$work/usage.txt" && fail "--max-ingest-mb '$bad' accepted"
  grep -q 'max-ingest-mb wants 1..4096' "$work/usage.txt" || fail "no message for '$bad'"
done

(cd "$src" && exec "$whyd" serve --demo --max-ingest-mb 1 --listen 127.0.0.1:0 --access-log off) \
  >"$work/out.txt" 2>"$work/err.txt" &
server=$!
for _ in $(seq 1 250); do grep -q 'listening on' "$work/out.txt" && break; sleep 0.02; done
url=$(sed -n 's/^whyd: listening on \(http:[^ ]*\)$/\1/p' "$work/out.txt")
key=$(sed -n 's/^whyd: demo key[^:]*: //p' "$work/out.txt")
[ -n "$url" ] && [ -n "$key" ] || fail "no URL or key printed: $(cat "$work/out.txt" "$work/err.txt")"
send() {  # method path body-file
  curl -s -o "$work/reply.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' --data-binary "@$3" "${url}$2"
}

# The demo snapshot padded past 1 MiB with an unknown top-level key.
python3 - "$src/examples/demo-tenant.json" "$work/big.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["padding"] = "x" * (1 << 20)
json.dump(doc, open(sys.argv[2], "w"))
PY
[ "$(send PUT v1/tenants/demo/snapshot "$work/big.json")" = 413 ] || fail "over the limit: $(cat "$work/reply.json")"
grep -q '"status":413' "$work/reply.json" || fail "413 without a problem body"
cp "$src/examples/demo-tenant.json" "$work/small.json"
[ "$(send PUT v1/tenants/demo/snapshot "$work/small.json")" = 200 ] || fail "under the limit: $(cat "$work/reply.json")"
echo '{"upsert": {"users": [{"id": "u-new", "type": "learner", "status": "invited", "email": "new@x.test"}]}}' >"$work/records.json"
[ "$(send POST v1/tenants/demo/records "$work/records.json")" = 200 ] || fail "records: $(cat "$work/reply.json")"
echo "serve ingest limit: ok"
