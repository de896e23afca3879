// Listening events: POST /api/v1/events, its validation and limit, and the counts and history
// the consumers keep from them (read through /me/recently-played, /me/most-played and
// /browse/popular).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueWav } from './lib/audio.mjs';
import { expectProblem, kRfc3339, kUuidV7, randomUuidV7 } from './lib/client.mjs';
import { startServer, test, waitFor, waitForStatus } from './lib/server.mjs';

let server;
let artist;
const ready = [];  // two ready tracks
let failed;        // a track whose processing failed
let artistId;
let albumId;

before(async () => {
  server = await startServer();
  artist = await server.registerUser('artist');
  artistId = (await server.createArtist(artist.token)).id;
  const album = await server.createAlbum(artist.token, artistId, { releaseDate: '2024-03-01' });
  albumId = album.id;
  for (let i = 0; i < 2; i++) {
    const { track } = await server.uploadTrack(artist.token, album.id, uniqueWav({ seconds: 1 }));
    ready.push(await waitForStatus(server, artist.token, track.id, 'ready'));
  }
  const text = await server.uploadTrack(artist.token, album.id, Buffer.from('not audio at all\n'.repeat(64)));
  failed = await waitForStatus(server, artist.token, text.track.id, 'failed');
});

after(async () => {
  await server?.close();
});

function event(type, track, playId, positionMs = 0, occurredAtMs = Date.now()) {
  return { type, trackId: track.id, playId, positionMs, occurredAtMs };
}

async function send(token, events) {
  return server.api('POST', '/api/v1/events', { token, json: { events } });
}

async function played(token, path) {
  const res = await server.api('GET', path, { token });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function playsOf(page, track) {
  return page.items.find((item) => item.track.id === track.id)?.plays ?? 0;
}

test('an accepted batch answers 202 with one new id per event, in order', async () => {
  const listener = await server.registerUser('listener');
  const res = await send(listener.token, [
    event('play_started', ready[0], 'p-1'), event('play_progress', ready[0], 'p-1', 500),
    event('skipped', ready[0], 'p-1', 600),
  ]);
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.ids.length, 3);
  for (const id of res.json.ids) assert.match(id, kUuidV7);
  assert.equal(new Set(res.json.ids).size, 3);
});

test('a play counts once, fake ends count nothing, and history and popularity show it', async () => {
  const listener = await server.registerUser('listener');
  const [t1, t2] = ready;
  const playId = randomUuidV7();
  assert.equal((await send(listener.token, [event('play_started', t1, playId), event('play_ended', t1, playId, 900)])).status, 202);
  // The same play-through ended over and over, and ends that never started.
  const loop = Array.from({ length: 30 }, () => event('play_ended', t1, playId, 900));
  assert.equal((await send(listener.token, loop)).status, 202);
  const unstarted = Array.from({ length: 30 }, (_, i) => event('play_ended', t1, `fake-${i}`, 900));
  assert.equal((await send(listener.token, unstarted)).status, 202);
  // A real play of another track after them: once it shows, everything before it was applied
  // (the consumers follow the outbox in order).
  assert.equal((await send(listener.token, [event('play_started', t2, 'second'), event('play_ended', t2, 'second', 900)])).status, 202);
  const recent = await waitFor(async () => {
    const page = await played(listener.token, '/api/v1/me/recently-played');
    return playsOf(page, t2) > 0 ? page : null;
  }, { timeoutMs: 30_000 });
  assert.ok(recent, 'the second play reached the listening history');
  assert.equal(playsOf(recent, t1), 1, JSON.stringify(recent));
  assert.equal(playsOf(recent, t2), 1);
  assert.deepEqual(recent.items.map((i) => i.track.id), [t2.id, t1.id], 'last played first');
  for (const item of recent.items) assert.match(item.lastPlayedAt, kRfc3339);

  const most = await played(listener.token, '/api/v1/me/most-played?limit=1');
  assert.equal(most.items.length, 1);
  assert.equal(most.nextOffset, 1);
  // Other listeners' history is their own.
  const stranger = await server.registerUser('listener');
  assert.deepEqual((await played(stranger.token, '/api/v1/me/recently-played')).items, []);
  // Popularity counts every listener's plays; other tests may add to these tracks, never less.
  const popular = await played(stranger.token, '/api/v1/browse/popular');
  assert.ok(playsOf(popular, t1) >= 1 && playsOf(popular, t2) >= 1, JSON.stringify(popular));
});

