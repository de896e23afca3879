#!/usr/bin/env bash
# Runs the black-box suite with node's test runner: every file, or the files named. Two files
# at a time where this node supports choosing (20.10+); older ones (Debian 12's 18.x) run them
# one after another.
set -euo pipefail
cd "$(dirname "$0")"
flags=()
if node --test-concurrency=2 -e 0 >/dev/null 2>&1; then flags+=(--test-concurrency=2); fi
exec node --test "${flags[@]}" "${@:-.}"
