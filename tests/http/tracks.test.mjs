// Tracks: the seed's upload flow, the signed URL of the original upload (GET .../original),
// ranges, replacement, deletion, refusals, signature tampering, expiry of original and media
// URLs, size limits, path traversal and garbage collection.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { findOggFile, kOggFolder, uniqueStereoWav, uniqueWav } from './lib/audio.mjs';
import { assertSameTrack, expectProblem, kRfc3339, kUuidV7, randomUuidV7, rawRequest } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { sleep, startServer, test, waitFor, waitForStatus } from './lib/server.mjs';

// On S3 the bucket takes uploads and serves originals through URLs pre-signed with the S3
// credentials: a PUT there has no size limit and answers no JSON, sizes are judged at the
// claim, and Cadenza's own /blobs/ endpoint (its signatures, ranges, sniffed types) is not
// there. Where S3 has an equivalent, the tests assert it instead.
const onS3 = testEngines().s3;

let server;   // default settings
let short;    // 1 s URL lifetimes, 1 s claim grace, 1 KiB uploads
let owner;
let other;
let listener;
let album;       // owner's
let otherAlbum;  // other's

before(async () => {
  [server, short] = await Promise.all([
    startServer(),
    startServer({
      args: ['--upload-url-ttl', '1s', '--stream-url-ttl', '1s', '--upload-claim-grace', '1s',
        '--max-upload-bytes', '1K'],
    }),
  ]);
  [owner, other, listener] = await Promise.all([
    server.registerUser('artist'), server.registerUser('artist'), server.registerUser('listener'),
  ]);
  album = await server.createAlbum(owner.token, (await server.createArtist(owner.token)).id);
  otherAlbum = await server.createAlbum(other.token, (await server.createArtist(other.token)).id);
});

after(async () => {
  await Promise.allSettled([server?.close(), short?.close()]);
});

// Replaces one query parameter of a URL without re-encoding anything else.
function setParam(url, name, value) {
  const re = new RegExp(`([?&]${name}=)[^&]*`);
  assert.match(url, re, `${url} has a ${name} parameter`);
  return url.replace(re, `$1${value}`);
}

function getParam(url, name) {
  return new URL(url).searchParams.get(name);
}

// A different first character: every bit of it is significant in hex and base64 alike.
function tamper(value) {
  return (value[0] === 'A' ? 'B' : 'A') + value.slice(1);
}

function querySuffix(url) {
  return url.slice(url.indexOf('?'));
}

function storedBlob(srv, url) {
  return srv.blobs.exists(srv.blobs.keyOf(url));
}

async function expectGone(srv, url) {
  const gone = await waitFor(async () => !(await storedBlob(srv, url)), { timeoutMs: 10_000, intervalMs: 200 });
  assert.ok(gone, `${srv.blobs.keyOf(url)} should have been removed by the janitor`);
}

// The bucket's pre-signed URL of the same key as `trackUrl`.
function assertBucketUrl(srv, url, trackUrl) {
  const { endpoint, bucket } = srv.blobs;
  assert.ok(url.startsWith(`${endpoint}/${bucket}/originals/`), url);
  assert.equal(srv.blobs.keyOf(url), srv.blobs.keyOf(trackUrl), `${url} is the blob of ${trackUrl}`);
  assert.match(url, /[?&]X-Amz-Signature=[0-9a-f]{64}(&|$)/);
}

test('upload-url returns a signed PUT URL and the trackUrl to claim', async () => {
  const res = await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token });
  assert.equal(res.status, 200, res.text);
  const u = res.json;
  assert.equal(u.method, 'PUT');
  assert.match(u.expiresAt, kRfc3339);
  assert.ok(Date.parse(u.expiresAt) > Date.now() - 5000);
  assert.equal(typeof u.maxBytes, 'number');
  assert.ok(u.maxBytes > 0);
  assert.match(u.trackUrl, new RegExp(`^${server.url}/blobs/originals/[A-Za-z0-9._-]+$`));
  if (onS3) {
    assertBucketUrl(server, u.uploadUrl, u.trackUrl);
  } else {
    assert.ok(u.uploadUrl.startsWith(`${u.trackUrl}?`), 'uploadUrl = trackUrl + query');
    for (const p of ['exp', 'uid', 'max', 'sig']) assert.ok(getParam(u.uploadUrl, p), `uploadUrl has ${p}`);
    assert.equal(getParam(u.uploadUrl, 'uid'), owner.user.id);
    assert.equal(Number(getParam(u.uploadUrl, 'max')), u.maxBytes);
  }
  const second = await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token });
  assert.notEqual(second.json.trackUrl, u.trackUrl, 'each upload gets its own key');
});

