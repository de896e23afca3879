// Hostile and careless clients, restarts and signals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';

import { uniqueStereoWav, uniqueWav } from './lib/audio.mjs';
import { expectProblem, rawRequest, rawTcp } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { sleep, startServer, test, waitForStatus } from './lib/server.mjs';

let server;   // never restarted
let durable;  // restarted by the persistence and shutdown tests
let artist;

before(async () => {
  [server, durable] = await Promise.all([
    startServer(),
    startServer({ args: ['--shutdown-grace', '10s'] }),
  ]);
  artist = await server.registerUser('artist');
});

after(async () => {
  await Promise.allSettled([server?.close(), durable?.close()]);
});

async function assertHealthy(srv = server) {
  assert.equal(srv.exitInfo, null, `the server is still running: ${JSON.stringify(srv.exitInfo)}`);
  const res = await srv.api('GET', '/healthz');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { status: 'ok' });
}

test('system endpoints: /healthz, /readyz, /api/v1 and HEAD', async () => {
  await assertHealthy();
  const ready = await server.api('GET', '/readyz');
  assert.equal(ready.status, 200, ready.text);
  assert.deepEqual(ready.json, {
    status: 'ok', database: 'ok', blobStore: 'ok',
    roles: ['users', 'catalog', 'playlists', 'search', 'uploads', 'stream', 'worker'],
  });
  const index = await server.api('GET', '/api/v1');
  assert.equal(index.status, 200, index.text);
  assert.deepEqual(index.json, { name: 'Cadenza', api: '/api/v1', openapi: '/api/v1/openapi.json' });
  const head = await server.api('HEAD', '/healthz');
  assert.equal(head.status, 200);
  assert.equal(head.bytes.length, 0);
});

test('malformed bodies: bad JSON, non-objects, deep nesting -> 400; wrong type -> 415', async () => {
  const post = (body, headers = { 'content-type': 'application/json' }, token = artist.token) =>
    server.api('POST', '/api/v1/artists', { token, body, headers });
  expectProblem(await post('{"name":'), 400);
  expectProblem(await post('{"name": "x",}'), 400);
  expectProblem(await post('["name", "x"]'), 400);
  expectProblem(await post('null'), 400);
  expectProblem(await post('"just a string"'), 400);
  expectProblem(await post('{"name":"x"} trailing'), 400);
  expectProblem(await post(`${'['.repeat(100000)}${']'.repeat(100000)}`), 400);
  expectProblem(await post(`{"name":${'{"a":'.repeat(50000)}1${'}'.repeat(50000)}}`), 400);
  expectProblem(await post(Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), 400);
  expectProblem(await post('{"name":"x"}', { 'content-type': 'text/plain' }), 415);
  expectProblem(await post('{"name":"x"}', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  expectProblem(await server.api('POST', '/api/v1/auth/login', {
    body: 'email=a&password=b', headers: { 'content-type': 'text/plain' },
  }), 415);
  const ok = await post('{"name":"Fine"}', { 'content-type': 'application/json; charset=utf-8' });
  assert.equal(ok.status, 201, `application/json with a charset is fine: ${ok.text}`);
  await assertHealthy();
});

test('a 2 MiB JSON body is refused with 413', async () => {
  const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(2 << 20), displayName: 'x', role: 'listener' });
  const res = await rawRequest(server.url, {
    method: 'POST', path: '/api/v1/auth/register', body: big,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) },
  });
  assert.ok(!res.error, `expected a 413 answer, the connection failed: ${res.error}`);
  expectProblem(res, 413);
  await assertHealthy();
});

