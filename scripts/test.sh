#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (unit tests, layering check, black-box HTTP
# tests against a real server). Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh test
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
