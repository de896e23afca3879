// Retention of the event tables in a real server: with events_retention at one second, the
// worker role deletes the outbox records the consumers have applied, and the counts they keep
// stay what they were; plays after the pruning are counted once, replays not at all.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueWav } from './lib/audio.mjs';
import { randomUuidV7 } from './lib/client.mjs';
import { startServer, test, waitFor, waitForStatus } from './lib/server.mjs';

let server;
let track;

before(async () => {
  server = await startServer({ env: { CADENZA_EVENTS_RETENTION: '1s' } });
  const artist = await server.registerUser('artist');
  const artistId = (await server.createArtist(artist.token)).id;
  const album = await server.createAlbum(artist.token, artistId);
  const { track: uploaded } = await server.uploadTrack(artist.token, album.id, uniqueWav({ seconds: 1 }));
  track = await waitForStatus(server, artist.token, uploaded.id, 'ready');
});

after(async () => {
  await server?.close();
});

function play(playId) {
  const now = Date.now();
  return [
    { type: 'play_started', trackId: track.id, playId, positionMs: 0, occurredAtMs: now },
    { type: 'play_ended', trackId: track.id, playId, positionMs: 900, occurredAtMs: now },
  ];
}

async function send(token, events) {
  const res = await server.api('POST', '/api/v1/events', { token, json: { events } });
  assert.equal(res.status, 202, res.text);
}

async function plays(token) {
  const res = await server.api('GET', '/api/v1/me/most-played', { token });
  assert.equal(res.status, 200, res.text);
  return res.json.items.find((item) => item.track.id === track.id)?.plays ?? 0;
}

// Outbox records deleted by retention runs logged after `marker`.
function prunedAfter(marker) {
  const log = server.logTail();
  const start = log.lastIndexOf(marker);
  if (start < 0) return 0;
  let total = 0;
  for (const m of log.slice(start).matchAll(/event retention: deleted (\d+) outbox record/g)) {
    total += Number(m[1]);
  }
  return total;
}

test('applied events are pruned and the counts they made stay', async () => {
  const listener = await server.registerUser('listener');
  const first = play(randomUuidV7());
  await send(listener.token, first);
  assert.equal(await waitFor(async () => (await plays(listener.token)) === 1), true);

  // Everything recorded so far has been applied: the play's three records (its two events and
  // the play they make) go at the next runs of the retention, once a second old.
  const marker = `=== applied ${randomUuidV7()}`;
  server.log.push(Buffer.from(`\n${marker}\n`));
  const pruned = await waitFor(() => prunedAfter(marker) >= 3 && prunedAfter(marker));
  assert.ok(pruned >= 3, `no outbox records pruned after the play was applied:\n${server.logTail()}`);
  assert.equal(await plays(listener.token), 1);

  // The play-through outlives its records: its end replayed counts nothing...
  await send(listener.token, [first[1]]);
  // ...and a new play after the pruning counts once.
  await send(listener.token, play(randomUuidV7()));
  // Another listener's play last: once it shows, everything before it was applied (the
  // consumers follow the outbox in order).
  const sentinel = await server.registerUser('listener');
  await send(sentinel.token, play(randomUuidV7()));
  assert.equal(await waitFor(async () => (await plays(sentinel.token)) === 1), true);
  assert.equal(await plays(listener.token), 2);
  const history = await server.api('GET', '/api/v1/me/recently-played', { token: listener.token });
  assert.equal(history.status, 200, history.text);
  assert.equal(history.json.items.find((item) => item.track.id === track.id)?.plays, 2);
});
