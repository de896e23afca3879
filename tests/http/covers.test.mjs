// Album cover art: upload, fixed re-encoded sizes, public immutable URLs, and refusals.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { expectProblem, randomUuidV7, rawRequest } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { startServer, test } from './lib/server.mjs';

// On S3 the bucket serves the cover bytes: Cadenza answers a cover URL with a redirect there.
const onS3 = testEngines().s3;
const kImmutable = 'public, max-age=31536000, immutable';

let server;
let owner;
let listener;
let workDir;

// A test-pattern image of `width` x `height` made by the ffmpeg CLI (format from `name`).
function makeImage(name, width, height) {
  const path = join(workDir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}`,
    '-frames:v', '1', path]);
  return readFileSync(path);
}

// Width and height from a JPEG's start-of-frame marker.
function jpegSize(bytes) {
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8);
  let at = 2;
  while (at + 9 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  assert.fail('no JPEG start-of-frame marker');
}

async function newAlbum() {
  const artist = await server.createArtist(owner.token);
  return server.createAlbum(owner.token, artist.id);
}

function putCover(token, albumId, body, contentType) {
  return server.api('PUT', `/api/v1/albums/${albumId}/cover`, {
    token, body, headers: { 'content-type': contentType },
  });
}

// GET a cover URL as a browser does. On S3 a cover that exists is a redirect, kept a minute,
// to the bucket's signed URL of the same key; the bucket's answer is returned.
async function getCover(url, headers = {}) {
  const res = await server.api('GET', url, { headers });
  if (!onS3 || res.status === 404) return res;
  assert.equal(res.status, 302, `${url}: ${res.status} ${res.text}`);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
  const location = res.headers.get('location');
  assert.equal(server.blobs.keyOf(location).split('/')[0], 'covers', location);
  assert.ok(server.blobs.keyOf(location).includes(url.split('/')[2]), `${location} is the album's`);
  return server.api('GET', location, { headers });
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cadenza-covers-'));
  server = await startServer();
  [owner, listener] = await Promise.all([server.registerUser('artist'), server.registerUser('listener')]);
});

after(async () => {
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('a new album has no cover', async () => {
  const album = await newAlbum();
  assert.equal(album.cover, null);
  const got = await server.api('GET', `/api/v1/albums/${album.id}`, { token: listener.token });
  assert.equal(got.json.cover, null);
});

test('an uploaded PNG is served as square JPEGs at fixed sizes, publicly and immutably', async () => {
  const album = await newAlbum();
  const png = makeImage('cover.png', 1000, 800);
  const res = await putCover(owner.token, album.id, png, 'image/png');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json.cover).sort((a, b) => a - b), ['96', '300', '600']);
  const got = await server.api('GET', `/api/v1/albums/${album.id}`, { token: listener.token });
  assert.deepEqual(got.json.cover, res.json.cover);

  for (const [size, url] of Object.entries(res.json.cover)) {
    assert.match(url, new RegExp(`^/covers/${album.id}/[0-9a-f-]{36}/${size}\\.jpg$`));
    const image = await getCover(url);  // no token: cover art is public
    assert.equal(image.status, 200, `${url}: ${image.text}`);
    if (!onS3) {
      assert.equal(image.headers.get('content-type'), 'image/jpeg');
      assert.equal(image.headers.get('cache-control'), kImmutable);
    }
    const etag = image.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9a-f]{32}"$/, 'an opaque strong ETag');
    const version = url.split('/')[3];
    assert.ok(!etag.includes(version), `the ETag ${etag} does not show the version ${version}`);
    assert.deepEqual(jpegSize(image.bytes), { width: Number(size), height: Number(size) });
    assert.notDeepEqual(image.bytes, png);
    assert.equal((await getCover(url)).headers.get('etag'), etag, 'the ETag is stable');

    const again = await getCover(url, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);
    if (!onS3) {
      // Cadenza's own 304 and matching; the bucket's are the S3 server's.
      assert.equal(again.headers.get('etag'), etag);
      assert.equal(again.headers.get('cache-control'), kImmutable);
      const listed = await getCover(url, { 'if-none-match': `"nope", W/${etag}` });
      assert.equal(listed.status, 304, 'a list of entity tags is matched, weakly');
    }
    const stale = await getCover(url, { 'if-none-match': '"some-other-version"' });
    assert.equal(stale.status, 200, 'another entity tag gets the image');
    assert.deepEqual(stale.bytes, image.bytes);
    const near = await getCover(url, { 'if-none-match': `"x${etag.slice(1, -1)}"` });
    assert.equal(near.status, 200, 'a tag that merely contains this one does not match');
    const part = await getCover(url, { range: 'bytes=0-9' });
    assert.equal(part.status, 206);
    assert.deepEqual(part.bytes, image.bytes.subarray(0, 10));
  }

  // Replacing the cover gives new URLs; the old version is removed in the background.
  const jpeg = makeImage('cover.jpg', 1300, 1300);
  const replaced = await putCover(owner.token, album.id, jpeg, 'image/jpeg');
  assert.equal(replaced.status, 200, replaced.text);
  assert.deepEqual(Object.keys(replaced.json.cover).sort((a, b) => a - b), ['96', '300', '600', '1200']);
  assert.notEqual(replaced.json.cover['96'], res.json.cover['96']);
  const old = await server.api('GET', res.json.cover['96']);
  assert.equal(old.status, 404, 'a replaced version is no longer served, even before it is swept');
  assert.equal((await getCover(replaced.json.cover['1200'])).status, 200);
  const webp = await putCover(owner.token, album.id, makeImage('cover.webp', 120, 90), 'image/webp');
  assert.equal(webp.status, 200, webp.text);
  assert.deepEqual(Object.keys(webp.json.cover), ['96']);
});

