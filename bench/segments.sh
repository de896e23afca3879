#!/usr/bin/env bash
# Serving one audio segment to many concurrent clients: Cadenza's token-authorised media
# route vs nginx serving the same file, wrk with the same threads/connections/duration.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-200}
THREADS=${THREADS:-2}
BENCH_WORK=$(mktemp -d)
work=$BENCH_WORK
trap 'stop_servers; rm -rf "$work"' EXIT

make_master "$work/master.flac" 60
start_cadenza "$work/data"
upload_track "$work/master.flac"
wait_ready 300
hls=$(curl -sf -H "Authorization: Bearer $TOKEN" "$CADENZA_URL/api/v1/tracks/$TRACK_ID/stream" | jq -r .hls)
segment_url="${hls%/master.m3u8}/aac_160/seg-00001.m4s"
mkdir -p "$work/www"
curl -sf "$segment_url" -o "$work/www/seg.m4s"

start_nginx "$work/www" "types { audio/mp4 m4s; }"

cmp <(curl -sf "$NGINX_URL/seg.m4s") "$work/www/seg.m4s"
size=$(wc -c < "$work/www/seg.m4s")
cadenza_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$segment_url")
nginx_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$NGINX_URL/seg.m4s")
c=$(rps <<<"$cadenza_out"); n=$(rps <<<"$nginx_out")
mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)  segment: $size bytes (aac_160)"
  echo "cadenza /media segment: $c req/s ($(transfer <<<"$cadenza_out")/s)"
  echo "nginx same file:        $n req/s ($(transfer <<<"$nginx_out")/s)"
  echo "ratio cadenza/nginx: $(awk -v c="$c" -v n="$n" 'BEGIN {printf "%.3f", c / n}')"
  grep -q "Non-2xx" <<<"$cadenza_out$nginx_out" && echo "WARNING: non-2xx responses (see below)"
  echo "--- cadenza"; echo "$cadenza_out"; echo "--- nginx"; echo "$nginx_out"
} | tee "bench/results/segments-$(date -u +%Y%m%dT%H%M%SZ).txt"
