#!/usr/bin/env bash
# Runs the browser tests: headless Chromium (/usr/bin/chromium) against a real `cadenza serve`.
#   CADENZA_BIN   the cadenza binary (required); by default it must serve the web app at /
#   E2E_WEB_DIR   a built web app folder to serve with --web-dir instead of the embedded one
#   E2E_VITE=1    serve the app from Vite's dev server over web/ (development)
#   E2E_ARTIFACTS where screenshots go (default ./e2e-artifacts)
# One test file at a time: each starts its own server and browser on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/dashjs ]; then
  npm ci --no-audit --no-fund
fi
if [ $# -eq 0 ]; then set -- .; fi
if node --test-concurrency=1 -e 0 >/dev/null 2>&1; then
  exec node --test --test-concurrency=1 "$@"
fi
# Node.js before 20.10 (Debian 12's 18.x) cannot be told: one `node --test` per file.
status=0
while IFS= read -r -d '' file; do
  node --test "$file" || status=1
done < <(find "$@" -name '*.test.mjs' -not -path '*/node_modules/*' -print0 | sort -z)
exit "$status"
