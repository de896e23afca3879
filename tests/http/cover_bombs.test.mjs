// Cover images built to exhaust the server: a progressive JPEG repeating one scan thousands of
// times (CPU), PNGs whose pixels take half a gigabyte (memory), and many of them at once (the
// request pool). Each is refused from its headers, and the server keeps answering.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';

import { expectProblem, rawRequest } from './lib/client.mjs';
import { progressiveJpeg, solidPng } from './lib/hostile_images.mjs';
import { startServer, test } from './lib/server.mjs';

let server;
let owner;
let scanBomb;
let pngBomb;

async function newAlbum(on = server, token = owner.token) {
  const artist = await on.createArtist(token);
  return on.createAlbum(token, artist.id);
}

function putCover(albumId, body, contentType, on = server, token = owner.token) {
  return on.api('PUT', `/api/v1/albums/${albumId}/cover`, {
    token, body, headers: { 'content-type': contentType },
  });
}

// Peak resident memory of the server process so far, in MiB (VmHWM).
function peakRssMiB(on) {
  const status = readFileSync(`/proc/${on.proc.pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)[1]) / 1024;
}

// CPU seconds the server process has used (user + system).
function cpuSeconds(on) {
  const fields = readFileSync(`/proc/${on.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in clock ticks
}

before(async () => {
  // 8000 x 8000: a million blocks, each visited once more by every one of the 4000 AC scans.
  scanBomb = progressiveJpeg(8000, 8000, 4000);
  pngBomb = solidPng(8000, 16);
  server = await startServer();
  owner = await server.registerUser('artist');
});

after(async () => {
  await server?.close();
});

test('a progressive JPEG repeating one scan thousands of times is refused unread', async () => {
  const album = await newAlbum();
  const cpuBefore = cpuSeconds(server);
  const started = process.hrtime.bigint();
  const res = await putCover(album.id, scanBomb, 'image/jpeg');
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Printed before the checks, so that a server without the defence shows its cost too.
  console.log(`scan bomb (${scanBomb.length} bytes): ${res.status} after ${wallMs.toFixed(0)} ms ` +
    `wall, ${(cpuSeconds(server) - cpuBefore).toFixed(2)} s server CPU`);
  expectProblem(res, 422, { detailIncludes: 'at most 32 scans' });
  const got = await server.api('GET', `/api/v1/albums/${album.id}`, { token: owner.token });
  assert.equal(got.json.cover, null, 'the album keeps no cover');
});

test('a progressive JPEG with a normal number of scans is accepted', async () => {
  const album = await newAlbum();
  const res = await putCover(album.id, progressiveJpeg(640, 640, 9), 'image/jpeg');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json.cover).sort((a, b) => a - b), ['96', '300', '600']);
});

test('PNGs whose pixels would take half a gigabyte are refused, and memory stays low', async () => {
  const album = await newAlbum();
  expectProblem(await putCover(album.id, pngBomb, 'image/png'), 422, { detailIncludes: '16-bit' });
  expectProblem(await putCover(album.id, solidPng(8000, 8), 'image/png'), 422,
    { detailIncludes: 'at most 25000000 pixels' });
  const results = await Promise.all([1, 2, 3, 4].map(() => putCover(album.id, pngBomb, 'image/png')));
  const peak = peakRssMiB(server);
  console.log(`4 PNG bombs in parallel answered ${results.map((r) => r.status).join(',')}; ` +
    `server peak RSS ${peak.toFixed(0)} MiB`);
  for (const res of results) {
    // A full image pool refuses before reading the body; otherwise the header is refused.
    const problem = expectProblem(res, [422, 503]);
    if (res.status === 422) assert.match(problem.detail, /16-bit/);
  }
  assert.ok(peak < 400, `peak RSS ${peak} MiB`);
});

test('hostile uploads in parallel leave /healthz answering', async () => {
  const album = await newAlbum();
  let uploadsDone = false;
  const healthLatencies = [];
  const healthLoop = (async () => {
    // At least a few probes, and probes for as long as the uploads run.
    while (!uploadsDone || healthLatencies.length < 5) {
      const started = process.hrtime.bigint();
      const res = await server.api('GET', '/healthz');
      healthLatencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.status, 'ok');
    }
  })();
  const uploads = [scanBomb, scanBomb, pngBomb, pngBomb].map((bytes, i) =>
    putCover(album.id, bytes, i < 2 ? 'image/jpeg' : 'image/png'));
  const results = await Promise.all(uploads);
  uploadsDone = true;
  await healthLoop;
  console.log(`4 hostile uploads answered ${results.map((r) => r.status).join(',')}; healthz: ` +
    `${healthLatencies.length} probes, max ${Math.max(...healthLatencies).toFixed(0)} ms`);
  for (const [i, res] of results.entries()) {
    const problem = expectProblem(res, [422, 503]);
    if (res.status === 422) assert.match(problem.detail, i < 2 ? /at most 32 scans/ : /16-bit/);
    if (res.status === 503) assert.equal(res.headers.get('retry-after'), '5');
  }
});

test('a full image pool answers 503 with Retry-After before reading the body', async () => {
  const small = await startServer({ args: ['--image-workers', '1', '--image-queue', '0'] });
  try {
    const user = await small.registerUser('artist');
    const album = await newAlbum(small, user.token);
    const cover = progressiveJpeg(320, 320, 9);
    let admitted;
    const isAdmitted = new Promise((resolve) => { admitted = resolve; });
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    // The server answers 100 Continue once the upload holds its place in the pool; the body
    // follows only when this test says so.
    const first = rawRequest(small.url, {
      method: 'PUT',
      path: `/api/v1/albums/${album.id}/cover`,
      headers: {
        authorization: `Bearer ${user.token}`, 'content-type': 'image/jpeg',
        'content-length': String(cover.length), expect: '100-continue',
      },
      body: async (req) => {
        await once(req, 'continue');
        admitted();
        await released;
        req.end(cover);
      },
    });
    await isAdmitted;
    const busy = await putCover(album.id, cover, 'image/jpeg', small, user.token);
    expectProblem(busy, 503, { detailIncludes: 'retry' });
    assert.equal(busy.headers.get('retry-after'), '5');
    release();
    const done = await first;
    assert.equal(done.status, 200, done.text);
    // The place was given back with the answer.
    const again = await putCover(album.id, cover, 'image/jpeg', small, user.token);
    assert.equal(again.status, 200, again.text);
  } finally {
    await small.close();
  }
});
