# Shared helpers for the benchmark scripts (sourced, not run).
BIN=${CADENZA_BIN:-./build/cadenza}
MUSIC_DIR=/usr/share/games/singularity/music
BENCH_TRACK=${BENCH_TRACK:-$MUSIC_DIR/Aberrations.ogg}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# A 5-minute lossless master cut from a real track: what an artist would upload.
make_master() { # out.flac [seconds]
  ffmpeg -hide_banner -loglevel error -y -i "$BENCH_TRACK" -t "${2:-300}" -vn -c:a flac "$1"
}

# Starts `cadenza serve` on a temp data dir; sets CADENZA_URL and CADENZA_PID.
start_cadenza() { # data_dir [extra serve flags...]
  local dir=$1; shift
  local port; port=$(free_port)
  "$BIN" serve --data-dir "$dir" --listen "127.0.0.1:$port" --log-level warn "$@" &
  CADENZA_PID=$!
  CADENZA_URL="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf "$CADENZA_URL/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "cadenza did not start" >&2; return 1
}

# Registers an artist, creates an artist and album, uploads FILE through the signed-URL flow.
# Sets TOKEN, ALBUM_ID and TRACK_ID. With ALBUM_ID (and its TOKEN) already set, the track joins
# that album instead.
upload_track() { # file
  local api=$CADENZA_URL/api/v1 json=(-H 'Content-Type: application/json')
  if [ -z "${ALBUM_ID:-}" ]; then
    TOKEN=$(curl -sf "${json[@]}" "$api/auth/register" \
      -d "{\"email\":\"bench$RANDOM@example.org\",\"password\":\"bench-password\",\"displayName\":\"Bench\",\"role\":\"artist\"}" | jq -r .accessToken)
  fi
  local auth=(-H "Authorization: Bearer $TOKEN")
  local artist album slot
  if [ -z "${ALBUM_ID:-}" ]; then
    artist=$(curl -sf "${json[@]}" "${auth[@]}" "$api/artists" -d '{"name":"Bench Artist"}' | jq -r .id)
    ALBUM_ID=$(curl -sf "${json[@]}" "${auth[@]}" "$api/albums" -d "{\"artistId\":\"$artist\",\"title\":\"Bench Album\"}" | jq -r .id)
  fi
  album=$ALBUM_ID
  slot=$(curl -sf "${auth[@]}" "$api/tracks/upload-url")
  curl -sf -T "$1" "$(jq -r .uploadUrl <<<"$slot")" >/dev/null
  TRACK_ID=$(curl -sf "${json[@]}" "${auth[@]}" "$api/tracks" \
    -d "{\"albumId\":\"$album\",\"title\":\"Bench Track\",\"trackUrl\":\"$(jq -r .trackUrl <<<"$slot")\"}" | jq -r .id)
}

wait_ready() { # seconds
  local status
  for _ in $(seq $(( ${1:-300} * 2 ))); do
    status=$(curl -sf -H "Authorization: Bearer $TOKEN" "$CADENZA_URL/api/v1/tracks/$TRACK_ID" | jq -r .status)
    [ "$status" = ready ] && return 0
    [ "$status" = failed ] && { echo "track failed" >&2; return 1; }
    sleep 0.5
  done
  echo "track not ready in time" >&2; return 1
}

# Starts nginx serving the folder WWW on loopback with sendfile and keep-alive, as a baseline
# for the same bytes; extra http-block directives may follow. Sets NGINX_URL. Needs
# BENCH_WORK (a temp folder the caller removes) and stop_servers in the caller's EXIT trap.
start_nginx() { # www [directives...]
  local www=$1; shift
  local port; port=$(free_port)
  cat > "$BENCH_WORK/nginx.conf" <<CONF
worker_processes auto;
pid $BENCH_WORK/nginx.pid;
error_log $BENCH_WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  $*
  server { listen 127.0.0.1:$port; root $www; }
}
CONF
  chmod 755 "$BENCH_WORK" && chmod -R a+rX "$www"  # nginx workers drop root
  nginx -c "$BENCH_WORK/nginx.conf"
  NGINX_URL="http://127.0.0.1:$port"
  for _ in $(seq 50); do curl -s -o /dev/null "$NGINX_URL/" && return 0; sleep 0.1; done
  echo "nginx did not start" >&2; return 1
}

stop_servers() {
  [ -n "${CADENZA_PID:-}" ] && kill "$CADENZA_PID" 2>/dev/null && wait "$CADENZA_PID" 2>/dev/null
  [ -f "${BENCH_WORK:-/nonexistent}/nginx.pid" ] && kill "$(cat "$BENCH_WORK/nginx.pid")" 2>/dev/null
  return 0
}

rps() { awk '/Requests\/sec/ {print $2}'; }
transfer() { awk '/Transfer\/sec/ {print $2}'; }

# Starts deploy/local-cluster.sh in a new temp folder, $BENCH_WORK (also $work), stopped and
# removed on exit (with stop_servers, for anything the caller started as well). Afterwards
# `port NAME` gives a part's port, curl trusts the edge's certificate, and CADENZA_URL is the
# API group behind HAProxy (instances admit the host name "localhost" besides the edge's).
cluster_up() {
  BENCH_WORK=$(mktemp -d)
  work=$BENCH_WORK
  export CLUSTER_DIR=$work/cluster EDGE_PORT=$(free_port) CADENZA_BIN=$(realpath "$BIN")
  trap 'stop_servers; bash deploy/local-cluster.sh down >/dev/null 2>&1; rm -rf "$work"' EXIT
  bash deploy/local-cluster.sh up 2>"$work/cluster.log" || { cat "$work/cluster.log"; exit 1; }
  export CURL_CA_BUNDLE=$CLUSTER_DIR/nginx/cert.pem
  CADENZA_URL="http://localhost:$(port haproxy_api)"
}
port() { sed -n "s/^$1=//p" "$CLUSTER_DIR/ports"; }
