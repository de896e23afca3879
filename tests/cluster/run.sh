#!/usr/bin/env bash
# Runs the cluster tests: each file starts the whole scaled-out topology of
# deploy/local-cluster.sh (PostgreSQL primary and replica, s3rver, HAProxy, the nginx edge and
# the Cadenza instances) in a folder of its own on free ports, and removes it afterwards.
#   CADENZA_BIN   the cadenza binary (required)
# The edge's certificate is made here, once, so that node's fetch can trust it
# (NODE_EXTRA_CA_CERTS is read when node starts). One file at a time: a cluster is a dozen
# processes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")"
: "${CADENZA_BIN:?CADENZA_BIN must name the cadenza binary}"
if [ ! -f ../s3/node_modules/s3rver/package.json ]; then
  npm ci --prefix ../s3 --no-audit --no-fund --loglevel=error
fi
# The browser check drives Chromium with the browser tests' playwright-core and plays with the
# web app's hls.js.
if [ ! -f ../e2e/node_modules/playwright-core/package.json ]; then
  npm ci --prefix ../e2e --no-audit --no-fund --loglevel=error
fi
if [ ! -f ../../web/node_modules/hls.js/package.json ]; then
  npm ci --prefix ../../web --no-audit --no-fund --loglevel=error
fi
tls=$(mktemp -d "${TMPDIR:-/tmp}/cadenza-cluster-tls.XXXXXX")
trap 'rm -rf "$tls"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
export EDGE_CERT="$tls/cert.pem" EDGE_KEY="$tls/key.pem" NODE_EXTRA_CA_CERTS="$tls/cert.pem"
if [ $# -eq 0 ]; then
  mapfile -t files < <(find . -maxdepth 1 -name '*.test.mjs' | sort)
  set -- "${files[@]}"
fi
status=0
for file in "$@"; do
  node --test "$file" || status=1
done
exit "$status"