test('without --public-url, handed-out URLs follow the Host the client used', async () => {
  const port = new URL(server.url).port;
  const asked = await rawRequest(server.url, {
    path: '/api/v1/tracks/upload-url',
    headers: { host: `localhost:${port}`, authorization: `Bearer ${owner.token}` },
  });
  assert.equal(asked.status, 200, asked.text);
  // On S3 the upload URL is the bucket's own; the trackUrl still names Cadenza's origin.
  const issued = onS3 ? asked.json.trackUrl : asked.json.uploadUrl;
  assert.ok(issued.startsWith(`http://localhost:${port}/blobs/originals/`), issued);
  if (onS3) {
    const put = await server.api('PUT', asked.json.uploadUrl, { body: uniqueWav() });
    assert.equal(put.status, 200, put.text);
  } else {
    // The trackUrl comes back through the same origin and is claimed as issued.
    const put = await rawRequest(server.url, {
      method: 'PUT',
      path: new URL(asked.json.uploadUrl).pathname + new URL(asked.json.uploadUrl).search,
      headers: { host: `localhost:${port}` },
      body: uniqueWav(),
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.trackUrl, asked.json.trackUrl);
  }
  const created = await rawRequest(server.url, {
    method: 'POST',
    path: '/api/v1/tracks',
    headers: { host: `localhost:${port}`, authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ albumId: album.id, trackUrl: asked.json.trackUrl }),
  });
  assert.equal(created.status, 201, created.text);
  // A Host that is not a plain host[:port] is never echoed: the URLs stay root-relative.
  const odd = await rawRequest(server.url, {
    path: '/api/v1/tracks/upload-url',
    headers: { host: 'evil.example/x', authorization: `Bearer ${owner.token}` },
  });
  assert.equal(odd.status, 200, odd.text);
  assert.ok(odd.json.trackUrl.startsWith('/blobs/originals/'), odd.json.trackUrl);
  if (!onS3) assert.ok(odd.json.uploadUrl.startsWith('/blobs/originals/'), odd.json.uploadUrl);
});

