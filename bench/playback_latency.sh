#!/usr/bin/env bash
# Playback start latency under LISTENERS (default 200) concurrent simulated listeners.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
work=$(mktemp -d)
cleanup() {
  [ -n "${CADENZA_PID:-}" ] && kill "$CADENZA_PID" 2>/dev/null && wait "$CADENZA_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
make_master "$work/master.flac" 60
start_cadenza "$work/data"
upload_track "$work/master.flac"
wait_ready 300
mkdir -p bench/results
node bench/playback_latency.mjs "$CADENZA_URL" "$TOKEN" "$TRACK_ID" |
  tee "bench/results/playback_latency-$(date -u +%Y%m%dT%H%M%SZ).txt"
