// Measures what hostile cover uploads cost a server: not a test (nothing is asserted), a
// figure to compare builds with. Usage, from the repository root:
//   CADENZA_BIN=/path/to/cadenza node bench/cover_bombs.mjs
// Prints the scan bomb's status, wall time and server CPU; /healthz latency while four scan
// bombs run in parallel; the server's peak RSS (VmHWM) after four 16-bit PNG bombs; and
// /healthz latency while four legitimate 25 Mpx PNGs are decoded.
import { readFileSync } from 'node:fs';

import { progressiveJpeg, solidPng } from '../tests/http/lib/hostile_images.mjs';
import { startServer } from '../tests/http/lib/server.mjs';

const kTimeoutMs = 600_000;

function cpuSeconds(server) {
  const fields = readFileSync(`/proc/${server.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function peakRssMiB(server) {
  const status = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)[1]) / 1024;
}
const since = (t) => Number(process.hrtime.bigint() - t) / 1e6;

// Runs `work` while probing /healthz; returns work's result and the probes' latencies.
async function withHealthProbes(server, work) {
  let done = false;
  const latencies = [];
  const probes = (async () => {
    while (!done || latencies.length < 3) {
      const started = process.hrtime.bigint();
      const res = await server.api('GET', '/healthz', { timeoutMs: kTimeoutMs });
      latencies.push(since(started));
      if (res.status !== 200) console.log(`healthz answered ${res.status}`);
    }
  })();
  const result = await work();
  done = true;
  await probes;
  const sorted = latencies.sort((a, b) => a - b);
  return { result, summary: `${sorted.length} probes, median ${sorted[sorted.length >> 1].toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms` };
}

const scanBomb = progressiveJpeg(8000, 8000, 4000);
const pngBomb = solidPng(8000, 16);
const server = await startServer();
try {
  const owner = await server.registerUser('artist');
  const artist = await server.createArtist(owner.token);
  const album = await server.createAlbum(owner.token, artist.id);
  const put = (body, type) => server.api('PUT', `/api/v1/albums/${album.id}/cover`, {
    token: owner.token, body, headers: { 'content-type': type }, timeoutMs: kTimeoutMs,
  });
  const statuses = (list) => list.map((r) => r.status).join(',');

  let cpu = cpuSeconds(server);
  let started = process.hrtime.bigint();
  const one = await put(scanBomb, 'image/jpeg');
  console.log(`scan bomb (${scanBomb.length} B): ${one.status} in ${since(started).toFixed(0)} ms, ` +
    `${(cpuSeconds(server) - cpu).toFixed(2)} s server CPU`);

  cpu = cpuSeconds(server);
  started = process.hrtime.bigint();
  const bombs = await withHealthProbes(server, () =>
    Promise.all([1, 2, 3, 4].map(() => put(scanBomb, 'image/jpeg'))));
  console.log(`4 scan bombs in parallel: ${statuses(bombs.result)} in ${since(started).toFixed(0)} ms, ` +
    `${(cpuSeconds(server) - cpu).toFixed(2)} s server CPU; healthz ${bombs.summary}`);

  const pngs = await Promise.all([1, 2, 3, 4].map(() => put(pngBomb, 'image/png')));
  console.log(`4 PNG bombs (${pngBomb.length} B) in parallel: ${statuses(pngs)}; ` +
    `server peak RSS ${peakRssMiB(server).toFixed(0)} MiB`);

  const legit = solidPng(5000, 8);
  const heavy = await withHealthProbes(server, () =>
    Promise.all([1, 2, 3, 4].map(() => put(legit, 'image/png'))));
  console.log(`4 legitimate 25 Mpx PNGs in parallel: ${statuses(heavy.result)}; healthz ` +
    `${heavy.summary}; server peak RSS ${peakRssMiB(server).toFixed(0)} MiB`);
} finally {
  await server.close();
}