test('seed flow: PUT bytes, POST /tracks, GET, original exact bytes, Range and HEAD, then stream', async () => {
  const wav = uniqueStereoWav();
  const urlRes = await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token });
  const upload = urlRes.json;
  const put = await server.api('PUT', upload.uploadUrl, { body: wav, headers: { 'content-type': 'audio/wav' } });
  assert.equal(put.status, 200, put.text);
  if (!onS3) {  // the bucket's answer is S3's, not Cadenza's
    assert.equal(put.json.trackUrl, upload.trackUrl);
    assert.equal(put.json.sizeBytes, wav.length);
  }
  const stored = await server.blobs.read(server.blobs.keyOf(upload.trackUrl));
  assert.ok(stored?.equals(wav), 'the upload is stored under its key');

  const created = await server.api('POST', '/api/v1/tracks', {
    token: owner.token, json: { albumId: album.id, title: '  Sine 🎵  ', trackUrl: upload.trackUrl, trackNumber: 7 },
  });
  assert.equal(created.status, 201, created.text);
  const track = created.json;
  assert.match(track.id, kUuidV7);
  assert.equal(track.albumId, album.id);
  assert.equal(track.title, 'Sine 🎵');
  assert.equal(track.trackNumber, 7);
  assert.equal(track.sizeBytes, wav.length);
  assert.equal(track.status, 'processing');
  assert.equal(track.progress, 0);
  assert.equal(track.error, null);
  assert.equal(track.durationMs, null);
  assert.equal(track.loudness, null);
  assert.match(track.createdAt, kRfc3339);
  assert.match(track.updatedAt, kRfc3339);
  assert.ok(created.headers.get('location')?.endsWith(`/api/v1/tracks/${track.id}`),
    `Location: ${created.headers.get('location')}`);

  const got = await server.api('GET', `/api/v1/tracks/${track.id}`, { token: listener.token });
  assert.equal(got.status, 200, got.text);
  assertSameTrack(got.json, track);
  const list = await server.api('GET', '/api/v1/tracks?limit=200', { token: listener.token });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((t) => t.id === track.id));

  // The original is the owner's (and admins'): a listener may only stream the renditions.
  expectProblem(await server.api('GET', `/api/v1/tracks/${track.id}/original`, { token: listener.token }), 403);
  const original = await server.api('GET', `/api/v1/tracks/${track.id}/original`, { token: owner.token });
  assert.equal(original.status, 200, original.text);
  assert.deepEqual(Object.keys(original.json).sort(), ['expiresAt', 'sizeBytes', 'url']);
  assert.equal(original.json.sizeBytes, wav.length);
  assert.match(original.json.expiresAt, kRfc3339);
  assert.ok(Date.parse(original.json.expiresAt) > Date.now() - 5000);
  const signed = original.json.url;
  if (onS3) {
    assertBucketUrl(server, signed, upload.trackUrl);
  } else {
    assert.ok(signed.startsWith(`${upload.trackUrl}?`), `original URL ${signed}`);
    for (const p of ['exp', 'uid', 'sig']) assert.ok(getParam(signed, p), `original URL has ${p}`);
    assert.equal(getParam(signed, 'uid'), owner.user.id);
  }

  const body = await server.api('GET', signed);
  assert.equal(body.status, 200);
  // The type is sniffed from the bytes, whatever the upload was sent with (on S3 the URL
  // names it).
  assert.match(body.headers.get('content-type'), /^audio\/(wav|x-wav|wave)/);
  assert.equal(body.headers.get('accept-ranges'), 'bytes');
  assert.equal(Number(body.headers.get('content-length')), wav.length);
  assert.ok(body.bytes.equals(wav), 'the original URL serves exactly the uploaded bytes');

  const ranged = await server.api('GET', signed, { headers: { range: 'bytes=10-19' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get('content-range'), `bytes 10-19/${wav.length}`);
  assert.ok(ranged.bytes.equals(wav.subarray(10, 20)));
  if (!onS3) {  // s3rver reads "bytes=-N" as the first N + 1 bytes; S3 itself is not under test
    const suffix = await server.api('GET', signed, { headers: { range: 'bytes=-100' } });
    assert.equal(suffix.status, 206);
    assert.equal(suffix.headers.get('content-range'), `bytes ${wav.length - 100}-${wav.length - 1}/${wav.length}`);
    assert.ok(suffix.bytes.equals(wav.subarray(wav.length - 100)));
  }
  const open = await server.api('GET', signed, { headers: { range: `bytes=${wav.length - 44}-` } });
  assert.equal(open.status, 206);
  assert.ok(open.bytes.equals(wav.subarray(wav.length - 44)));
  const clamped = await server.api('GET', signed, { headers: { range: 'bytes=0-99999999' } });
  assert.equal(clamped.status, 206);
  assert.equal(clamped.headers.get('content-range'), `bytes 0-${wav.length - 1}/${wav.length}`);
  assert.ok(clamped.bytes.equals(wav));

  const head = await server.api('HEAD', signed);
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), wav.length);
  assert.equal(head.headers.get('accept-ranges'), 'bytes');
  assert.match(head.headers.get('content-type'), onS3 ? /^audio\/wav$/ : /^audio\/(wav|x-wav|wave)/);
  assert.equal(head.bytes.length, 0);

  // Once processed, every listener streams it; the original stays as uploaded.
  const ready = await waitForStatus(server, owner.token, track.id, 'ready', 60_000);
  assertSameTrack(ready, track);
  assert.equal(ready.progress, 1);
  assert.equal(ready.error, null);
  assert.equal(ready.durationMs, 500);
  const stream = await server.api('GET', `/api/v1/tracks/${track.id}/stream`, { token: listener.token });
  assert.equal(stream.status, 200, stream.text);
  assert.equal(stream.json.albumId, album.id);
  assert.equal(stream.json.title, 'Sine 🎵');
  assert.match(stream.json.expiresAt, kRfc3339);
  assert.equal(stream.json.trackUrl, stream.json.hls);
  assert.deepEqual(stream.json.loudness, ready.loudness);
  assert.deepEqual(Object.keys(stream.json.progressive).sort(), ['mp3_160', 'mp3_320', 'mp3_96']);
  const master = await server.api('GET', stream.json.hls);
  assert.equal(master.status, 200, master.text);
  assert.match(master.text, /^#EXTM3U/);
  assert.ok((await server.fetchOriginal(owner.token, track.id)).bytes.equals(wav));
});

