// Time from GET /api/v1/tracks/:id/stream to the last byte of the first audio segment: the
// five requests a player makes before sound (stream URL, master playlist, media playlist,
// init segment, first segment), for LISTENERS concurrent simulated listeners, each starting
// playback SESSIONS times. Prints p50/p90/p99 against the 200 ms budget.
// Usage: node bench/playback_latency.mjs BASE_URL TOKEN TRACK_ID
const [base, token, trackId] = process.argv.slice(2);
const listeners = Number(process.env.LISTENERS ?? 200);
const sessions = Number(process.env.SESSIONS ?? 5);
if (!trackId) {
  console.error('usage: node bench/playback_latency.mjs BASE_URL TOKEN TRACK_ID');
  process.exit(2);
}

async function get(url, headers = {}) {
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${res.status} for ${url}`);
  return body;
}

async function startPlayback() {
  const t0 = performance.now();
  const stream = JSON.parse(await get(`${base}/api/v1/tracks/${trackId}/stream`,
                                      { authorization: `Bearer ${token}` }));
  const master = (await get(stream.hls)).toString();
  // A player starts with the first variant it can play; hls.js picks by bandwidth estimate.
  const variant = master.split('\n').find((l) => l && !l.startsWith('#'));
  const playlistUrl = new URL(variant, stream.hls).href;
  const playlist = (await get(playlistUrl)).toString();
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)[1];
  const firstSegment = playlist.split('\n').find((l) => l && !l.startsWith('#'));
  await get(new URL(init, playlistUrl).href);
  await get(new URL(firstSegment, playlistUrl).href);
  return performance.now() - t0;
}

const samples = [];
let failures = 0;
await Promise.all(Array.from({ length: listeners }, async () => {
  for (let i = 0; i < sessions; i++) {
    try { samples.push(await startPlayback()); } catch { failures++; }
  }
}));
samples.sort((a, b) => a - b);
const pct = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
console.log(`listeners ${listeners}, sessions each ${sessions}, samples ${samples.length}, failures ${failures}`);
console.log(`time to first segment: p50 ${pct(50).toFixed(1)} ms, p90 ${pct(90).toFixed(1)} ms, ` +
            `p99 ${pct(99).toFixed(1)} ms, max ${samples.at(-1).toFixed(1)} ms (budget 200 ms)`);
if (failures > 0) process.exit(1);
