// Per-account limits against a real server with small limits and no transcoding worker (so
// queued jobs stay queued): the open-slot, queued-job and storage refusals an attacker meets.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';

import { expectProblem } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { startServer, test } from './lib/server.mjs';

// On S3 uploads go to the bucket with a pre-signed PUT, which cannot carry a size limit and
// never passes through Cadenza: sizes are known at the claim, not at the PUT.
const onS3 = testEngines().s3;

const kMaxOpenUploads = 3;
const kMaxQueuedJobs = 2;
const kMaxStoredBytes = 1024;

let server;

before(async () => {
  server = await startServer({
    args: ['--roles', 'api,media', '--max-open-uploads', String(kMaxOpenUploads),
      '--max-queued-jobs', String(kMaxQueuedJobs), '--max-stored-bytes', '1K'],
  });
});

after(async () => {
  await server?.close();
});

// A fresh artist with an album of its own: every test counts from zero.
async function newArtist() {
  const user = await server.registerUser('artist');
  const artist = await server.createArtist(user.token);
  const album = await server.createAlbum(user.token, artist.id);
  return { ...user, album };
}

function expectLimit(res, status, name, value) {
  const body = expectProblem(res, status, { detailIncludes: name });
  assert.equal(body.limit, name, res.text);
  assert.equal(body.limitValue, value, res.text);
  assert.ok(body.detail.includes(String(value)), `detail names the value: ${res.text}`);
  return body;
}

async function claim(user, trackUrl) {
  return server.api('POST', '/api/v1/tracks', {
    token: user.token, json: { albumId: user.album.id, title: 'Song', trackUrl },
  });
}

test('an artist asking for more upload slots than allowed gets 429 naming the limit', async () => {
  const attacker = await newArtist();
  for (let i = 0; i < kMaxOpenUploads; i += 1) {
    const res = await server.api('GET', '/api/v1/tracks/upload-url', { token: attacker.token });
    assert.equal(res.status, 200, res.text);
  }
  const refused = await server.api('GET', '/api/v1/tracks/upload-url', { token: attacker.token });
  expectLimit(refused, 429, 'max_open_uploads', kMaxOpenUploads);
  const retryAfter = Number(refused.headers.get('retry-after'));
  // The first slot expires an hour (upload_url_ttl) after it was issued.
  assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After ${retryAfter}`);

  // Other accounts are not affected, and administrators are exempt.
  const bystander = await newArtist();
  const theirs = await server.api('GET', '/api/v1/tracks/upload-url', { token: bystander.token });
  assert.equal(theirs.status, 200, theirs.text);
  const admin = await server.createAdmin();
  for (let i = 0; i <= kMaxOpenUploads; i += 1) {
    const res = await server.api('GET', '/api/v1/tracks/upload-url', { token: admin.token });
    assert.equal(res.status, 200, res.text);
  }
});

test('update-url counts against the same open slots', async () => {
  const artist = await newArtist();
  const { track } = await server.uploadTrack(artist.token, artist.album.id, randomBytes(100));
  for (let i = 0; i < kMaxOpenUploads; i += 1) {
    const res = await server.api('GET', `/api/v1/tracks/update-url/${track.id}`, { token: artist.token });
    assert.equal(res.status, 200, res.text);
  }
  const refused = await server.api('GET', `/api/v1/tracks/update-url/${track.id}`, { token: artist.token });
  expectLimit(refused, 429, 'max_open_uploads', kMaxOpenUploads);
});

test('a claim beyond max_queued_jobs gets 429 and leaves the upload claimable', async () => {
  const attacker = await newArtist();
  for (let i = 0; i < kMaxQueuedJobs; i += 1) {
    await server.uploadTrack(attacker.token, attacker.album.id, randomBytes(100));
  }
  const { upload } = await server.uploadBytes(attacker.token, randomBytes(100));
  const refused = await claim(attacker, upload.trackUrl);
  expectLimit(refused, 429, 'max_queued_jobs', kMaxQueuedJobs);
  assert.equal(refused.headers.get('retry-after'), '60');

  // The refused claim left the upload in place: the slot is still there to claim.
  const again = await claim(attacker, upload.trackUrl);
  expectLimit(again, 429, 'max_queued_jobs', kMaxQueuedJobs);
  // Another account's queue is its own.
  const bystander = await newArtist();
  await server.uploadTrack(bystander.token, bystander.album.id, randomBytes(100));
});

test('the storage quota shrinks upload slots and refuses claims and slots past it', async () => {
  const artist = await newArtist();
  // Two slots issued while the account is empty each allow the whole quota.
  const slots = [];
  for (let i = 0; i < 2; i += 1) {
    const res = await server.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.maxBytes, kMaxStoredBytes);
    slots.push(res.json);
  }
  for (const slot of slots) {
    const put = await server.api('PUT', slot.uploadUrl, {
      body: randomBytes(600), headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(put.status, 200, put.text);
  }
  assert.equal((await claim(artist, slots[0].trackUrl)).status, 201);

  // 600 stored by the track, and 600 more if the second upload were claimed.
  const overClaim = await claim(artist, slots[1].trackUrl);
  const body = expectLimit(overClaim, [403, 413], 'max_stored_bytes', kMaxStoredBytes);
  assert.ok(body.detail.includes('1200'), body.detail);
  const nextSlot = await server.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  if (onS3) {
    // Cadenza never sees a bucket PUT complete, so only the claimed 600 count; the refused
    // upload stays in the bucket, claimable once there is room.
    assert.equal(nextSlot.status, 200, nextSlot.text);
    assert.equal(nextSlot.json.maxBytes, kMaxStoredBytes - 600);
    assert.ok(await server.blobs.exists(server.blobs.keyOf(slots[1].trackUrl)));
  } else {
    // The unclaimed 600 still occupy the store: no room for another slot.
    expectLimit(nextSlot, 403, 'max_stored_bytes', kMaxStoredBytes);
  }
});

test('a slot is limited to the room left, so its PUT cannot pass the quota', async () => {
  const artist = await newArtist();
  await server.uploadTrack(artist.token, artist.album.id, randomBytes(1000));
  const res = await server.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.maxBytes, kMaxStoredBytes - 1000);
  const put = await server.api('PUT', res.json.uploadUrl, {
    body: randomBytes(100), headers: { 'content-type': 'application/octet-stream' },
  });
  const key = server.blobs.keyOf(res.json.trackUrl);
  if (onS3) {
    // The bucket takes the bytes; the claim refuses them and removes the object.
    assert.equal(put.status, 200, put.text);
    expectProblem(await claim(artist, res.json.trackUrl), 413, { detailIncludes: String(kMaxStoredBytes - 1000) });
  } else {
    expectProblem(put, 413);
  }
  assert.equal(await server.blobs.exists(key), false, 'nothing of the refused upload is kept');
});