test('PATCH title, then replace the audio with update-url; the old blob is deleted', async () => {
  const first = uniqueWav();
  const { track, trackUrl: oldUrl } = await server.uploadTrack(owner.token, album.id, first, { title: 'Before' });
  const renamed = await server.api('PATCH', `/api/v1/tracks/${track.id}`, {
    token: owner.token, json: { title: 'After', trackNumber: 2 },
  });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.title, 'After');
  assert.equal(renamed.json.trackNumber, 2);
  assert.equal(renamed.json.sizeBytes, first.length);

  assert.ok(await storedBlob(server, oldUrl));
  const second = uniqueWav({ seconds: 0.25 });
  const { upload } = await server.uploadBytes(owner.token, second, { urlPath: `/api/v1/tracks/update-url/${track.id}` });
  assert.equal(upload.method, 'PUT');
  assert.equal(typeof upload.maxBytes, 'number');
  assert.match(upload.expiresAt, kRfc3339);
  assert.notEqual(upload.trackUrl, oldUrl);
  // Until the PATCH the track keeps the old bytes.
  assert.ok((await server.fetchOriginal(owner.token, track.id)).bytes.equals(first));

  const swapped = await server.api('PATCH', `/api/v1/tracks/${track.id}`, {
    token: owner.token, json: { trackUrl: upload.trackUrl },
  });
  assert.equal(swapped.status, 200, swapped.text);
  assert.equal(swapped.json.sizeBytes, second.length);
  assert.equal(swapped.json.title, 'After');
  assert.equal(swapped.json.status, 'processing', 'new audio is processed again');
  const now = await server.fetchOriginal(owner.token, track.id);
  assert.equal(now.status, 200);
  assert.ok(now.bytes.equals(second), 'the original URL serves the new bytes');
  await expectGone(server, oldUrl);
  assert.ok(await storedBlob(server, upload.trackUrl), 'the new blob stays');

  const reuse = await server.api('PATCH', `/api/v1/tracks/${track.id}`, {
    token: owner.token, json: { trackUrl: upload.trackUrl },
  });
  assert.ok(reuse.status === 200 || reuse.status === 422, `re-applying the same upload: ${reuse.status} ${reuse.text}`);
  assert.ok((await server.fetchOriginal(owner.token, track.id)).bytes.equals(second));
});

test('DELETE a track: 200 {id}, then 404 and the blob leaves the store', async () => {
  const { track, trackUrl } = await server.uploadTrack(owner.token, album.id, uniqueWav());
  assert.ok(await storedBlob(server, trackUrl));
  const del = await server.api('DELETE', `/api/v1/tracks/${track.id}`, { token: owner.token });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.json, { id: track.id });
  expectProblem(await server.api('GET', `/api/v1/tracks/${track.id}`, { token: owner.token }), 404);
  expectProblem(await server.api('GET', `/api/v1/tracks/${track.id}/stream`, { token: owner.token }), 404);
  expectProblem(await server.api('GET', `/api/v1/tracks/${track.id}/original`, { token: owner.token }), 404);
  expectProblem(await server.api('DELETE', `/api/v1/tracks/${track.id}`, { token: owner.token }), 404);
  await expectGone(server, trackUrl);
});

