#!/usr/bin/env bash
# Runs the browser test of the self-service page (tests/browser/page.test.mjs)
# when chromium, node and the npm packages are present; otherwise says why and
# passes, so that machines without a browser can still run the suite.
# Usage: browser_test.sh WHYD_BINARY SOURCE_DIR
set -euo pipefail
whyd=$(realpath "$1")
src=$(realpath "$2")
if ! command -v node >/dev/null || [ ! -x /usr/bin/chromium ]; then
  echo "SKIP: node or /usr/bin/chromium missing"
  exit 0
fi
if [ ! -d "$src/tests/browser/node_modules/playwright-core" ]; then
  echo "SKIP: run 'npm ci' in tests/browser first (scripts/test does)"
  exit 0
fi
cd "$src/tests/browser"
timeout 120 node page.test.mjs "$whyd"
cd "$src"  # --demo finds examples/ and rules/ from the source tree
timeout 120 node tests/browser/demo.test.mjs "$whyd"
