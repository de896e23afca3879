#!/usr/bin/env bash
# Search and browse latency over HTTP at a million tracks, on SQLite and on PostgreSQL.
# `cadenza dev seed` fills each database; a sample of the seeded titles and artists becomes a
# query mix (bench/search_queries.mjs: prefixes of 1-4 letters, whole words, two words,
# typos, words without their accents, CJK substrings) sent open-loop at RATE requests/s
# (bench/open_loop.mjs), together with the browse endpoints. Baseline in the same run: the same
# queries as the plain SQL a user might write instead (LIKE '%q%' over titles and artist
# names, ranked by plays) in the engine's own shell, timed per statement, without HTTP.
# Also reports the search index's size on disk and the server's RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
TRACKS=${TRACKS:-1000000}
RATE=${RATE:-100}
DURATION=${DURATION:-30}
ENGINES=${ENGINES:-sqlite postgres}
SAMPLE=${SAMPLE:-300}
BASELINE_QUERIES=${BASELINE_QUERIES:-60}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
BENCH_WORK=$(mktemp -d)
work=$BENCH_WORK
PG_ROOT=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { [ -n "$PG_ROOT" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m fast stop >/dev/null 2>&1; [ -n "$PG_ROOT" ] && rm -rf "$PG_ROOT"; return 0; }
trap 'stop_servers; stop_pg; rm -rf "$work"' EXIT
mkdir -p bench/results
out="bench/results/search-$(date -u +%Y%m%dT%H%M%SZ).txt"

# A throwaway PostgreSQL cluster on a free port; sets PG_URL (the role owns its database,
# enough for the trusted extensions unaccent and pg_trgm).
start_pg() {
  PG_ROOT=$(mktemp -d /tmp/cadenza-bench-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_ROOT"
  local port; port=$(free_port)
  as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg tee -a "$PG_ROOT/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_ROOT'
shared_buffers = 1GB
fsync = off
EOF
  as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/log" -w start >/dev/null
  psql -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE cadenza LOGIN" -c "CREATE DATABASE cadenza OWNER cadenza" >/dev/null
  PG_URL="postgresql://cadenza@127.0.0.1:$port/cadenza"
}

sql() { # engine statement
  if [ "$1" = sqlite ]; then sqlite3 -tabs "$work/sqlite/cadenza.db" "$2"
  else psql "$PG_URL" -X -q -A -t -F $'\t' -c "$2"; fi
}

# Per-group latency of the baseline statements ("group<TAB>statement" lines on stdin).
baseline() { # engine
  local engine=$1
  awk -F'\t' -v e="$engine" '{
      if (e == "sqlite") { print ".print @@G " $1; print $2 }
      else { print "\\echo @@G " $1; print $2 } }' |
    if [ "$engine" = sqlite ]; then
      { echo ".timer on"; cat; } |
        sqlite3 "$work/sqlite/cadenza.db" 2>&1
    else
      { echo "\\timing on"; cat; } | psql "$PG_URL" -X -q -A -t 2>&1
    fi |
    awk '/^@@G / {g = $2} /^Run Time: real/ {print g, $4 * 1000} /^Time: / {print g, $2}' |
    node -e '
      const byGroup = new Map();
      for (const line of require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)) {
        const [g, ms] = line.split(" ");
        for (const k of [g, "all"]) { if (!byGroup.has(k)) byGroup.set(k, []); byGroup.get(k).push(Number(ms)); }
      }
      for (const [g, ms] of byGroup) {
        ms.sort((a, b) => a - b);
        const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
        console.log(`${g.padEnd(10)} n=${String(ms.length).padStart(3)} p50=${at(0.5)} p95=${at(0.95)} p99=${at(0.99)} ms`);
      }'
}

