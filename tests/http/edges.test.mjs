// The attacks on the connection layer and the data folder, performed against a real server on
// its defaults: slow bodies, framing for request smuggling, bodies sent before
// authentication, credentials in logs, the Host header, file modes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { rawTcp } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { sleep, startServer, test, waitFor } from './lib/server.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.close();
});

// A connection that sends a request head announcing `length` body bytes, then one byte every
// `everyMs`. Resolves when the server closes it, with the time that took.
function trickle(url, { path, length, everyMs, headers = '' }) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: hostname, port: Number(port) });
    let timer;
    const done = () => {
      clearInterval(timer);
      socket.destroy();
      resolve({ closedAfterMs: Date.now() - started });
    };
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${length}\r\n${headers}\r\n`);
      timer = setInterval(() => { if (!socket.destroyed) socket.write('x'); }, everyMs);
    });
    socket.on('error', () => {});
    socket.on('close', done);
  });
}

test('slow bodies: 200 connections trickling a byte every 2 s are cut off, and /healthz keeps answering', async () => {
  const trickles = Array.from({ length: 200 }, () =>
    trickle(server.url, { path: '/api/v1/auth/login', length: 100_000, everyMs: 2000 }));
  // While they trickle, the server answers everybody else.
  const health = [];
  for (let i = 0; i < 10; i += 1) {
    const t0 = Date.now();
    const res = await server.api('GET', '/healthz', { timeoutMs: 5000 });
    assert.equal(res.status, 200, res.text);
    health.push(Date.now() - t0);
    await sleep(300);
  }
  // Each would take 200,000 s at this pace; the minimum rate (1 KiB/s after 10 s) ends them.
  const closed = await Promise.race([
    Promise.all(trickles),
    sleep(60_000).then(() => null),
  ]);
  assert.ok(closed, 'trickling connections were still open after 60 s');
  const slowest = Math.max(...closed.map((c) => c.closedAfterMs));
  console.log(`# healthz during 200 trickles: max ${Math.max(...health)} ms; last trickle closed after ${slowest} ms`);
});