test('upload and claim refusals', async () => {
  expectProblem(await server.api('GET', '/api/v1/tracks/upload-url', { token: listener.token }), 403);
  expectProblem(await server.api('GET', '/api/v1/tracks/upload-url'), 401);

  const post = (token, fields) => server.api('POST', '/api/v1/tracks', {
    token, json: { albumId: album.id, title: 'x', ...fields },
  });

  // Issued but never uploaded.
  const idle = (await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token })).json;
  expectProblem(await post(owner.token, { trackUrl: idle.trackUrl }), 422);
  // A key that was never issued at all.
  expectProblem(await post(owner.token, { trackUrl: `${server.url}/blobs/originals/${randomUuidV7()}` }), 422);

  // Empty body, then a repeated PUT replaces the bytes. The bucket takes an empty object,
  // which the claim refuses.
  const emptyPut = await server.api('PUT', idle.uploadUrl, { body: Buffer.alloc(0) });
  if (onS3) {
    assert.equal(emptyPut.status, 200, emptyPut.text);
    expectProblem(await post(owner.token, { trackUrl: idle.trackUrl }), 422, { detailIncludes: 'empty' });
  } else {
    expectProblem(emptyPut, 400);
  }
  const a = uniqueWav();
  const b = uniqueWav({ seconds: 0.2 });
  assert.equal((await server.api('PUT', idle.uploadUrl, { body: a })).status, 200);
  const again = await server.api('PUT', idle.uploadUrl, { body: b });
  assert.equal(again.status, 200, again.text);
  if (!onS3) assert.equal(again.json.sizeBytes, b.length);

  expectProblem(await post(other.token, { albumId: otherAlbum.id, trackUrl: idle.trackUrl }), 403);
  expectProblem(await post(owner.token, { albumId: otherAlbum.id, trackUrl: idle.trackUrl }), 403);
  expectProblem(await post(owner.token, { albumId: randomUuidV7(), trackUrl: idle.trackUrl }), 422, { field: 'albumId' });
  expectProblem(await post(owner.token, { trackUrl: 'http://evil.example/x' }), 400, { field: 'trackUrl' });
  expectProblem(await post(owner.token, { trackUrl: 'not a url' }), 400, { field: 'trackUrl' });
  expectProblem(await post(owner.token, { trackUrl: idle.uploadUrl.replace(server.url, 'http://evil.example') }), 400, { field: 'trackUrl' });
  expectProblem(await post(owner.token, { trackUrl: idle.trackUrl.replace(server.url, 'http://evil.example') }), 400, { field: 'trackUrl' });
  expectProblem(await post(owner.token, { trackUrl: idle.trackUrl, trackNumber: 0 }), 400, { field: 'trackNumber' });
  expectProblem(await post(owner.token, { trackUrl: idle.trackUrl, trackNumber: 1000 }), 400, { field: 'trackNumber' });
  expectProblem(await post(owner.token, { trackUrl: idle.trackUrl, title: '' }), 400, { field: 'title' });

  const ok = await post(owner.token, { trackUrl: idle.trackUrl });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.sizeBytes, b.length, 'the last PUT wins');
  assert.ok((await server.fetchOriginal(owner.token, ok.json.id)).bytes.equals(b));
  expectProblem(await post(owner.token, { trackUrl: idle.trackUrl }), 422);

  // The trackUrl of an update-url is not a new track.
  const upd = await server.uploadBytes(owner.token, uniqueWav(), { urlPath: `/api/v1/tracks/update-url/${ok.json.id}` });
  expectProblem(await post(owner.token, { trackUrl: upd.upload.trackUrl }), [400, 422]);
  // Nor can another artist's track be replaced with it or get an update-url.
  expectProblem(await server.api('GET', `/api/v1/tracks/update-url/${ok.json.id}`, { token: other.token }), 403);
  expectProblem(await server.api('GET', `/api/v1/tracks/update-url/${ok.json.id}`, { token: listener.token }), 403);
  expectProblem(await server.api('GET', `/api/v1/tracks/update-url/${randomUuidV7()}`, { token: owner.token }), 404);
});

test('signed URL tampering is refused with 403', {
  skip: onS3 && 'on S3 the bucket checks its URLs\' signatures (s3rver checks none; tests/s3 cross-checks the signing)',
}, async () => {
  const wav = uniqueWav();
  const { track, upload } = await server.uploadTrack(owner.token, album.id, wav);
  const otherUpload = (await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token })).json;
  const fresh = (await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token })).json;

  // Upload URLs.
  const put = (url, body = uniqueWav()) => server.api('PUT', url, { body });
  expectProblem(await put(setParam(fresh.uploadUrl, 'sig', tamper(getParam(fresh.uploadUrl, 'sig')))), 403, { detailIncludes: 'signature' });
  expectProblem(await put(setParam(fresh.uploadUrl, 'exp', String(Number(getParam(fresh.uploadUrl, 'exp')) + 1000))), 403);
  expectProblem(await put(setParam(fresh.uploadUrl, 'uid', other.user.id)), 403);
  expectProblem(await put(setParam(fresh.uploadUrl, 'max', String(fresh.maxBytes * 2))), 403);
  expectProblem(await put(`${otherUpload.trackUrl}${querySuffix(fresh.uploadUrl)}`), 403);
  expectProblem(await put(fresh.trackUrl), 403);
  expectProblem(await put(`${fresh.trackUrl}?exp=${getParam(fresh.uploadUrl, 'exp')}&uid=${owner.user.id}`), 403);
  assert.ok(!(await storedBlob(server, fresh.trackUrl)), 'no refused PUT stored anything');
  assert.ok(!(await storedBlob(server, otherUpload.trackUrl)));

  // Original (signed GET) URLs.
  const signed = (await server.originalUrl(owner.token, track.id)).url;
  const second = await server.uploadTrack(owner.token, album.id, uniqueWav());
  const get = (url) => server.api('GET', url);
  expectProblem(await get(setParam(signed, 'sig', tamper(getParam(signed, 'sig')))), 403, { detailIncludes: 'signature' });
  expectProblem(await get(setParam(signed, 'exp', String(Number(getParam(signed, 'exp')) + 1000))), 403);
  expectProblem(await get(setParam(signed, 'uid', other.user.id)), 403);
  expectProblem(await get(`${second.trackUrl}${querySuffix(signed)}`), 403);
  expectProblem(await get(upload.trackUrl), 403);
  assert.equal((await server.api('HEAD', upload.trackUrl)).status, 403);

  // A GET signature does not allow a PUT, and the blob is untouched afterwards.
  expectProblem(await put(signed, uniqueWav()), 403);
  const still = await get(signed);
  assert.equal(still.status, 200);
  assert.ok(still.bytes.equals(wav));
});

