#!/usr/bin/env bash
# Authenticated GET /api/v1/tracks/:id on Cadenza vs nginx serving the same bytes statically.
# Both listen on loopback; wrk runs with the same threads, connections and duration for each.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BENCH_WORK=$(mktemp -d)
work=$BENCH_WORK
trap 'stop_servers; rm -rf "$work"' EXIT

start_cadenza "$work/data"
head -c 65536 /dev/urandom > "$work/audio.bin"
upload_track "$work/audio.bin"
auth=(-H "Authorization: Bearer $TOKEN")
url="$CADENZA_URL/api/v1/tracks/$TRACK_ID"
mkdir -p "$work/www"
sleep 2  # let the (failing) processing of the random bytes settle so the body is stable
curl -sf "${auth[@]}" "$url" > "$work/www/track.json"

start_nginx "$work/www" "default_type application/json;"
cmp <(curl -sf "${auth[@]}" "$url") "$work/www/track.json"
cmp <(curl -sf "$NGINX_URL/track.json") "$work/www/track.json"

echo "body: $(wc -c < "$work/www/track.json") bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
cadenza_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${auth[@]}" "$url")
nginx_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$NGINX_URL/track.json")
c=$(rps <<<"$cadenza_out"); n=$(rps <<<"$nginx_out")
mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)"
  echo "cadenza GET /api/v1/tracks/:id (authenticated): $c req/s"
  echo "nginx static file, same body:                  $n req/s"
  echo "ratio cadenza/nginx: $(awk -v c="$c" -v n="$n" 'BEGIN {printf "%.3f", c / n}')"
  grep -q "Non-2xx" <<<"$cadenza_out$nginx_out" && echo "WARNING: non-2xx responses (see below)"
  echo "--- cadenza"; echo "$cadenza_out"; echo "--- nginx"; echo "$nginx_out"
} | tee "bench/results/track_get-$(date -u +%Y%m%dT%H%M%SZ).txt"
