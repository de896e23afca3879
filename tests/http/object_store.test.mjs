// The flows of a blob store that serves clients itself (S3), end to end on a real S3 server:
// uploads go to the bucket with a pre-signed PUT and are claimed by a HEAD there, manifests
// list the bucket's signed URLs so ffmpeg plays the track from the bucket, segment and cover
// routes redirect there, and deleting a track empties its objects. Runs when the suite is
// started with CADENZA_TEST_ENGINES naming s3 (the http_api_engines test); skipped otherwise.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueStereoWav } from './lib/audio.mjs';
import { expectProblem } from './lib/client.mjs';
import { kS3Credentials, testEngines } from './lib/engines.mjs';
import { solidPng } from './lib/hostile_images.mjs';
import { decodedSeconds, parseMasterPlaylist, parseMediaPlaylist } from './lib/media.mjs';
import { startServer, test, waitFor, waitForStatus } from './lib/server.mjs';

const skip = !testEngines().s3 && 'needs CADENZA_TEST_ENGINES=s3 (the http_api_engines test)';

let server;
let artist;
let album;
let endpoint;
let bucket;

// A request to the S3 server itself, as its owner (s3rver checks the key id, not signatures).
function s3(method, objectPath) {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return fetch(`${endpoint}/${bucket}/${objectPath}`, {
    method,
    headers: {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=${kS3Credentials.accessKeyId}/${date.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
}

async function objectExists(key) {
  const res = await s3('HEAD', key);
  return res.status === 200;
}

// The bucket's keys under `prefix` (ListObjectsV2, first page).
async function listKeys(prefix) {
  const res = await s3('GET', `?list-type=2&prefix=${encodeURIComponent(prefix)}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return [...text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
}

function keyOfTrackUrl(trackUrl) {
  return decodeURIComponent(new URL(trackUrl).pathname.replace(/^\/blobs\//, ''));
}

before(async () => {
  if (skip) return;
  server = await startServer();
  endpoint = server.env.CADENZA_S3_ENDPOINT;
  bucket = server.env.CADENZA_BLOB_STORE_URL.replace(/^s3:\/\//, '');
  artist = await server.registerUser('artist');
  album = await server.createAlbum(artist.token, (await server.createArtist(artist.token)).id);
});

after(async () => {
  await server?.close();
});

test('uploads go to the bucket with a pre-signed PUT and are claimed by what the bucket holds', { skip }, async () => {
  const slot = await server.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  assert.equal(slot.status, 200, slot.text);
  const { uploadUrl, trackUrl, method } = slot.json;
  assert.equal(method, 'PUT');
  assert.ok(uploadUrl.startsWith(`${endpoint}/${bucket}/originals/`), uploadUrl);
  assert.match(uploadUrl, /X-Amz-Signature=[0-9a-f]{64}/);

  const early = await server.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: album.id, title: 'Early', trackUrl },
  });
  expectProblem(early, 422, { field: 'trackUrl', detailIncludes: 'nothing has been uploaded' });

  const wav = uniqueStereoWav({ seconds: 2 });
  const put = await fetch(uploadUrl, { method: 'PUT', body: wav });
  assert.equal(put.status, 200, await put.text());
  assert.ok(!server.logTail().includes(' PUT /'), 'no upload byte passed through Cadenza');
  const created = await server.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: album.id, title: 'Direct', trackUrl },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.sizeBytes ?? wav.length, wav.length);
  assert.ok(await objectExists(keyOfTrackUrl(trackUrl)), 'the original stays in the bucket');
});

test('an upload larger than its URL allows is refused at the claim and removed from the bucket', { skip }, async () => {
  const slot = await server.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  const { uploadUrl, trackUrl, maxBytes } = slot.json;
  // A pre-signed PUT cannot carry a size limit: the bucket takes the bytes, the claim refuses.
  const tooBig = Buffer.alloc(maxBytes + 1, 7);
  const put = await fetch(uploadUrl, { method: 'PUT', body: tooBig });
  assert.equal(put.status, 200);
  const key = keyOfTrackUrl(trackUrl);
  assert.ok(await objectExists(key));
  const claim = await server.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: album.id, title: 'Too big', trackUrl },
  });
  expectProblem(claim, 413, { detailIncludes: String(maxBytes) });
  assert.equal(await objectExists(key), false, 'the over-size object is removed');
});

test('a ready track plays from the bucket: manifests list its signed URLs, routes redirect there', { skip }, async () => {
  const wav = uniqueStereoWav({ seconds: 12, sampleRate: 44100 });
  const { track } = await server.uploadTrack(artist.token, album.id, wav);
  await waitForStatus(server, artist.token, track.id, 'ready', 120_000);
  const stream = await server.streamUrls(artist.token, track.id);

  const master = await server.api('GET', stream.hls);
  assert.equal(master.status, 200, master.text);
  const variant = parseMasterPlaylist(master.text).variants[0];
  const media = await server.api('GET', new URL(variant.uri, new URL(stream.hls, server.url)).href);
  assert.equal(media.status, 200, media.text);
  const playlist = parseMediaPlaylist(media.text);
  assert.ok(playlist.segments.length >= 2, media.text);
  for (const segment of playlist.segments) {
    assert.ok(segment.uri.startsWith(`${endpoint}/${bucket}/renditions/${track.id}/`), segment.uri);
  }
  assert.match(media.text, new RegExp(`#EXT-X-MAP:URI="${endpoint}/${bucket}/renditions/`));

  // ffmpeg, as a player: the playlists from Cadenza, every media byte from the bucket.
  const seconds = await decodedSeconds(new URL(stream.hls, server.url).href);
  assert.ok(Math.abs(seconds - 12) < 0.5, `decoded ${seconds} s of 12`);

  // A segment asked of Cadenza is a redirect to a freshly signed bucket URL.
  const segmentPath = new URL(stream.hls, server.url).pathname.replace(/master\.m3u8$/, `${variant.uri.split('/')[0]}/seg-00000.m4s`);
  const redirect = await server.api('GET', segmentPath);
  assert.equal(redirect.status, 302, redirect.text);
  const location = redirect.headers.get('location');
  assert.ok(location.startsWith(`${endpoint}/${bucket}/renditions/${track.id}/`), location);
  const segment = await fetch(location);
  assert.equal(segment.status, 200);
  assert.ok((await segment.arrayBuffer()).byteLength > 0);

  const progressive = Object.values(stream.progressive);
  assert.equal(progressive.length, 3, JSON.stringify(stream.progressive));
  for (const href of progressive) assert.ok(href.startsWith(`${endpoint}/${bucket}/renditions/`), href);
});

test('covers are stored in the bucket and their routes redirect to it', { skip }, async () => {
  const put = await server.api('PUT', `/api/v1/albums/${album.id}/cover`, {
    token: artist.token, body: solidPng(400, 8), headers: { 'content-type': 'image/png' },
  });
  assert.equal(put.status, 200, put.text);
  const url = put.json.cover['300'];
  const redirect = await server.api('GET', url);
  assert.equal(redirect.status, 302, redirect.text);
  const location = redirect.headers.get('location');
  assert.ok(location.startsWith(`${endpoint}/${bucket}/covers/`), location);
  const image = await fetch(location);
  assert.equal(image.status, 200);
  const bytes = Buffer.from(await image.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
});

test('deleting a track removes its original and renditions from the bucket', { skip }, async () => {
  const { track, trackUrl } = await server.uploadTrack(artist.token, album.id, uniqueStereoWav({ seconds: 2 }));
  await waitForStatus(server, artist.token, track.id, 'ready', 120_000);
  assert.ok((await listKeys(`renditions/${track.id}/`)).length > 0);
  const removed = await server.api('DELETE', `/api/v1/tracks/${track.id}`, { token: artist.token });
  assert.equal(removed.status, 200, removed.text);
  const gone = await waitFor(async () => (await listKeys(`renditions/${track.id}/`)).length === 0
    && !(await objectExists(keyOfTrackUrl(trackUrl))), { timeoutMs: 20_000, intervalMs: 250 });
  assert.ok(gone, 'the janitor removed every object of the track');
});
