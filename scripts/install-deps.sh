#!/usr/bin/env bash
# Installs the Debian 12 packages Cadenza builds and tests with. Idempotent: packages that
# are already present are skipped, so a developer machine pays for apt only once.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsodium-dev libssl-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libavformat-dev libavcodec-dev libswresample-dev libswscale-dev libavutil-dev libebur128-dev
)
test_packages=(
  libgtest-dev libgmock-dev nodejs curl
  ffmpeg singularity-music
)
bench_packages=(
  wrk nginx-light jq hyperfine
)

want=("${build_packages[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_packages[@]}") ;;
  bench) want+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
