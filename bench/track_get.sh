#!/usr/bin/env bash
# Authenticated GET /api/v1/tracks/:id on Cadenza vs nginx serving the same bytes statically.
# Both listen on loopback; wrk runs with the same threads, connections and duration for each.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BIN=${CADENZA_BIN:-./build/cadenza}
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v jq >/dev/null ||
  bash scripts/install-deps.sh bench

work=$(mktemp -d)
cleanup() {
  [ -n "${cadenza_pid:-}" ] && kill "$cadenza_pid" 2>/dev/null && wait "$cadenza_pid" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
cport=$(free_port)
"$BIN" serve --data-dir "$work/data" --listen "127.0.0.1:$cport" --log-level warn &
cadenza_pid=$!
base="http://127.0.0.1:$cport"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

json() { curl -sf -H 'Content-Type: application/json' "$@"; }
token=$(json "$base/api/v1/auth/register" -d '{"email":"bench@example.org","password":"bench-password","displayName":"Bench","role":"artist"}' | jq -r .accessToken)
auth=(-H "Authorization: Bearer $token")
artist=$(json "${auth[@]}" "$base/api/v1/artists" -d '{"name":"Bench Artist"}' | jq -r .id)
album=$(json "${auth[@]}" "$base/api/v1/albums" -d "{\"artistId\":\"$artist\",\"title\":\"Bench Album\"}" | jq -r .id)
slot=$(curl -sf "${auth[@]}" "$base/api/v1/tracks/upload-url")
head -c 65536 /dev/urandom > "$work/audio.bin"
curl -sf -T "$work/audio.bin" "$(jq -r .uploadUrl <<<"$slot")" >/dev/null
track=$(json "${auth[@]}" "$base/api/v1/tracks" -d "{\"albumId\":\"$album\",\"title\":\"Bench Track\",\"trackUrl\":\"$(jq -r .trackUrl <<<"$slot")\"}" | jq -r .id)
mkdir -p "$work/www"
curl -sf "${auth[@]}" "$base/api/v1/tracks/$track" > "$work/www/track.json"

nport=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nport/track.json" >/dev/null && break; sleep 0.1; done

cmp <(curl -sf "${auth[@]}" "$base/api/v1/tracks/$track") "$work/www/track.json"
rps() { awk '/Requests\/sec/ {print $2}'; }
echo "body: $(wc -c < "$work/www/track.json") bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
cadenza_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${auth[@]}" "$base/api/v1/tracks/$track")
nginx_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$nport/track.json")
c=$(rps <<<"$cadenza_out"); n=$(rps <<<"$nginx_out")
non2xx=$(grep -c "Non-2xx" <<<"$cadenza_out" || true)
ratio=$(awk -v c="$c" -v n="$n" 'BEGIN {printf "%.3f", c / n}')
mkdir -p bench/results
{
  echo "date: $(date -u +%FT%TZ)  cores: $(nproc)"
  echo "cadenza GET /api/v1/tracks/:id (authenticated): $c req/s"
  echo "nginx static file, same body:                  $n req/s"
  echo "ratio cadenza/nginx: $ratio"
  [ "$non2xx" = 0 ] || echo "WARNING: cadenza answered non-2xx responses"
  echo "--- cadenza"; echo "$cadenza_out"; echo "--- nginx"; echo "$nginx_out"
} | tee "bench/results/track_get-$(date -u +%Y%m%dT%H%M%SZ).txt"