// The short server's URLs live 1 s; a URL issued just before a second boundary may already be
// expired when used, so a fresh one is tried a few times.
// `bytesFor(upload)` makes the body when it depends on the slot.
async function putFresh(srv, token, bytes, bytesFor = () => bytes) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const upload = (await srv.api('GET', '/api/v1/tracks/upload-url', { token })).json;
    const put = await srv.api('PUT', upload.uploadUrl, { body: bytesFor(upload) });
    if (put.status === 200) return { upload, put };
    if (!(put.status === 403 && /expired/i.test(put.text))) {
      assert.fail(`PUT upload on the short-lived server: ${put.status} ${put.text}`);
    }
  }
  assert.fail('could not upload within a fresh 1 s URL three times');
}

test('expired upload, original and media URLs are 403 mentioning expiry', async () => {
  const artist = await short.registerUser('artist');
  const shortAlbum = await short.createAlbum(artist.token, (await short.createArtist(artist.token)).id);
  const small = uniqueStereoWav({ seconds: 0.02 });
  assert.ok(small.length < 1000);
  const { upload } = await putFresh(short, artist.token, small);
  const created = await short.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: shortAlbum.id, title: 'short', trackUrl: upload.trackUrl },
  });
  assert.equal(created.status, 201, created.text);
  await waitForStatus(short, artist.token, created.json.id, 'ready', 60_000);
  const original = await short.api('GET', `/api/v1/tracks/${created.json.id}/original`, { token: artist.token });
  assert.equal(original.status, 200, original.text);
  const stream = await short.streamUrls(artist.token, created.json.id);
  const segment = new URL('aac_96/seg-00000.m4s', stream.hls).href;
  const pending = (await short.api('GET', '/api/v1/tracks/upload-url', { token: artist.token })).json;
  await sleep(2500);
  if (onS3) {
    // The bucket refuses the expired PUT in its own words. Its read URLs are signed for a
    // whole read_grant_period (so an edge can cache them) and outlive a 1 s TTL.
    const late = await short.api('PUT', pending.uploadUrl, { body: small });
    assert.equal(late.status, 403, late.text);
    assert.match(late.text, /expired/);
  } else {
    expectProblem(await short.api('GET', original.json.url), 403, { detailIncludes: 'expired' });
    expectProblem(await short.api('PUT', pending.uploadUrl, { body: small }), 403, { detailIncludes: 'expired' });
  }
  // On S3 the progressive files are handed out as the bucket's read URLs, too.
  for (const url of [stream.hls, stream.dash, segment, ...(onS3 ? [] : [stream.progressive.mp3_160])]) {
    expectProblem(await short.api('GET', url), 403, { detailIncludes: 'expired' });
  }
  // New URLs work again.
  let originalWorked = false;
  let mediaWorked = false;
  for (let attempt = 0; attempt < 3 && !(originalWorked && mediaWorked); attempt++) {
    if (!originalWorked) {
      const again = await short.fetchOriginal(artist.token, created.json.id);
      if (again.status === 200) {
        assert.ok(again.bytes.equals(small));
        originalWorked = true;
      } else {
        assert.equal(again.status, 403, again.text);
      }
    }
    if (!mediaWorked) {
      const fresh = await short.streamUrls(artist.token, created.json.id);
      const master = await short.api('GET', fresh.hls);
      if (master.status === 200) {
        assert.match(master.text, /^#EXTM3U/);
        mediaWorked = true;
      } else {
        assert.equal(master.status, 403, master.text);
      }
    }
  }
  assert.ok(originalWorked, 'a fresh original URL never worked');
  assert.ok(mediaWorked, 'a fresh stream URL never worked');
});

