#!/usr/bin/env bash
# `cadenza dev seed --tracks N` on SQLite and on a throwaway PostgreSQL cluster: wall time,
# rows/s and the database's size on disk. TRACKS=1000000 by default; ENGINES="sqlite postgres".
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
TRACKS=${TRACKS:-1000000}
ENGINES=${ENGINES:-sqlite postgres}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
mkdir -p bench/results
OUT=bench/results/seed-$(date -u +%Y%m%dT%H%M%SZ).txt

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

seed_sqlite() {
  local dir; dir=$(mktemp -d)
  /usr/bin/time -f '%e s wall, %M KiB peak RSS' "$BIN" dev seed --tracks "$TRACKS" --data-dir "$dir" \
    --log-level warn 2>&1 | grep -v '^\[' | tee -a "$OUT"
  echo "sqlite size on disk: $(du -sh --apparent-size "$dir" | cut -f1) ($(ls "$dir"))" | tee -a "$OUT"
  rm -rf "$dir"
}

seed_postgres() {
  local dir port; dir=$(mktemp -d); port=$(free_port)
  chmod 755 "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_postgres "$PG_BIN/initdb" -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D "$dir/data" >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -w -D "$dir/data" -l "$dir/log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
  trap 'as_postgres "$PG_BIN/pg_ctl" -w -m fast -D "'"$dir"'/data" stop >/dev/null; rm -rf "'"$dir"'"' EXIT
  local url="postgresql://postgres@127.0.0.1:$port/postgres"
  local data; data=$(mktemp -d)
  /usr/bin/time -f '%e s wall, %M KiB peak RSS' "$BIN" dev seed --tracks "$TRACKS" --data-dir "$data" \
    --database-url "$url" --log-level warn 2>&1 | grep -v '^\[' | tee -a "$OUT"
  echo "postgres size on disk: $(psql -At "$url" -c "SELECT pg_size_pretty(pg_database_size('postgres'))")" \
       "(tracks table with indexes: $(psql -At "$url" -c "SELECT pg_size_pretty(pg_total_relation_size('tracks'))"))" \
    | tee -a "$OUT"
  rm -rf "$data"
}

echo "cadenza dev seed --tracks $TRACKS ($(git rev-parse --short HEAD), $(nproc) cores)" | tee "$OUT"
for engine in $ENGINES; do "seed_$engine"; done
echo "written to $OUT"
