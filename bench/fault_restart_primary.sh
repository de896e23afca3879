#!/usr/bin/env bash
# Fault: restart the PostgreSQL primary of the local cluster (pg_ctl restart -m fast) while a
# probe sends an authenticated GET /api/v1/tracks/:id through HAProxy every 50 ms (each capped
# at 10 s). Prints how the 400 probes were answered (status, count, slowest) and whether the
# service answers by itself afterwards; writes bench/results/fault_restart_primary-<time>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
cluster_up
head -c 65536 /dev/urandom > "$work/audio.bin"
upload_track "$work/audio.bin"
url="$CADENZA_URL/api/v1/tracks/$TRACK_ID"
# One request every 50 ms for 20 s, each with a 10 s cap; record status and time.
( for i in $(seq 400); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 -H "Authorization: Bearer $TOKEN" "$url" &
    sleep 0.05
  done; wait ) > "$work/probe.txt" &
probe=$!
sleep 4
root=$(cat "$CLUSTER_DIR/pg.path")
t0=$(date +%s.%N)
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$root/primary" -m fast -w restart >/dev/null
t1=$(date +%s.%N)
wait $probe
mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)"
  echo "primary restart took $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s"
  sort "$work/probe.txt" | awk '{c[$1]++; if ($2>m[$1]) m[$1]=$2} END {for (k in c) printf "status %s: %d (slowest %.3f s)\n", k, c[k], m[k]}'
  # After the outage: does it serve again by itself?
  curl -s -o /dev/null -w 'afterwards: %{http_code}\n' -H "Authorization: Bearer $TOKEN" "$url"
} | tee "bench/results/fault_restart_primary-$(date -u +%Y%m%dT%H%M%SZ).txt"
