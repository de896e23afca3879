#!/usr/bin/env bash
# Installs, builds and runs Cadenza on its embedded defaults: SQLite and blobs under ./data,
# listening on http://localhost:8080. Extra arguments go to `cadenza serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build
exec ./build/cadenza serve --data-dir ./data "$@"