test('each refusal is a 400 problem naming the event and the reason, and records nothing', async () => {
  const listener = await server.registerUser('listener');
  const [t1] = ready;
  const cases = [
    [[event('paused', t1, 'p')], 'events[0].type', 'unknown type'],
    [[event('play_started', t1, 'p'), event('play_started', { id: randomUuidV7() }, 'p')], 'events[1].trackId', 'no such track'],
    [[event('play_started', failed, 'p')], 'events[0].trackId', 'not ready'],
    [[event('play_progress', t1, 'p', (t1.durationMs ?? 0) + 60_000)], 'events[0].positionMs', 'beyond the track'],
    [[event('play_started', t1, 'p', 0, Date.now() + 3_600_000)], 'events[0].occurredAt', 'in the future'],
    [[event('play_started', t1, 'p', 0, Date.now() - 30 * 86_400_000)], 'events[0].occurredAt', 'too old'],
    [[event('play_started', t1, 'not a valid id!')], 'events[0].playId', 'playId'],
    [[{ ...event('play_started', t1, 'p'), extra: 1 }], 'events[0].extra', 'unknown field'],
    [[], 'events', 'at least one'],
    [Array.from({ length: 101 }, () => event('play_started', t1, 'p')), 'events', 'at most 100'],
  ];
  for (const [events, field, reason] of cases) {
    expectProblem(await send(listener.token, events), 400, { field, detailIncludes: reason });
  }
  // Every refused event of a batch is listed.
  const many = await send(listener.token, [event('paused', t1, 'p'), event('play_started', t1, 'p'),
    event('play_started', failed, 'p')]);
  const body = expectProblem(many, 400, { field: 'events[0].type' });
  assert.match(body.detail, /events\[0\]\.type: unknown type/);
  assert.match(body.detail, /events\[2\]\.trackId: the track is not ready/);
  assert.doesNotMatch(body.detail, /events\[1\]/);
  expectProblem(await server.api('POST', '/api/v1/events', { json: { events: [] } }), 401);
  expectProblem(await server.api('POST', '/api/v1/events', {
    token: listener.token, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: [], pad: 'x'.repeat(70 * 1024) }),
  }), 413);
  // Nothing of the refused batches reached the history.
  await send(listener.token, [event('play_started', t1, 'real'), event('play_ended', t1, 'real', 900)]);
  const recent = await waitFor(async () => {
    const page = await played(listener.token, '/api/v1/me/recently-played');
    return page.items.length > 0 ? page : null;
  }, { timeoutMs: 30_000 });
  assert.equal(playsOf(recent, t1), 1);
});

test('too many events a minute answer 429 with Retry-After', async () => {
  const listener = await server.registerUser('listener');
  // The budget (600 a minute) is charged before events are checked, so refused batches use it
  // up too.
  const batch = Array.from({ length: 100 }, () => event('paused', ready[0], 'p'));
  let res;
  for (let i = 0; i < 8; i++) {
    res = await send(listener.token, batch);
    if (res.status === 429) break;
    expectProblem(res, 400, { field: 'events[0].type' });
  }
  const body = expectProblem(res, 429, { detailIncludes: 'too many listening events' });
  assert.equal(body.limit, 'max_events_per_minute');
  assert.ok(Number(res.headers.get('retry-after')) >= 1, `Retry-After: ${res.headers.get('retry-after')}`);
  // Another listener is not affected.
  const other = await server.registerUser('listener');
  assert.equal((await send(other.token, [event('play_started', ready[0], 'x')])).status, 202);
});

test('an artist\'s top tracks follow the play counts, and new releases list albums with ready tracks', async () => {
  const listener = await server.registerUser('listener');
  const [t1, t2] = ready;
  for (let i = 0; i < 3; i++) {
    const res = await send(listener.token, [event('play_started', t2, `top-${i}`), event('play_ended', t2, `top-${i}`, 900)]);
    assert.equal(res.status, 202, res.text);
  }
  // The earlier tests played t1 twice and t2 once: t2 now leads with 4.
  const top = await waitFor(async () => {
    const page = await played(listener.token, `/api/v1/artists/${artistId}/top-tracks`);
    return playsOf(page, t2) >= 4 ? page : null;
  }, { timeoutMs: 30_000 });
  assert.ok(top, 'the plays reached the play counts');
  assert.deepEqual(top.items.map((i) => i.track.id), [t2.id, t1.id], 'most played first, ready tracks only');
  assert.ok(playsOf(top, t2) > playsOf(top, t1));
  expectProblem(await server.api('GET', `/api/v1/artists/${randomUuidV7()}/top-tracks`, { token: listener.token }), 404);

  const empty = await server.createAlbum(artist.token, artistId, { releaseDate: '2030-01-01' });
  const releases = await played(listener.token, '/api/v1/browse/new-releases');
  const ids = releases.items.map((a) => a.id);
  assert.ok(ids.includes(albumId), JSON.stringify(releases));
  assert.ok(!ids.includes(empty.id), 'an album without a ready track is not a release');
  expectProblem(await server.api('GET', '/api/v1/browse/new-releases?limit=0', { token: listener.token }), 400, { field: 'limit' });
});
