#!/usr/bin/env bash
# Wall time to produce all nine renditions of a real 5-minute master: Cadenza's pipeline
# (`cadenza transcode`: decode once, loudness, encoders in parallel, CMAF segments) vs one
# ffmpeg command producing the same nine outputs (HLS fMP4 segments for AAC and Opus, MP3
# files) with the same encoders and settings. hyperfine times both in the same run. A second
# pair times what the transcoder sandbox costs: `cadenza transcode` in its confined child
# (the default) vs in-process (--transcode-sandbox false), on the same master.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make_master "$work/master.flac" 300

ffmpeg_outputs=()
for kbps in 96 160 320; do
  for codec in aac opus; do
    if [ $codec = aac ]; then enc=(-c:a aac -aac_coder fast); else enc=(-c:a libopus -vbr constrained -ar 48000); fi
    ffmpeg_outputs+=(-map 0:a "${enc[@]}" -b:a ${kbps}k -f hls -hls_time 6 -hls_playlist_type vod
      -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4
      -hls_segment_filename "$work/ff/${codec}_$kbps/seg-%05d.m4s" "$work/ff/${codec}_$kbps/playlist.m3u8")
  done
  ffmpeg_outputs+=(-map 0:a -c:a libmp3lame -b:a ${kbps}k "$work/ff/mp3_$kbps.mp3")
done
for kbps in 96 160 320; do mkdir -p "$work/ff/aac_$kbps" "$work/ff/opus_$kbps"; done
printf '%q ' ffmpeg -hide_banner -loglevel error -y -i "$work/master.flac" "${ffmpeg_outputs[@]}" > "$work/ffmpeg.sh"

mkdir -p bench/results
out="bench/results/ingest-$(date -u +%Y%m%dT%H%M%SZ)"
hyperfine --runs "$RUNS" --export-json "$out.json" \
  -n cadenza "$BIN transcode $work/master.flac --out $work/cz" \
  -n ffmpeg "bash $work/ffmpeg.sh" | tee "$out.txt"
jq -r '.results | "cadenza \(.[0].mean | . * 100 | round / 100) s, ffmpeg \(.[1].mean | . * 100 | round / 100) s, ratio ffmpeg/cadenza \(.[1].mean / .[0].mean | . * 100 | round / 100)"' "$out.json" | tee -a "$out.txt"

hyperfine --runs "$RUNS" --export-json "$out-sandbox.json" \
  -n sandboxed "$BIN transcode $work/master.flac --out $work/sb --transcode-sandbox true" \
  -n in-process "$BIN transcode $work/master.flac --out $work/ip --transcode-sandbox false" | tee "$out-sandbox.txt"
jq -r '.results | "sandboxed \(.[0].mean | . * 100 | round / 100) s, in-process \(.[1].mean | . * 100 | round / 100) s, sandbox cost \((.[0].mean - .[1].mean) * 1000 | round) ms (\((.[0].mean / .[1].mean - 1) * 100 | . * 10 | round / 10) %)"' "$out-sandbox.json" | tee -a "$out-sandbox.txt"
