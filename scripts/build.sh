#!/usr/bin/env bash
# Installs what is missing and builds into ./build (incremental: a second run only rebuilds
# what changed). Usage: scripts/build.sh [build|test|bench]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh "${1:-build}"
tests=ON
[ "${1:-build}" = build ] && tests=OFF
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCADENZA_BUILD_TESTS=$tests >/dev/null
cmake --build build -j "$(nproc)"
