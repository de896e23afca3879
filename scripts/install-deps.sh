#!/usr/bin/env bash
# Installs the Debian 12 packages Cadenza builds and tests with, and the npm packages of the
# web app (and, for tests, of the browser tests, the S3 store's tests and the Kafka client tests) from their lock files. Idempotent: packages
# already present are skipped, so a developer machine pays for apt and npm only once.
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libsodium-dev libssl-dev libcurl4-openssl-dev libseccomp-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev librdkafka-dev
  libavformat-dev libavcodec-dev libswresample-dev libswscale-dev libavutil-dev libebur128-dev
  nodejs brotli
)
# The cluster tests (tests/cluster) start deploy/local-cluster.sh: PostgreSQL, HAProxy, the
# nginx edge with a certificate made by openssl, curl for its readiness checks.
test_packages=(
  libgtest-dev libgmock-dev curl openssl clang clang-tidy
  ffmpeg singularity-music postgresql haproxy nginx-light
  chromium fonts-dejavu-core debootstrap
)
bench_packages=(
  wrk jq hyperfine
)

want=("${build_packages[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_packages[@]}") ;;
  bench) want+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
# Debian 12's own nodejs (18) is enough for the web app's tools; it packages npm apart, while a
# newer Node.js from elsewhere (NodeSource) brings its own npm.
command -v npm >/dev/null 2>&1 || want+=(npm)
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, exactly as locked. Skipped when node_modules already matches the lock file.
npm_ci() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
}
npm_ci web
case "${1:-build}" in
  test|bench) npm_ci tests/e2e; npm_ci tests/s3; npm_ci tests/kafka ;;
esac