test('lying Content-Length and raw garbage over TCP: 400 or close, and the server keeps serving', async () => {
  const cases = [
    ['short body then EOF', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":'],
    ['non-numeric length', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}'],
    ['negative length', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}'],
    ['two different lengths', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}'],
    ['huge length', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n{}'],
    ['bad chunk size', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
    ['no method', ' / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['bad version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['header without colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n'],
    ['binary garbage', Buffer.concat([Buffer.from([0, 255, 1, 254, 13, 10]), randomBytes(4096), Buffer.from('\r\n\r\n')])],
  ];
  for (const [name, payload] of cases) {
    const res = await rawTcp(server.url, payload);
    assert.ok(!res.timedOut, `${name}: the server neither answered nor closed`);
    assert.ok(res.status === null || res.status === 400, `${name}: expected 400 or a close, got ${res.data.toString('latin1').slice(0, 200)}`);
    await assertHealthy();
  }
  const longHeader = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(200_000)}\r\n\r\n`;
  const res = await rawTcp(server.url, longHeader);
  assert.ok(!res.timedOut, 'long header: the server neither answered nor closed');
  assert.ok(res.status === null || (res.status >= 400 && res.status < 500), `long header: ${res.status}`);
  // Pipelined: a well-formed request whose body is shorter than the bytes sent.
  const piped = await rawTcp(server.url, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}GARBAGE\r\n\r\n');
  assert.ok(!piped.timedOut);
  assert.ok(piped.status === null || (piped.status >= 400 && piped.status < 500), `pipelined garbage: ${piped.status}`);
  await assertHealthy();
});

function randomTarget(i) {
  const kind = i % 4;
  const len = 1 + Math.floor(Math.random() * 60);
  if (kind === 0) {
    let s = '/';
    for (let k = 0; k < len; k++) s += String.fromCharCode(0x21 + Math.floor(Math.random() * 94));
    return Buffer.from(s, 'latin1');
  }
  if (kind === 1) return randomBytes(len);
  const pieces = ['/api/v1/', '/blobs/', '%', '%zz', '%00', '%2e%2e/', '../', '//', '?', '#', '{id}', '\u00e9', '%ff', ';', '*', 'tracks', 'artists/', '?limit=', '&cursor='];
  let s = kind === 2 ? '/api/v1/' : '/blobs/';
  while (s.length < len + 8) s += pieces[Math.floor(Math.random() * pieces.length)];
  return Buffer.from(s, 'utf8');
}

test('1000 random request targets: no 5xx, no crash, no hang', async (t) => {
  const failures = [];
  let answered = 0;
  const total = 1000;
  const concurrency = 25;
  let next = 0;
  const worker = async () => {
    while (next < total && failures.length < 10) {
      const i = next++;
      const target = randomTarget(i);
      const payload = Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')]);
      const res = await rawTcp(server.url, payload, { stopAtStatus: true, timeoutMs: 5000 });
      if (res.status !== null) answered += 1;
      if (res.timedOut) failures.push(`no answer and no close for target ${JSON.stringify(target.toString('latin1'))}`);
      else if (res.status !== null && res.status >= 500) {
        failures.push(`${res.status} for target ${JSON.stringify(target.toString('latin1'))}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  t.diagnostic(`${answered} of ${total} random targets got a status line, the rest a close`);
  assert.deepEqual(failures, []);
  assert.ok(answered > 0, 'at least the well-formed targets get an answer');
  await assertHealthy();
});

test('unknown routes are 404 problems; wrong methods are 405 with Allow', async () => {
  expectProblem(await server.api('GET', '/api/v1/nothing-here', { token: artist.token }), 404);
  // Paths without a '.' outside the server's prefixes are the web app's routes (web.test.mjs).
  expectProblem(await server.api('GET', '/nothing-here.js'), 404);
  expectProblem(await server.api('GET', '/api/v2/artists', { token: artist.token }), 404);

  const put = await server.api('PUT', '/api/v1/artists', { token: artist.token, json: {} });
  expectProblem(put, 405);
  const allow = (put.headers.get('allow') ?? '').split(',').map((m) => m.trim().toUpperCase());
  assert.ok(allow.includes('GET') && allow.includes('POST'), `Allow: ${put.headers.get('allow')}`);
  assert.ok(!allow.includes('PUT'));

  const del = await server.api('DELETE', '/healthz');
  expectProblem(del, 405);
  assert.ok((del.headers.get('allow') ?? '').toUpperCase().includes('GET'), `Allow: ${del.headers.get('allow')}`);
  const post = await server.api('POST', '/api/v1/tracks/upload-url', { token: artist.token, json: {} });
  expectProblem(post, 405);
  assert.ok((post.headers.get('allow') ?? '').toUpperCase().includes('GET'));
});

test('data survives a SIGTERM restart', async () => {
  const user = await durable.registerUser('artist');
  const album = await durable.createAlbum(user.token, (await durable.createArtist(user.token)).id);
  const wav = uniqueStereoWav();
  const uploaded = await durable.uploadTrack(user.token, album.id, wav);
  // Processed before the restart, so the state compared afterwards is final.
  const track = await waitForStatus(durable, user.token, uploaded.track.id, 'ready', 60_000);
  const issuedBefore = await durable.streamUrls(user.token, track.id);
  const pl = await durable.api('POST', '/api/v1/playlists', { token: user.token, json: { name: 'Keep me' } });
  await durable.api('POST', `/api/v1/playlists/${pl.json.id}/tracks`, { token: user.token, json: { trackIds: [track.id] } });

  assert.equal(await durable.stop('SIGTERM'), 0, 'SIGTERM exits 0');
  await durable.start();

  const login = await durable.login(user.email, user.password);
  assert.equal(login.status, 200, login.text);
  const token = login.json.accessToken;
  const old = await durable.api('GET', '/api/v1/users/me', { token: user.token });
  assert.equal(old.status, 200, 'tokens issued before the restart stay valid');
  const got = await durable.api('GET', `/api/v1/tracks/${track.id}`, { token });
  assert.deepEqual(got.json, track);
  const bytes = await durable.fetchOriginal(token, track.id);
  assert.equal(bytes.status, 200);
  assert.ok(bytes.bytes.equals(wav), 'the original has the same bytes after the restart');
  // Media URLs issued before the restart still work, and so do new ones.
  const issuedAfter = await durable.streamUrls(token, track.id);
  for (const url of [issuedBefore.hls, issuedAfter.hls, issuedBefore.progressive.mp3_160, new URL('opus_160/init.mp4', issuedAfter.hls).href]) {
    const res = await durable.getMedia(url);
    assert.equal(res.status, 200, `GET ${url} after the restart: ${res.status} ${res.text}`);
    assert.ok(res.bytes.length > 0);
  }
  const playlist = await durable.api('GET', `/api/v1/playlists/${pl.json.id}`, { token });
  assert.equal(playlist.json.entries[0].track.id, track.id);
});

// On S3 an upload goes to the bucket, never through Cadenza: no signal to Cadenza can cut one.
const skipOnS3 = testEngines().s3
  && 'on S3 uploads go straight to the bucket: a signal to Cadenza cannot interrupt one';

test('SIGTERM during an upload: exit 0, and the upload is either complete or absent', { skip: skipOnS3 }, async (t) => {
  const user = await durable.registerUser('artist');
  const album = await durable.createAlbum(user.token, (await durable.createArtist(user.token)).id);

  // An acknowledged upload before the signal.
  const acked = uniqueWav();
  const { upload: ackedUpload } = await durable.uploadBytes(user.token, acked);

  const slow = uniqueWav({ seconds: 16 });  // 256 KB
  const slowUpload = (await durable.api('GET', '/api/v1/tracks/upload-url', { token: user.token })).json;
  const target = new URL(slowUpload.uploadUrl);
  const chunk = 16 * 1024;
  let signalled = false;
  const put = rawRequest(durable.url, {
    method: 'PUT', path: target.pathname + target.search, timeoutMs: 20_000,
    headers: { 'content-type': 'audio/wav', 'content-length': String(slow.length) },
    body: async (req) => {
      req.write(slow.subarray(0, chunk));
      await sleep(300);
      durable.signal('SIGTERM');
      signalled = true;
      for (let off = chunk; off < slow.length; off += chunk) {
        if (req.destroyed) return;
        req.write(slow.subarray(off, Math.min(off + chunk, slow.length)));
        await sleep(40);
      }
      req.end();
    },
  });
  const res = await put;
  t.diagnostic(`slow PUT during shutdown: ${res.error ? `connection failed (${res.error.code ?? res.error.message})` : `${res.status} ${res.text}`}`);
  assert.ok(signalled, 'the signal was sent during the upload');
  const exit = await durable.waitForExit(15_000);
  assert.ok(exit, 'the server exits within the shutdown grace');
  assert.equal(exit.code, 0, `exit status after SIGTERM: ${JSON.stringify(exit)}`);

  await durable.start();
  const token = (await durable.login(user.email, user.password)).json.accessToken;
  const stored = await durable.blobs.read(durable.blobs.keyOf(slowUpload.trackUrl));
  if (!res.error && res.status === 200) {
    assert.equal(res.json.sizeBytes, slow.length);
    const created = await durable.api('POST', '/api/v1/tracks', {
      token, json: { albumId: album.id, title: 'slow', trackUrl: slowUpload.trackUrl },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.sizeBytes, slow.length);
    const bytes = await durable.fetchOriginal(token, created.json.id);
    assert.ok(bytes.bytes.equals(slow), 'the acknowledged slow upload is intact');
  } else {
    assert.ok(res.error || res.status >= 400,
      `an interrupted upload is reported as a failure: ${res.status} ${res.text}`);
    if (stored) {
      assert.ok(stored.equals(slow), 'no half-written blob is visible');
    } else {
      const created = await durable.api('POST', '/api/v1/tracks', {
        token, json: { albumId: album.id, title: 'slow', trackUrl: slowUpload.trackUrl },
      });
      expectProblem(created, 422);
    }
  }

  const created = await durable.api('POST', '/api/v1/tracks', {
    token, json: { albumId: album.id, title: 'acked', trackUrl: ackedUpload.trackUrl },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.sizeBytes, acked.length);
  const bytes = await durable.fetchOriginal(token, created.json.id);
  assert.ok(bytes.bytes.equals(acked), 'the upload acknowledged before SIGTERM is intact');
});

test('SIGINT and SIGTERM both exit 0', async () => {
  const srv = await startServer();
  try {
    assert.equal(await srv.stop('SIGINT'), 0, 'SIGINT exits 0');
    await srv.start();
    await assertHealthy(srv);
    assert.equal(await srv.stop('SIGTERM'), 0, 'SIGTERM exits 0');
  } finally {
    await srv.close();
  }
});