// A pre-signed PUT cannot carry a size limit: on S3 the bucket takes any body, and the claim
// refuses one over maxBytes with 413 and removes it.
async function oversizeRefusedAtClaim() {
  const artist = await short.registerUser('artist');
  const shortAlbum = await short.createAlbum(artist.token, (await short.createArtist(artist.token)).id);
  const claim = (trackUrl) => short.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: shortAlbum.id, title: 'sized', trackUrl },
  });
  const over = await putFresh(short, artist.token, null, (upload) => randomBytes(upload.maxBytes + 1));
  expectProblem(await claim(over.upload.trackUrl), 413, { detailIncludes: String(over.upload.maxBytes) });
  assert.equal(await storedBlob(short, over.upload.trackUrl), false, 'the over-size object is removed');
  const exact = await putFresh(short, artist.token, null, (upload) => randomBytes(upload.maxBytes));
  const created = await claim(exact.upload.trackUrl);
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.sizeBytes, exact.upload.maxBytes);
}

test('uploads larger than maxBytes are 413; exactly maxBytes is accepted', async () => {
  if (onS3) return oversizeRefusedAtClaim();
  const artist = await short.registerUser('artist');
  let refused = null;
  for (let attempt = 0; attempt < 3 && !refused; attempt++) {
    const upload = (await short.api('GET', '/api/v1/tracks/upload-url', { token: artist.token })).json;
    assert.ok(upload.maxBytes === 1024 || upload.maxBytes === 1000,
      `--max-upload-bytes 1K gives maxBytes ${upload.maxBytes}`);
    const target = new URL(upload.uploadUrl);
    const res = await rawRequest(short.url, {
      method: 'PUT', path: target.pathname + target.search,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(upload.maxBytes + 1) },
      body: randomBytes(upload.maxBytes + 1),
    });
    assert.ok(!res.error, `413 expected, the connection failed instead: ${res.error}`);
    if (res.status === 403 && /expired/i.test(res.text)) continue;  // issued at a second boundary
    expectProblem(res, 413);
    refused = upload;
  }
  assert.ok(refused, 'the oversized PUT was never judged on its size');
  assert.ok(!(await storedBlob(short, refused.trackUrl)), 'nothing of the refused body was stored');
  const exact = randomBytes(refused.maxBytes);
  const { put } = await putFresh(short, artist.token, exact);
  assert.equal(put.json.sizeBytes, refused.maxBytes);
});

test('an expired, never-claimed upload is garbage-collected', async () => {
  const artist = await short.registerUser('artist');
  const shortAlbum = await short.createAlbum(artist.token, (await short.createArtist(artist.token)).id);
  const { upload } = await putFresh(short, artist.token, uniqueWav({ seconds: 0.05 }));
  await expectGone(short, upload.trackUrl);
  const claim = await short.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: shortAlbum.id, title: 'late', trackUrl: upload.trackUrl },
  });
  expectProblem(claim, 422);
});

