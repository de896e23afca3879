#!/usr/bin/env bash
# Starts Cadenza's scaled-out topology on loopback from Debian's packages and the npm S3 server
# (s3rver, through tests/s3/s3rver.mjs):
#
#   clients -> nginx edge (TLS, HTTP/2, gateway, media cache)
#           -> HAProxy (api and stream frontends, health checks, retries)
#           -> 2 x `cadenza serve --roles users,catalog,playlists,search,uploads`
#              2 x `cadenza serve --roles stream`
#      plus    1 x `cadenza worker`
#   on PostgreSQL (a primary and a streaming replica made with pg_basebackup -R) and an
#   S3-compatible server (s3rver), all sharing one secrets folder.
#
# Usage: deploy/local-cluster.sh up|down|status
#        deploy/local-cluster.sh stop|start|restart|kill NAME
#   NAME is one of api1 api2 stream1 stream2 worker s3 pg_primary pg_replica: `stop` ends it
#   gracefully (SIGTERM; PostgreSQL with pg_ctl stop -m fast), `kill` with SIGKILL (PostgreSQL:
#   its postmaster), `start` starts it again on its port and config (a Cadenza instance is
#   waited for until /healthz answers; HAProxy sees it back once /readyz passes its checks),
#   `restart` is stop then start. For rehearsing faults on one part while the rest runs.
#   CLUSTER_DIR   where everything lives (default ./cluster); `down` removes it
#   CADENZA_BIN   the binary (default build/cadenza)
#   EDGE_PORT     the edge's HTTPS port (default 8443); every other port is picked free
#   EDGE_CERT, EDGE_KEY  the edge's TLS certificate and key (default: a self-signed pair for
#                 localhost, made at start)
# Works as root: PostgreSQL then runs as the `postgres` user, on a folder that user owns.
set -euo pipefail
umask 077

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${CLUSTER_DIR:-./cluster}")
bin=$(realpath -m "${CADENZA_BIN:-$repo/build/cadenza}")
edge_port=${EDGE_PORT:-8443}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
bucket=cadenza-media
instances=(api1 api2 stream1 stream2 worker)

say() { printf '%s\n' "$*" >&2; }
die() { say "local-cluster: $*"; exit 1; }

# PostgreSQL refuses to run as root.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

need() {
  [ -x "$bin" ] || die "no cadenza binary at $bin (build it, or set CADENZA_BIN)"
  local tool
  for tool in "$pg_bin/initdb" "$pg_bin/pg_ctl" "$pg_bin/pg_basebackup"; do
    [ -x "$tool" ] || die "$tool is missing: apt-get install postgresql"
  done
  for tool in haproxy nginx node openssl curl; do
    command -v "$tool" >/dev/null || die "$tool is missing: apt-get install haproxy nginx-light nodejs openssl curl"
  done
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "no postgres user: apt-get install postgresql"; fi
}

# Where the database clusters live: inside the cluster folder when the postgres user can
# reach it, else in a folder of its own under /tmp (a root home is closed to other users).
pg_root() {
  if [ -f "$dir/pg.path" ]; then cat "$dir/pg.path"; return; fi
  local root="$dir/pg"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    root=$(mktemp -d /tmp/cadenza-cluster-pg.XXXXXX)
  fi
  mkdir -p "$root"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$root"
  echo "$root" >"$dir/pg.path"
  echo "$root"
}

allocate_ports() {
  {
    echo "edge=$edge_port"
    local name
    for name in pg_primary pg_replica s3 haproxy_api haproxy_stream "${instances[@]}"; do
      echo "$name=$(free_port)"
    done
  } >"$dir/ports"
}

port() { sed -n "s/^$1=//p" "$dir/ports"; }