index_size() { # engine
  if [ "$1" = sqlite ]; then
    sqlite3 "$work/sqlite/cadenza.db" "SELECT printf('%.1f MiB in %s', SUM(pgsize) / 1048576.0, group_concat(DISTINCT name))
      FROM dbstat WHERE name LIKE '%search%' OR name LIKE '%fts%' OR name LIKE '%trigram%' OR name LIKE '%vocab%'" 2>/dev/null ||
      echo "(dbstat unavailable)"
    echo "whole database: $(du -sh "$work/sqlite" | cut -f1)"
  else
    sql postgres "SELECT pg_size_pretty(SUM(pg_relation_size(c.oid))) || ' in ' || string_agg(c.relname, ', ')
      FROM pg_class c WHERE c.relkind IN ('i', 'r') AND (c.relname LIKE '%search%' OR c.relname LIKE '%trgm%' OR c.relname LIKE '%tsv%')"
    echo "whole database: $(sql postgres "SELECT pg_size_pretty(pg_database_size('cadenza'))")"
  fi
}

run_engine() { # engine
  local engine=$1 flags=() seed_start
  mkdir -p "$work/$engine"
  if [ "$engine" = postgres ]; then start_pg; flags=(--database-url "$PG_URL"); fi
  seed_start=$(date +%s)
  "$BIN" dev seed --data-dir "$work/$engine" "${flags[@]}" --tracks "$TRACKS" --random-seed 1
  echo "seeded $TRACKS tracks in $(( $(date +%s) - seed_start )) s"
  start_cadenza "$work/$engine" "${flags[@]}"
  local token
  token=$(curl -sf -H 'Content-Type: application/json' "$CADENZA_URL/api/v1/auth/register" \
    -d '{"email":"bench-listener@example.org","password":"bench-password","displayName":"Bench"}' | jq -r .accessToken)
  local order="random()"
  sql "$engine" "SELECT t.title, ar.name FROM tracks t JOIN albums al ON al.id = t.album_id
      JOIN artists ar ON ar.id = al.artist_id ORDER BY $order LIMIT $SAMPLE" > "$work/sample.tsv"
  node bench/search_queries.mjs < "$work/sample.tsv" > "$work/requests.jsonl"
  local artist; artist=$(sql "$engine" "SELECT id FROM artists ORDER BY id LIMIT 1")
  for path in /api/v1/browse/new-releases /api/v1/browse/popular "/api/v1/artists/$artist/top-tracks" \
              /api/v1/me/recently-played /api/v1/me/most-played; do
    if curl -sf -o /dev/null -H "Authorization: Bearer $token" "$CADENZA_URL$path"; then
      for _ in 1 2 3 4 5 6; do echo "{\"group\":\"browse\",\"path\":\"$path\"}"; done >> "$work/requests.jsonl"
    else
      echo "browse endpoint $path not served: left out"
    fi
  done
  echo "query mix: $(wc -l < "$work/requests.jsonl") requests; warm-up pass, then ${RATE}/s for ${DURATION}s open-loop"
  node bench/open_loop.mjs --url "$CADENZA_URL" --token "$token" --requests "$work/requests.jsonl" \
    --rate 50 --seconds "$(( $(wc -l < "$work/requests.jsonl") / 50 + 1 ))" > /dev/null
  node bench/open_loop.mjs --url "$CADENZA_URL" --token "$token" --requests "$work/requests.jsonl" \
    --rate "$RATE" --seconds "$DURATION"
  echo "server RSS: $(( $(ps -o rss= -p "$CADENZA_PID") / 1024 )) MiB"
  echo "search index: $(index_size "$engine")"
  echo "baseline, the same queries as LIKE '%word%' per word, ranked by plays, in the engine's shell (first $BASELINE_QUERIES):"
  node bench/search_queries.mjs --sql "$engine" < "$work/sample.tsv" | head -n "$BASELINE_QUERIES" | baseline "$engine"
  stop_servers; CADENZA_PID=""
  stop_pg; PG_ROOT=""
}

exec > >(tee "$out") 2>&1
echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  tracks: $TRACKS"
for engine in $ENGINES; do echo "=== $engine"; run_engine "$engine"; done