test('path traversal through /blobs never reaches files outside the store', async () => {
  const secrets = ['token.key', 'url.key']
    .map((n) => path.join(server.dataDir, 'secrets', n))
    .filter((f) => fs.existsSync(f))
    .map((f) => ({ file: f, bytes: fs.readFileSync(f) }));
  assert.ok(secrets.length > 0, 'the data dir has secret files');
  const { track } = await server.uploadTrack(owner.token, album.id, uniqueWav());
  const streamQuery = querySuffix((await server.originalUrl(owner.token, track.id)).url);
  const uploadQuery = querySuffix((await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token })).json.uploadUrl);
  const evil = `cadenza-evil-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmpTarget = path.join(os.tmpdir(), evil);

  const targets = [
    '/blobs/../secrets/token.key',
    '/blobs/../../secrets/token.key',
    '/blobs/%2e%2e/secrets/token.key',
    '/blobs/%2E%2E/secrets/url.key',
    '/blobs/originals/..%2f..%2fsecrets%2ftoken.key',
    '/blobs/originals/%2e%2e%2f%2e%2e%2fsecrets%2ftoken.key',
    '/blobs/originals/..%5c..%5csecrets%5ctoken.key',
    '/blobs/.spool/anything',
    '/blobs/originals/../../secrets/token.key',
    '/blobs//etc/passwd',
    '/blobs/%2Fetc%2Fpasswd',
    `/blobs/${encodeURIComponent(path.join(server.dataDir, 'secrets', 'token.key'))}`,
    '/blobs/originals/%00',
    `/blobs/%2e%2e/${evil}`,
    `/blobs/originals/..%2f..%2f${evil}`,
    `/blobs/${encodeURIComponent(tmpTarget)}`,
    `/blobs/%2F${tmpTarget.slice(1).split('/').join('%2F')}`,
  ];
  const listing = () => fs.readdirSync(server.dataDir).filter((n) => !n.startsWith('cadenza.db')).sort();
  const listingBefore = listing();
  for (const target of targets) {
    for (const query of ['', streamQuery, uploadQuery]) {
      for (const method of ['GET', 'PUT']) {
        const res = await rawRequest(server.url, {
          method, path: target + query, body: method === 'PUT' ? Buffer.from('pwned by traversal') : undefined,
        });
        const where = `${method} ${target}${query ? '?…' : ''}`;
        assert.ok(!res.error, `${where}: connection failed: ${res.error}`);
        assert.ok([400, 403, 404].includes(res.status), `${where}: status ${res.status} ${res.text}`);
        for (const s of secrets) assert.ok(!res.bytes.includes(s.bytes), `${where} leaked ${s.file}`);
        assert.ok(!res.text.includes('root:x:0:0'), `${where} leaked /etc/passwd`);
      }
    }
  }
  for (const s of secrets) assert.ok(fs.readFileSync(s.file).equals(s.bytes), `${s.file} unchanged`);
  assert.ok(!fs.existsSync(tmpTarget), `${tmpTarget} must not be written`);
  assert.ok(!fs.existsSync(path.join(server.dataDir, evil)));
  assert.ok(!fs.existsSync(path.join(path.dirname(server.dataDir), evil)));
  assert.deepEqual(listing(), listingBefore, 'no new file in the data dir');
});

test('malformed, multi-part and unsatisfiable ranges are 416 with Content-Range bytes */SIZE', {
  skip: onS3 && 'on S3 the bucket answers ranges of originals (s3rver, unlike S3, serves most of these)',
}, async () => {
  const wav = uniqueWav();
  const { track } = await server.uploadTrack(owner.token, album.id, wav);
  const signed = (await server.originalUrl(owner.token, track.id)).url;
  for (const range of ['bytes=5-2', 'bytes=abc', 'bytes=0-1,3-4', 'bytes=999999999-', `bytes=${wav.length}-`]) {
    const res = await server.api('GET', signed, { headers: { range } });
    assert.equal(res.status, 416, `Range ${range}: ${res.status}`);
    assert.equal(res.headers.get('content-range'), `bytes */${wav.length}`, `Range ${range}`);
    assert.ok(!res.bytes.equals(wav), `Range ${range} must not send the file`);
  }
});

test('content type is sniffed: a page sent as text/html comes back as application/octet-stream', async () => {
  const page = Buffer.concat([Buffer.from('<html><script>alert(document.cookie)</script>'), randomBytes(2000)]);
  const upload = (await server.api('GET', '/api/v1/tracks/upload-url', { token: owner.token })).json;
  const put = await server.api('PUT', upload.uploadUrl, { body: page, headers: { 'content-type': 'text/html' } });
  assert.equal(put.status, 200, put.text);
  const created = await server.api('POST', '/api/v1/tracks', {
    token: owner.token, json: { albumId: album.id, title: 'Page', trackUrl: upload.trackUrl },
  });
  assert.equal(created.status, 201, created.text);
  const res = await server.fetchOriginal(owner.token, created.json.id);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.ok(res.bytes.equals(page));
});

test('a real Ogg Vorbis file comes back byte-exact as audio/ogg from its original URL', async () => {
  const ogg = findOggFile();
  assert.ok(ogg, `no .ogg file in ${kOggFolder}: the test setup installs Debian's singularity-music`);
  const bytes = fs.readFileSync(ogg);
  const { upload } = await server.uploadBytes(owner.token, bytes);
  assert.ok(bytes.length <= upload.maxBytes, `${ogg} is larger than maxBytes`);
  const created = await server.api('POST', '/api/v1/tracks', {
    token: owner.token, json: { albumId: album.id, title: path.basename(ogg), trackUrl: upload.trackUrl },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.sizeBytes, bytes.length);
  const res = await server.fetchOriginal(owner.token, created.json.id);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/ogg');
  assert.ok(res.bytes.equals(bytes));
});
