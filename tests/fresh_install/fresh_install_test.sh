#!/usr/bin/env bash
# The README's run command on a fresh Debian 12: a minimal bookworm made with debootstrap, in a
# chroot so that nothing installed on this machine leaks in, gets a copy of the repository's
# tracked files; inside it `bash scripts/run.sh` installs everything from Debian's packages,
# builds and serves. Passes when /healthz answers, / is the built web app's index.html and the
# node that built it is Debian's 18. Everything it made (server, mounts, chroot) is removed on
# exit, also on failure.
#
# Usage: fresh_install_test.sh [SOURCE_DIR]   (default: this repository). Needs root,
# debootstrap and a Debian mirror (the host's, or CADENZA_DEBIAN_MIRROR). Takes 10-30 minutes.
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
# Below ctest's TIMEOUT for this test, so that the script fails (and cleans up) by itself first.
budget_s=${CADENZA_FRESH_INSTALL_BUDGET:-3000}
stop_timeout_s=30

log() { printf '[fresh_install %(%H:%M:%S)T] %s\n' -1 "$*"; }
fail() { log "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot and mount)"
command -v debootstrap >/dev/null || fail "needs debootstrap (apt-get install debootstrap)"
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || fail "$src is not a git checkout"

# The host's Debian mirror, so the chroot installs from where this machine does.
host_mirror() {
  local uri
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 ~ /^bookworm/ { print $2; exit }' \
                           /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror=${CADENZA_DEBIAN_MIRROR:-$(host_mirror)}

work=$(mktemp -d "${TMPDIR:-/tmp}/cadenza-fresh-install.XXXXXX")
work=$(cd "$work" && pwd -P)
root=$work/root
server_pid=

# Every process whose root is the chroot: the server and anything the build left behind.
chroot_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
  done
  return 0
}

# Whether `pid` still runs (a child that exited stays a zombie until reaped: not running).
running() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$state" ] && [ "$state" != Z ]
}

mounts_under_root() { awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts; }

cleanup() {
  local status=$? pids i m
  set +e
  if [ -n "$server_pid" ]; then
    kill -TERM -- "-$server_pid" 2>/dev/null
    for ((i = 0; i < stop_timeout_s * 10; i++)); do
      running "$server_pid" || break
      sleep 0.1
    done
  fi
  pids=$(chroot_pids)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  for ((i = 0; i < 50; i++)); do [ -z "$(chroot_pids)" ] && break; sleep 0.1; done
  # Deepest first; a lazy unmount when something still holds one.
  for m in $(mounts_under_root | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
  if [ -n "$(mounts_under_root)" ]; then
    # Removing the folder now would reach into the host's /dev through the bind mount.
    log "left $work in place: still mounted: $(mounts_under_root | tr '\n' ' ')"
    exit 1
  fi
  rm -rf --one-file-system "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "debootstrap --variant=minbase bookworm from $mirror into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log"; fail "debootstrap failed"; }

# What a machine on this network has: its name resolution and the certificate authorities it
# trusts (a no-op where none were added locally). Installing ca-certificates in the chroot
# folds them into its bundle.
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
[ -e "$root/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$root/etc/hosts"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# Packages installed in the chroot must not start services.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

log "copying the tracked files of $src"
mkdir "$root/cadenza"
git -C "$src" ls-files -z --cached |
  (cd "$src" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
  tar -C "$src" --null -T - -cf - | tar -C "$root/cadenza" -xf -

port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
  console.log(s.address().port); s.close(); })")
base=http://127.0.0.1:$port

# A clean login environment, as root on a fresh machine would have.
in_chroot() {
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 TERM=dumb chroot "$root" "$@"
}

log "bash scripts/run.sh --listen 127.0.0.1:$port (install, build, serve; output in $work/run.log)"
# In a session of its own, so that stopping it reaches apt, the build and the server alike.
setsid env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 TERM=dumb chroot "$root" \
  bash -c "cd /cadenza && exec bash scripts/run.sh --listen 127.0.0.1:$port" >"$work/run.log" 2>&1 &
server_pid=$!

deadline=$budget_s
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do
  if ! running "$server_pid"; then
    tail -n 60 "$work/run.log"
    fail "scripts/run.sh exited before serving"
  fi
  if ((SECONDS > deadline)); then
    tail -n 60 "$work/run.log"
    fail "not serving $base/healthz within ${budget_s}s of starting"
  fi
  sleep 5
done
log "serving after ${SECONDS}s"

failures=0
check() {
  if "${@:2}"; then log "ok: $1"; else log "not ok: $1"; failures=$((failures + 1)); fi
}

healthz=$(curl -sS -w ' %{http_code}' "$base/healthz")
check "GET /healthz answers 200 ($healthz)" test "${healthz##* }" = 200

curl -sS -o "$work/index.html" "$base/"
check "GET / is the built web app's index.html" cmp -s "$work/index.html" "$root/cadenza/build/web-dist/index.html"
check "the index.html loads the app's module" grep -q '<script type="module"' "$work/index.html"

node_version=$(in_chroot node --version)
node_package=$(in_chroot dpkg-query -W -f='${Version}' nodejs)
check "node in the chroot is Debian's 18 ($node_version, package nodejs $node_package)" \
  bash -c '[[ $0 == v18.* && $1 == 18.* ]]' "$node_version" "$node_package"
node_path=$(in_chroot sh -c 'command -v node')
node_owner=$(in_chroot dpkg-query -S "$node_path" 2>/dev/null || true)
check "node ($node_path) comes from Debian's nodejs package ($node_owner)" \
  test "$node_owner" = "nodejs: $node_path"

[ "$failures" -eq 0 ] || { tail -n 30 "$work/run.log"; fail "$failures check(s) failed"; }
log "passed in ${SECONDS}s"
