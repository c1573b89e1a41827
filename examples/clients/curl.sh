#!/usr/bin/env bash
# A client's first calls against a running whyd, with curl.
#   WHYD_URL=http://127.0.0.1:8080 WHYD_KEY=<key> examples/clients/curl.sh
# With `whyd serve --demo`, the key is the one it prints and the tenant is "demo".
set -euo pipefail
url=${WHYD_URL:-http://127.0.0.1:8080}
key=${WHYD_KEY:?set WHYD_KEY to an API key (whyd serve --demo prints one)}
tenant=${WHYD_TENANT:-demo}
auth=(-H "Authorization: Bearer $key" -H "Content-Type: application/json")

echo "== ask: an admin asks why a learner cannot sign in"
curl -sS "${auth[@]}" "$url/v1/tenants/$tenant/ask" \
  -d '{"question": "why can'"'"'t Jamie Smith log in?", "asker": "u-adam", "as_of": "2026-11-29T10:00:00Z"}'
echo

echo "== ask: skip matching, name the FAQ and the subject"
curl -sS "${auth[@]}" "$url/v1/tenants/$tenant/ask" \
  -d '{"faq": "archive-blocked-by-ilr", "asker": "u-adam", "subject": {"user": "u-jamie"}}'
echo

echo "== triage: a ticket from an admin"
curl -sS "${auth[@]}" -H "X-Delivery-Id: ticket-1001" "$url/v1/tenants/$tenant/triage" \
  -d '{"subject": "locked out", "body": "Jamie Smith cannot get into her account", "requester": "adam.leeds@demo-training.test"}'
echo

echo "== the FAQ catalogue"
curl -sS "${auth[@]}" "$url/v1/faqs" | head -c 400
echo