start_postgres() {
  local root primary replica
  root=$(pg_root)
  primary="$root/primary"
  replica="$root/replica"
  say "PostgreSQL primary on 127.0.0.1:$(port pg_primary), replica on 127.0.0.1:$(port pg_replica)"
  as_pg "$pg_bin/initdb" -D "$primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Loopback only, trusted: a local playground. A deployment uses scram-sha-256 and TLS.
  as_pg tee -a "$primary/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $(port pg_primary)
unix_socket_directories = '$root'
wal_level = replica
max_wal_senders = 10
hot_standby = on
max_connections = 200
EOF
  as_pg "$pg_bin/pg_ctl" -D "$primary" -l "$root/primary.log" -w start >/dev/null
  as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$(port pg_primary)" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE cadenza LOGIN" -c "CREATE DATABASE cadenza OWNER cadenza" >/dev/null
  as_pg "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$(port pg_primary)" -U postgres -D "$replica" -R -X stream -c fast
  as_pg sed -i "s/^port = .*/port = $(port pg_replica)/" "$replica/postgresql.conf"
  as_pg "$pg_bin/pg_ctl" -D "$replica" -l "$root/replica.log" -w start >/dev/null
}

start_s3() {
  say "S3 server (s3rver) on 127.0.0.1:$(port s3), bucket $bucket"
  if [ ! -f "$repo/tests/s3/node_modules/s3rver/package.json" ]; then
    npm ci --prefix "$repo/tests/s3" --no-audit --no-fund --loglevel=error
  fi
  mkdir -p "$dir/s3"
  nohup node "$repo/tests/s3/s3rver.mjs" --port="$(port s3)" --until-signal "$dir/s3" "$bucket" \
    >>"$dir/logs/s3.log" 2>&1 &
  echo $! >"$dir/run/s3.pid"
  wait_listening "$(port s3)" "the S3 server"
}

# One config file per instance; every instance shares the database, bucket and keys.
write_instance_config() {
  local name=$1 roles=$2
  cat >"$dir/etc/$name.toml" <<EOF
data_dir = "$dir/data/$name"
listen = "127.0.0.1:$(port "$name")"
roles = "$roles"
public_url = "https://localhost:$(port edge)"
allowed_hosts = "localhost:$(port edge),localhost,127.0.0.1:$(port "$name")"
secrets_dir = "$dir/secrets"
database_url = "postgresql://cadenza@127.0.0.1:$(port pg_primary)/cadenza"
database_replica_urls = "postgresql://cadenza@127.0.0.1:$(port pg_replica)/cadenza"
blob_store_url = "s3://$bucket"
s3_endpoint = "http://127.0.0.1:$(port s3)"
s3_public_endpoint = "https://localhost:$(port edge)"
s3_path_style = true
s3_access_key_id = "S3RVER"
s3_secret_access_key = "S3RVER"
# Behind HAProxy every client arrives from one address.
max_connections_per_ip = 0
EOF
  mkdir -p "$dir/data/$name"
}

start_cadenza() {
  "$bin" secrets init --dir "$dir/secrets" >/dev/null
  write_instance_config api1 users,catalog,playlists,search,uploads
  write_instance_config api2 users,catalog,playlists,search,uploads
  write_instance_config stream1 stream
  write_instance_config stream2 stream
  write_instance_config worker worker
  "$bin" migrate --config "$dir/etc/api1.toml"
  local name
  for name in "${instances[@]}"; do launch_instance "$name"; done
  for name in api1 api2 stream1 stream2; do
    wait_http "http://127.0.0.1:$(port "$name")/readyz" "cadenza $name"
  done
}

launch_instance() {
  local name=$1 command=serve
  [ "$name" = worker ] && command=worker
  say "cadenza $command ($name)"
  nohup "$bin" "$command" --config "$dir/etc/$name.toml" >>"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/run/$name.pid"
}

haproxy_env() {
  export HAPROXY_API_BIND="127.0.0.1:$(port haproxy_api)"
  export HAPROXY_STREAM_BIND="127.0.0.1:$(port haproxy_stream)"
  export CADENZA_API1="127.0.0.1:$(port api1)" CADENZA_API2="127.0.0.1:$(port api2)"
  export CADENZA_STREAM1="127.0.0.1:$(port stream1)" CADENZA_STREAM2="127.0.0.1:$(port stream2)"
  export HAPROXY_STATS_SOCKET="$dir/run/haproxy.sock"
}

