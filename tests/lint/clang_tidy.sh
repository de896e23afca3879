#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy (curated checks, warnings as errors) over
# every translation unit of src/, using the build's compile database. Any finding fails.
# Usage: clang_tidy.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
[ -f "$build/compile_commands.json" ] || { echo "no compile_commands.json in $build" >&2; exit 1; }
tidy=$(command -v clang-tidy || command -v clang-tidy-14) ||
  { echo "clang-tidy is missing (Debian package clang-tidy)" >&2; exit 1; }
cd "$src"
mapfile -t files < <(find src -name '*.cc' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no sources under $src/src" >&2; exit 1; }
echo "clang-tidy: ${#files[@]} files"
# Two at a time: the checks parse Boost.Beast and Asio, which takes a core per file.
# clang-tidy prints its findings on stdout and its "N warnings generated" chatter on stderr.
if printf '%s\n' "${files[@]}" | xargs -P 2 -n 4 "$tidy" -p "$build" --quiet 2>/dev/null; then
  echo "clang-tidy: no findings"
else
  echo "clang-tidy: findings above (fix them, or justify a NOLINT(check) where the check is wrong)" >&2
  exit 1
fi