test('only the owner (or an admin) may set a cover', async () => {
  const album = await newAlbum();
  const png = makeImage('small.png', 100, 100);
  expectProblem(await putCover(listener.token, album.id, png, 'image/png'), 403);
  const other = await server.registerUser('artist');
  expectProblem(await putCover(other.token, album.id, png, 'image/png'), 403);
  expectProblem(await putCover(undefined, album.id, png, 'image/png'), 401);
  expectProblem(await putCover(owner.token, randomUuidV7(), png, 'image/png'), 404);
});

test('anything but a JPEG, PNG or WebP image is refused', async () => {
  const album = await newAlbum();
  expectProblem(await putCover(owner.token, album.id, 'just text', 'text/plain'), 415);
  // The bytes decide, not the Content-Type a client claims.
  expectProblem(await putCover(owner.token, album.id, 'just text', 'image/png'), 415);
  const png = makeImage('cut.png', 400, 400);
  expectProblem(await putCover(owner.token, album.id, png.subarray(0, 200), 'image/png'), 422);
  const after = await server.api('GET', `/api/v1/albums/${album.id}`, { token: owner.token });
  assert.equal(after.json.cover, null);
});

test('a body over 10 MiB is refused with 413 before it is read', async () => {
  const album = await newAlbum();
  const res = await rawRequest(server.url, {
    method: 'PUT', path: `/api/v1/albums/${album.id}/cover`,
    headers: {
      authorization: `Bearer ${owner.token}`, 'content-type': 'image/png',
      'content-length': String((10 << 20) + 1),
    },
    body: async (req) => { req.flushHeaders(); },
  });
  assert.ok(!res.error, `413 expected, the connection failed instead: ${res.error}`);
  expectProblem(res, 413);
});

test('only stored sizes of real versions are served: no size is made on request', async () => {
  const album = await newAlbum();
  const res = await putCover(owner.token, album.id, makeImage('c.png', 400, 400), 'image/png');
  assert.equal(res.status, 200, res.text);
  const base = res.json.cover['96'].replace(/96\.jpg$/, '');
  for (const file of ['123.jpg', '600.jpg', '96.png', '096.jpg', '96.jpg.x', '..%2F96.jpg']) {
    assert.equal((await server.api('GET', base + file)).status, 404, file);
  }
  assert.equal((await server.api('GET', `/covers/${album.id}/${randomUuidV7()}/96.jpg`)).status, 404);
  assert.equal((await server.api('GET', `/covers/not-a-uuid/${randomUuidV7()}/96.jpg`)).status, 404);
});
