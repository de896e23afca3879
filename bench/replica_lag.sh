#!/usr/bin/env bash
# Replication lag of the local cluster's streaming replica while Cadenza writes: wrk creates
# playlists through HAProxy (every one a SERIALIZABLE write on the primary) while the
# primary's pg_stat_replication is sampled every 100 ms. Prints the write rate and the replay
# lag's median, p99 and maximum under that load (PostgreSQL's replay_lag: from the primary's
# WAL flush to the replica's replay); writes
# bench/results/replica_lag-<time>.txt. Needs what deploy/local-cluster.sh needs, wrk and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
cluster_up
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
primary_sql() {
  as_pg /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$(port pg_primary)" -U postgres -d cadenza \
    -qAtX -c "$1"
}

# Samples the replay lag in milliseconds until stopped. PostgreSQL keeps the last measured
# value while no WAL flows, so only samples taken under load mean anything.
sample_lag() { # out_file
  while :; do
    primary_sql "SELECT COALESCE(EXTRACT(epoch FROM replay_lag) * 1000, 0) FROM pg_stat_replication" >>"$1"
    sleep 0.1
  done
}

summary() { # file -> "median p99 max" in ms
  sort -n "$1" | awk '{v[NR] = $1} END {
    if (NR == 0) { print "no samples"; exit }
    p99 = int(NR * 0.99); if (p99 < 1) p99 = 1
    printf "median %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)", v[int((NR + 1) / 2)], v[p99], v[NR], NR
  }'
}

api="http://localhost:$(port haproxy_api)/api/v1"
TOKEN=$(curl -sf -H 'Content-Type: application/json' "$api/auth/register" \
  -d '{"email":"lag@example.org","password":"bench-password","displayName":"Lag","role":"listener"}' |
  jq -r .accessToken)
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"name":"replication probe"}'
LUA

sample_lag "$work/load.txt" & sampler=$!
load=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$work/post.lua" "$api/playlists")
kill "$sampler"; wait "$sampler" 2>/dev/null || true
written=$(primary_sql "SELECT count(*) FROM playlists")

mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  wrk -t2 -c$CONNECTIONS -d$DURATION POST /api/v1/playlists"
  echo "writes: $(rps <<<"$load") playlists/s through HAProxy ($written rows on the primary)"
  echo "replay lag under load: $(summary "$work/load.txt")"
  grep -q "Non-2xx" <<<"$load" && echo "WARNING: non-2xx responses (see below)"
  echo "--- wrk"; echo "$load"
} | tee "bench/results/replica_lag-$(date -u +%Y%m%dT%H%M%SZ).txt"
