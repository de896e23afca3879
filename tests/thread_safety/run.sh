#!/usr/bin/env bash
# Builds the library targets with clang and -Wthread-safety -Werror=thread-safety, so that
# guarded state touched without its mutex (base/mutex.h annotations) fails the suite, then
# proves the check works on probe.cc.
#   run.sh SOURCE_DIR BUILD_DIR CLANG++ [COMPILER_LAUNCHER]
# BUILD_DIR is kept between runs: only what changed is rebuilt.
set -euo pipefail
src=$1 build=$2 cxx=$3 launcher=${4:-}
flags="-Wthread-safety -Werror=thread-safety"

if [ ! -f "$build/build.ninja" ]; then
  # Debug: the analysis needs no optimiser, and -O0 compiles fastest. No tests, no web app.
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_CXX_FLAGS="$flags" -DCADENZA_BUILD_TESTS=OFF -DCADENZA_WEB=OFF \
    ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} >/dev/null
fi
cmake --build "$build" -j2

probe() { # number; expects a failure naming the broken rule unless number is 0
  local log
  if log=$("$cxx" -std=c++20 -fsyntax-only $flags -DPROBE="$1" -I"$build/layers/base" \
             "$src/tests/thread_safety/probe.cc" 2>&1); then
    [ "$1" -eq 0 ] && return 0
    echo "thread_safety: probe $1 compiled, yet it breaks a locking rule"; return 1
  fi
  if [ "$1" -eq 0 ]; then echo "thread_safety: the correct probe does not compile:"; echo "$log"; return 1; fi
  if ! grep -q "requires holding mutex\|calling function .* requires holding" <<<"$log"; then
    echo "thread_safety: probe $1 failed for another reason:"; echo "$log"; return 1
  fi
}
probe 0
for n in 1 2 3; do probe $n; done
echo "thread_safety: ok (the library targets build clean; probes 1-3 are refused)"