start_haproxy() {
  say "HAProxy: api on 127.0.0.1:$(port haproxy_api), stream on 127.0.0.1:$(port haproxy_stream)"
  haproxy_env
  haproxy -f "$repo/deploy/haproxy/haproxy.cfg" -D -p "$dir/run/haproxy.pid" >>"$dir/logs/haproxy.log" 2>&1
}

start_nginx() {
  say "nginx edge on https://localhost:$(port edge)"
  local prefix="$dir/nginx"
  mkdir -p "$prefix"
  if [ -n "${EDGE_CERT:-}" ]; then
    cp "$EDGE_CERT" "$prefix/cert.pem"
    cp "${EDGE_KEY:?EDGE_KEY must name the key of EDGE_CERT}" "$prefix/key.pem"
  else
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$prefix/key.pem" -out "$prefix/cert.pem" 2>/dev/null
  fi
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@LISTEN@|127.0.0.1:$(port edge)|" \
      -e "s|@CERT@|$prefix/cert.pem|" -e "s|@KEY@|$prefix/key.pem|" \
      -e "s|@API@|127.0.0.1:$(port haproxy_api)|" -e "s|@STREAM@|127.0.0.1:$(port haproxy_stream)|" \
      -e "s|@S3@|127.0.0.1:$(port s3)|" -e "s|@BUCKET@|$bucket|" \
      "$repo/deploy/nginx/edge.conf" >"$prefix/nginx.conf"
  # As root, nginx's workers would switch to www-data, which cannot enter the cluster's private
  # folder: a loopback playground keeps them as the caller. A deployment runs nginx as usual.
  if [ "$(id -u)" -eq 0 ]; then sed -i '1i user root;' "$prefix/nginx.conf"; fi
  nginx -c "$prefix/nginx.conf" -p "$prefix/" -e "$prefix/error.log"
  wait_http "https://localhost:$(port edge)/readyz" "the edge" --insecure
}

# Any HTTP answer will do: the S3 server answers anonymous requests with 400.
wait_listening() {
  local i
  for i in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/")" != 000 ] && return 0
    sleep 0.2
  done
  die "$2 did not listen on 127.0.0.1:$1 (logs in $dir/logs)"
}

wait_http() {
  local url=$1 what=$2
  shift 2
  local i
  for i in $(seq 1 150); do
    if curl -fsS -o /dev/null --max-time 1 "$@" "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  die "$what did not answer $url (logs in $dir/logs)"
}

up() {
  need
  [ -e "$dir/ports" ] && die "$dir already holds a cluster: run '$0 down' first"
  mkdir -p "$dir"/{logs,run,etc,data}
  chmod 700 "$dir"
  allocate_ports
  start_postgres
  start_s3
  start_cadenza
  start_haproxy
  start_nginx
  say ""
  say "Cadenza runs at https://localhost:$(port edge)/ (a self-signed certificate: $dir/nginx/cert.pem)"
  say "Create an administrator: $bin user create --config $dir/etc/api1.toml --email you@example.org --role admin"
  say "Stop it and remove everything: CLUSTER_DIR=$dir $0 down"
}

