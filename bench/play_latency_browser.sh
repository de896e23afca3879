#!/usr/bin/env bash
# Click-to-sound in headless Chromium: the web app's track-play vs bare hls.js on the same
# origin, stream and hls.js build. RUNS (default 9) runs over three ready tracks.
# Needs tests/e2e/node_modules (npm ci there) and web/node_modules (npm ci in web/).
# The app is the one cadenza serves at / (BENCH_WEB_DIR: a built app folder served with
# --web-dir); with BENCH_VITE=1 it comes from Vite's dev server over web/ instead (cadenza
# behind its proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
work=$(mktemp -d)
VITE_PID=
cleanup() {
  [ -n "$VITE_PID" ] && kill -- -"$VITE_PID" 2>/dev/null
  [ -n "${CADENZA_PID:-}" ] && kill "$CADENZA_PID" 2>/dev/null && wait "$CADENZA_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

songs=(Awakening Nebula Coherence)
for song in "${songs[@]}"; do
  ffmpeg -hide_banner -loglevel error -y -ss 10 -i "$MUSIC_DIR/$song.ogg" -t 60 -map_metadata 0:s:0 -vn -c:a flac "$work/$song.flac"
done

if [ "${BENCH_VITE:-}" = 1 ]; then
  vite_port=$(free_port)
  APP_URL="http://127.0.0.1:$vite_port"
  start_cadenza "$work/data" --public-url "$APP_URL"
  CADENZA_API=$CADENZA_URL setsid npm --prefix web run dev -- --port "$vite_port" --strictPort --host 127.0.0.1 \
    >"$work/vite.log" 2>&1 &
  VITE_PID=$!
  for _ in $(seq 300); do curl -sf "$APP_URL/" >/dev/null && break; sleep 0.2; done
  curl -sf "$APP_URL/" >/dev/null || { cat "$work/vite.log" >&2; echo "vite did not start" >&2; exit 1; }
else
  start_cadenza "$work/data" ${BENCH_WEB_DIR:+--web-dir "$BENCH_WEB_DIR"}
  APP_URL=$CADENZA_URL
fi

tokens=() ids=()
for song in "${songs[@]}"; do
  upload_track "$work/$song.flac"
  tokens+=("$TOKEN") ids+=("$TRACK_ID")
done
for i in "${!ids[@]}"; do
  TOKEN=${tokens[$i]} TRACK_ID=${ids[$i]} wait_ready 300
done

mkdir -p bench/results
node bench/play_latency_browser.mjs "$APP_URL" "$CADENZA_URL" "${ids[@]}" |
  tee "bench/results/play_latency_browser-$(date -u +%Y%m%dT%H%M%SZ).txt"
