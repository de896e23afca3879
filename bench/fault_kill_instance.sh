#!/usr/bin/env bash
# Fault: kill -9 one of the two API instances of the local cluster in the middle of a load run
# of authenticated GET /api/v1/tracks/:id through HAProxy, and count the requests that failed
# (wrk's socket errors and non-2xx answers) among all sent. Writes
# bench/results/fault_kill_instance-<time>.txt. Needs what deploy/local-cluster.sh needs, wrk, jq.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
cluster_up
head -c 65536 /dev/urandom > "$work/audio.bin"
upload_track "$work/audio.bin"
url="$CADENZA_URL/api/v1/tracks/$TRACK_ID"

wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$url" >"$work/wrk.txt" &
load=$!
sleep $(( DURATION / 4 ))
victim=$(cat "$CLUSTER_DIR/run/api1.pid")
kill -9 "$victim"
killed_at=$(date -u +%T)
wait "$load"

total=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
errors=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' "$work/wrk.txt")
failed=$(( ${non2xx:-0} + ${errors:-0} ))
mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  wrk -t2 -c$CONNECTIONS -d${DURATION}s"
  echo "api1 (pid $victim) killed with SIGKILL at $killed_at, $(( DURATION / 4 )) s into the run"
  echo "requests: $total  failed: $failed (non-2xx ${non2xx:-0}, socket errors ${errors:-0})"
  echo "failed ratio: $(awk -v f="$failed" -v t="$total" 'BEGIN {printf "%.4f%%", 100 * f / t}')"
  echo "---"; cat "$work/wrk.txt"
} | tee "bench/results/fault_kill_instance-$(date -u +%Y%m%dT%H%M%SZ).txt"