stop_pid() {
  local file=$1 signal=${2:-TERM}
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

down() {
  [ -d "$dir" ] || { say "no cluster in $dir"; return 0; }
  [ -f "$dir/nginx/nginx.pid" ] && stop_pid "$dir/nginx/nginx.pid" QUIT
  stop_pid "$dir/run/haproxy.pid"
  local name
  for name in "${instances[@]}"; do stop_pid "$dir/run/$name.pid"; done
  stop_pid "$dir/run/s3.pid"
  if [ -f "$dir/pg.path" ]; then
    local root
    root=$(cat "$dir/pg.path")
    for name in replica primary; do
      [ -d "$root/$name" ] && as_pg "$pg_bin/pg_ctl" -D "$root/$name" -m fast -w stop >/dev/null 2>&1 || true
    done
    rm -rf "$root"
  fi
  rm -rf "$dir"
  say "stopped and removed $dir"
}

status() {
  [ -f "$dir/ports" ] || { say "no cluster in $dir"; return 1; }
  local failed=0 name
  check() {
    if "$@" >/dev/null 2>&1; then printf '  %-10s up\n' "$name"; else printf '  %-10s DOWN\n' "$name"; failed=1; fi
  }
  local root
  root=$(cat "$dir/pg.path")
  name=pg_primary check as_pg "$pg_bin/pg_ctl" -D "$root/primary" status
  name=pg_replica check as_pg "$pg_bin/pg_ctl" -D "$root/replica" status
  name=s3 check kill -0 "$(cat "$dir/run/s3.pid")"
  for name in api1 api2 stream1 stream2; do
    check curl -fsS --max-time 2 "http://127.0.0.1:$(port "$name")/readyz"
  done
  name=worker check kill -0 "$(cat "$dir/run/worker.pid")"
  name=haproxy check kill -0 "$(cat "$dir/run/haproxy.pid")"
  name=edge check curl -fsSk --max-time 2 "https://localhost:$(port edge)/readyz"
  return "$failed"
}

# --- One part at a time ---------------------------------------------------------------------

components=(api1 api2 stream1 stream2 worker s3 pg_primary pg_replica)

pg_data() { echo "$(pg_root)/${1#pg_}"; }

running() {
  case $1 in
    pg_*) as_pg "$pg_bin/pg_ctl" -D "$(pg_data "$1")" status >/dev/null 2>&1 ;;
    *) [ -f "$dir/run/$1.pid" ] && kill -0 "$(cat "$dir/run/$1.pid")" 2>/dev/null ;;
  esac
}

component_stop() {
  local name=$1
  case $name in
    pg_*) running "$name" && as_pg "$pg_bin/pg_ctl" -D "$(pg_data "$name")" -m fast -w stop >/dev/null ;;
    *) stop_pid "$dir/run/$name.pid" ;;
  esac
  say "$name stopped"
}

component_kill() {
  local name=$1 pid
  running "$name" || die "$name is not running"
  case $name in
    pg_*) pid=$(head -1 "$(pg_data "$name")/postmaster.pid") ;;
    *) pid=$(cat "$dir/run/$name.pid") ;;
  esac
  kill -KILL "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  [ "${name#pg_}" = "$name" ] && rm -f "$dir/run/$name.pid"
  say "$name (pid $pid) killed"
}

component_start() {
  local name=$1
  running "$name" && die "$name is already running"
  case $name in
    pg_*)
      # After a kill the stale postmaster.pid names a dead process: pg_ctl starts anyway.
      as_pg "$pg_bin/pg_ctl" -D "$(pg_data "$name")" -l "$(pg_root)/${name#pg_}.log" -w start >/dev/null ;;
    s3) start_s3 ;;
    worker)
      launch_instance worker
      sleep 0.5
      running worker || die "the worker stopped at once (logs in $dir/logs/worker.log)" ;;
    *)
      launch_instance "$name"
      wait_http "http://127.0.0.1:$(port "$name")/healthz" "cadenza $name" ;;
  esac
  say "$name started"
}

component() {
  local verb=$1 name=${2:-}
  [ -f "$dir/ports" ] || die "no cluster in $dir"
  [[ " ${components[*]} " == *" $name "* ]] || die "$verb what? one of: ${components[*]}"
  case $verb in
    stop) component_stop "$name" ;;
    kill) component_kill "$name" ;;
    start) component_start "$name" ;;
    restart) component_stop "$name"; component_start "$name" ;;
  esac
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  stop|start|restart|kill) component "$@" ;;
  *) say "usage: $0 up|down|status|stop NAME|start NAME|restart NAME|kill NAME"
     say "  NAME: ${components[*]}   (env: CLUSTER_DIR, CADENZA_BIN, EDGE_PORT, EDGE_CERT, EDGE_KEY)"
     exit 2 ;;
esac
