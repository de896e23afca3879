#!/usr/bin/env bash
# Authenticated GET /api/v1/tracks/:id through HAProxy on the local cluster (PostgreSQL with a
# streaming replica, S3), with both API instances in rotation and then with one, beside one
# `cadenza serve` on SQLite, all measured in one run with the same wrk settings. Prints each
# rate and the ratios; writes bench/results/track_get_cluster-<time>.txt.
# Needs what deploy/local-cluster.sh needs, and wrk and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
cluster_up

# HAProxy's admin socket: take an instance out of rotation or put it back.
haproxy_admin() {
  node -e 'const s=require("net").connect(process.argv[1],()=>s.end(process.argv[2]+"\n"));s.pipe(process.stdout)' \
    "$CLUSTER_DIR/run/haproxy.sock" "$1"
}

measure() { # url -> wrk output
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$1"
}

head -c 65536 /dev/urandom > "$work/audio.bin"
upload_track "$work/audio.bin"
cluster_url="$CADENZA_URL/api/v1/tracks/$TRACK_ID"
sleep 2  # let the (failing) processing of the random bytes settle
curl -sf -H "Authorization: Bearer $TOKEN" "$cluster_url" > "$work/cluster.json"

two=$(measure "$cluster_url")
haproxy_admin "disable server api/api2" >/dev/null
one=$(measure "$cluster_url")
haproxy_admin "enable server api/api2" >/dev/null

# The embedded defaults on the same machine in the same run.
unset TOKEN ALBUM_ID
start_cadenza "$work/sqlite"
upload_track "$work/audio.bin"
sleep 2
sqlite=$(measure "$CADENZA_URL/api/v1/tracks/$TRACK_ID")

r2=$(rps <<<"$two"); r1=$(rps <<<"$one"); rs=$(rps <<<"$sqlite")
mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
  echo "HAProxy -> 2 API instances, PostgreSQL + replica: $r2 req/s"
  echo "HAProxy -> 1 API instance,  PostgreSQL + replica: $r1 req/s"
  echo "one instance on SQLite, no proxy:                 $rs req/s"
  echo "scaling 2/1 instances: $(awk -v a="$r2" -v b="$r1" 'BEGIN {printf "%.3f", a / b}')"
  echo "cluster (1 instance) / SQLite: $(awk -v a="$r1" -v b="$rs" 'BEGIN {printf "%.3f", a / b}')"
  grep -q "Non-2xx" <<<"$two$one$sqlite" && echo "WARNING: non-2xx responses (see below)"
  echo "--- two instances"; echo "$two"; echo "--- one instance"; echo "$one"; echo "--- SQLite"; echo "$sqlite"
} | tee "bench/results/track_get_cluster-$(date -u +%Y%m%dT%H%M%SZ).txt"
