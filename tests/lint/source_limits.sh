#!/usr/bin/env bash
# Keeps source files small enough to read in one sitting: no file under src/ may pass
# MAX_LINES lines (functions are held to 80 lines by clang-tidy's readability-function-size).
# Usage: source_limits.sh SOURCE_DIR [MAX_LINES]
set -euo pipefail
src=$1 max=${2:-450}
cd "$src"
over=$(find src \( -name '*.cc' -o -name '*.h' \) -print0 | xargs -0 wc -l |
       awk -v max="$max" '$2 != "total" && $1 > max { print "  " $2 ": " $1 " lines" }')
if [ -n "$over" ]; then
  echo "source files over $max lines (split them by concern):"
  echo "$over"
  exit 1
fi
echo "source_limits: every file under src/ has at most $max lines"