test('Transfer-Encoding other than chunked: 400, and the body is never parsed as a second request', async () => {
  for (const framing of ['Transfer-Encoding: xchunked', 'Transfer-Encoding: chunked, identity',
    'Transfer-Encoding: chunked\r\nContent-Length: 4']) {
    const res = await rawTcp(server.url,
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n${framing}\r\n\r\n`
      + 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { halfClose: false, timeoutMs: 5000 });
    const text = res.data.toString('latin1');
    assert.equal(res.status, 400, `${framing}: ${text}`);
    // Beast refuses Transfer-Encoding with Content-Length as a malformed head itself.
    assert.match(text, /Transfer-Encoding|malformed/);
    assert.equal((text.match(/^HTTP\/1\.1 /gm) ?? []).length, 1, `the smuggled request was answered: ${text}`);
    assert.ok(res.closed && !res.timedOut, `${framing}: the connection was left open`);
  }
});

test('a body is never read before authentication: no 100 Continue, a 401, then close', async () => {
  const artist = await server.registerUser('artist');
  const artistId = (await server.createArtist(artist.token)).id;
  const albumId = (await server.createAlbum(artist.token, artistId)).id;
  const res = await rawTcp(server.url,
    `PUT /api/v1/albums/${albumId}/cover HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n`
    + 'Content-Length: 10485760\r\nExpect: 100-continue\r\n\r\n', { halfClose: false, timeoutMs: 5000 });
  const text = res.data.toString('latin1');
  assert.equal(res.status, 401, text);
  assert.doesNotMatch(text, /100 Continue/);
  assert.ok(res.closed && !res.timedOut, 'the connection waited for the body');
});

test('a media token in a path that matches no route is not written to the log', async () => {
  const secret = `tok${Date.now()}SECRET${Math.random().toString(36).slice(2)}`;
  for (const [method, path] of [['GET', `/media/${secret}`], ['POST', `/media/${secret}/x/master.m3u8`],
    ['GET', `/media/${secret}/not-a-track/x`]]) {
    const res = await server.api(method, path);
    assert.ok(res.status >= 400 && res.status < 500, `${method} ${path}: ${res.status}`);
  }
  const logged = await waitFor(() => server.logTail().includes('/media/<token>'));
  assert.ok(logged, server.logTail());
  assert.ok(!server.logTail().includes(secret), 'the token reached the log');
});

test('allowed_hosts: a Host outside the list gets 400, so no URL is built on it', async () => {
  const strict = await startServer({ args: ['--allowed-hosts', 'music.example.org,127.0.0.1'] });
  try {
    const ok = await strict.api('GET', '/api/v1/tracks/upload-url');  // Host: 127.0.0.1:port
    assert.notEqual(ok.status, 400, ok.text);
    const res = await rawTcp(strict.url,
      'GET /healthz HTTP/1.1\r\nHost: attacker.example\r\n\r\n', { timeoutMs: 5000 });
    assert.equal(res.status, 400, res.data.toString('latin1'));
    assert.match(res.data.toString('latin1'), /attacker\.example/);
    const good = await rawTcp(strict.url,
      'GET /healthz HTTP/1.1\r\nHost: music.example.org\r\n\r\n', { timeoutMs: 5000 });
    assert.equal(good.status, 200, good.data.toString('latin1'));
  } finally {
    await strict.close();
  }
});

// On PostgreSQL there is no database file and on S3 no blob folder in the data folder: the
// rest of it is checked all the same.
test('the data folder, database, blobs and secrets are readable by their owner only', async () => {
  const engines = testEngines();
  // A data folder Cadenza creates itself, so its mode is Cadenza's choice, not mkdtemp's.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cadenza-modes-'));
  const dataDir = path.join(parent, 'data');
  const fresh = await startServer({ dataDir });
  try {
    const artist = await fresh.registerUser('artist');
    const slot = await fresh.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
    assert.equal(slot.status, 200, slot.text);
    const put = await fetch(slot.json.uploadUrl, { method: 'PUT', body: Buffer.from('RIFF....WAVE') });
    assert.equal(put.status, 200, await put.text());
    const mode = (p) => fs.statSync(p).mode & 0o777;
    const local = [...(engines.postgres ? [] : ['cadenza.db']), ...(engines.s3 ? [] : ['blobs'])];
    for (const name of ['', ...local, 'secrets', 'secrets/token.key']) {
      const m = mode(path.join(dataDir, name));
      assert.equal(m & 0o077, 0, `${name || 'the data folder'} is ${m.toString(8)}`);
    }
    if (!engines.s3) {
      const blob = fresh.blobFile(slot.json.uploadUrl);
      assert.equal(mode(blob) & 0o077, 0, `the uploaded blob is ${mode(blob).toString(8)}`);
    }
  } finally {
    await fresh.close();
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

test('the per-address connection cap answers 503 with Retry-After and frees up', async () => {
  const capped = await startServer({ args: ['--max-connections-per-ip', '3'] });
  const sockets = [];
  try {
    const { hostname, port } = new URL(capped.url);
    for (let i = 0; i < 3; i += 1) {
      const socket = net.connect({ host: hostname, port: Number(port) });
      socket.on('error', () => {});
      await new Promise((resolve) => socket.on('connect', resolve));
      sockets.push(socket);
    }
    await sleep(200);  // the server has accepted the three
    const res = await rawTcp(capped.url, '', { halfClose: false, timeoutMs: 5000 });
    const text = res.data.toString('latin1');
    assert.equal(res.status, 503, text);
    assert.match(text, /Retry-After: \d+/i);
    assert.match(text, /limit is 3/);
    for (const socket of sockets) socket.destroy();
    const healthy = await waitFor(async () => (await capped.api('GET', '/healthz')).status === 200);
    assert.ok(healthy, 'the cap did not free up after the connections closed');
  } finally {
    for (const socket of sockets) socket.destroy();
    await capped.close();
  }
});
