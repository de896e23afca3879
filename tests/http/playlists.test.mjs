// Playlists: CRUD, ordered entries (insert, remove, move), visibility, track deletion.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueWav } from './lib/audio.mjs';
import { assertSameTrack, expectProblem, kRfc3339, kUuidV7, randomUuidV7 } from './lib/client.mjs';
import { startServer, test } from './lib/server.mjs';

let server;
let artist;
let me;
let someoneElse;
const tracks = [];  // t1..t4, owned by `artist`

before(async () => {
  server = await startServer();
  [artist, me, someoneElse] = await Promise.all([
    server.registerUser('artist'), server.registerUser('listener'), server.registerUser('listener'),
  ]);
  const album = await server.createAlbum(artist.token, (await server.createArtist(artist.token)).id);
  for (let i = 1; i <= 4; i++) {
    tracks.push((await server.uploadTrack(artist.token, album.id, uniqueWav({ seconds: 0.05 }), { title: `t${i}`, trackNumber: i })).track);
  }
});

after(async () => {
  await server?.close();
});

// Checks the entries' order by track title and that positions are dense from 0.
function assertOrder(playlist, titles, what) {
  assert.ok(Array.isArray(playlist.entries), `${what}: entries`);
  assert.deepEqual(playlist.entries.map((e) => e.track.title), titles, what);
  assert.deepEqual(playlist.entries.map((e) => e.position), titles.map((_, i) => i), `${what}: dense positions`);
  for (const e of playlist.entries) {
    assert.match(e.addedAt, kRfc3339);
    assert.match(e.track.id, kUuidV7);
  }
}

async function read(id, token = me.token) {
  const res = await server.api('GET', `/api/v1/playlists/${id}`, { token });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('create, add, insert, remove, move and rename keep a dense, ordered list', async () => {
  const [t1, t2, t3, t4] = tracks;
  const created = await server.api('POST', '/api/v1/playlists', {
    token: me.token, json: { name: '  Road trip  ', description: 'Songs\nfor the car' },
  });
  assert.equal(created.status, 201, created.text);
  const p = created.json;
  assert.match(p.id, kUuidV7);
  assert.equal(p.ownerId, me.user.id);
  assert.equal(p.name, 'Road trip');
  assert.equal(p.description, 'Songs\nfor the car');
  assert.equal(p.public, false);
  assert.match(p.createdAt, kRfc3339);
  assert.match(p.updatedAt, kRfc3339);
  assertOrder(await read(p.id), [], 'new playlist');

  const add = await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, {
    token: me.token, json: { trackIds: [t1.id, t2.id, t3.id] },
  });
  assert.equal(add.status, 200, add.text);
  assertOrder(add.json, ['t1', 't2', 't3'], 'after adding three');
  assertSameTrack(add.json.entries[0].track, t1);
  assertOrder(await read(p.id), ['t1', 't2', 't3'], 'GET after adding three');

  const insert = await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, {
    token: me.token, json: { trackIds: [t4.id], position: 0 },
  });
  assert.equal(insert.status, 200, insert.text);
  assertOrder(insert.json, ['t4', 't1', 't2', 't3'], 'after inserting at 0');
  assertOrder(await read(p.id), ['t4', 't1', 't2', 't3'], 'GET after inserting at 0');

  const remove = await server.api('DELETE', `/api/v1/playlists/${p.id}/tracks/1`, { token: me.token });
  assert.equal(remove.status, 200, remove.text);
  assertOrder(remove.json, ['t4', 't2', 't3'], 'after removing position 1');
  assertOrder(await read(p.id), ['t4', 't2', 't3'], 'GET after removing position 1');

  const move = await server.api('POST', `/api/v1/playlists/${p.id}/move`, { token: me.token, json: { from: 2, to: 0 } });
  assert.equal(move.status, 200, move.text);
  assertOrder(move.json, ['t3', 't4', 't2'], 'after moving 2 -> 0');
  const moveBack = await server.api('POST', `/api/v1/playlists/${p.id}/move`, { token: me.token, json: { from: 0, to: 2 } });
  assert.equal(moveBack.status, 200, moveBack.text);
  assertOrder(moveBack.json, ['t4', 't2', 't3'], 'after moving 0 -> 2');
  const again = await server.api('POST', `/api/v1/playlists/${p.id}/move`, { token: me.token, json: { from: 2, to: 0 } });
  assertOrder(again.json, ['t3', 't4', 't2'], 'after moving 2 -> 0 again');
  assertOrder(await read(p.id), ['t3', 't4', 't2'], 'GET after moving');

  expectProblem(await server.api('DELETE', `/api/v1/playlists/${p.id}/tracks/3`, { token: me.token }), [400, 404, 422]);

  const rename = await server.api('PATCH', `/api/v1/playlists/${p.id}`, {
    token: me.token, json: { name: 'Night drive', description: '' },
  });
  assert.equal(rename.status, 200, rename.text);
  assert.equal(rename.json.name, 'Night drive');
  assert.equal(rename.json.public, false);
  const reread = await read(p.id);
  assert.equal(reread.name, 'Night drive');
  assertOrder(reread, ['t3', 't4', 't2'], 'a rename keeps the entries');

  expectProblem(await server.api('PATCH', `/api/v1/playlists/${p.id}`, { token: me.token, json: { name: '' } }), 400, { field: 'name' });
  expectProblem(await server.api('POST', '/api/v1/playlists', { token: me.token, json: {} }), 400, { field: 'name' });
  expectProblem(await server.api('POST', '/api/v1/playlists', { token: me.token, json: { name: 'x', public: 'yes' } }), 400, { field: 'public' });
});

test('unknown track ids are 422 naming trackIds and change nothing', async () => {
  const p = (await server.api('POST', '/api/v1/playlists', { token: me.token, json: { name: 'Strict' } })).json;
  await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, { token: me.token, json: { trackIds: [tracks[0].id] } });
  const res = await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, {
    token: me.token, json: { trackIds: [tracks[1].id, randomUuidV7()] },
  });
  expectProblem(res, 422, { field: 'trackIds' });
  assertOrder(await read(p.id), ['t1'], 'a refused add adds nothing');
  expectProblem(await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, {
    token: me.token, json: { trackIds: 'not-a-list' },
  }), 400, { field: 'trackIds' });
  expectProblem(await server.api('POST', `/api/v1/playlists/${randomUuidV7()}/tracks`, {
    token: me.token, json: { trackIds: [tracks[0].id] },
  }), 404);
});

test('public playlists appear in other users\' lists; mine=true lists only my own', async () => {
  const pub = (await server.api('POST', '/api/v1/playlists', { token: me.token, json: { name: 'Shared', public: true } })).json;
  const priv = (await server.api('POST', '/api/v1/playlists', { token: me.token, json: { name: 'Secret' } })).json;
  const theirs = (await server.api('POST', '/api/v1/playlists', { token: someoneElse.token, json: { name: 'Theirs' } })).json;

  const ids = async (token, q = '') => {
    const res = await server.api('GET', `/api/v1/playlists?limit=200${q}`, { token });
    assert.equal(res.status, 200, res.text);
    return res.json.items.map((x) => x.id);
  };
  const seenByOther = await ids(someoneElse.token);
  assert.ok(seenByOther.includes(pub.id));
  assert.ok(!seenByOther.includes(priv.id));
  assert.ok(seenByOther.includes(theirs.id));
  const otherMine = await ids(someoneElse.token, '&mine=true');
  assert.deepEqual(otherMine, [theirs.id]);
  const myOwn = await ids(me.token, '&mine=true');
  assert.ok(myOwn.includes(pub.id) && myOwn.includes(priv.id));
  assert.ok(!myOwn.includes(theirs.id));

  const shared = await read(pub.id, someoneElse.token);
  assert.equal(shared.name, 'Shared');
  expectProblem(await server.api('GET', `/api/v1/playlists/${priv.id}`, { token: someoneElse.token }), 404);

  // Making it private hides it again.
  const hide = await server.api('PATCH', `/api/v1/playlists/${pub.id}`, { token: me.token, json: { public: false } });
  assert.equal(hide.status, 200, hide.text);
  assert.ok(!(await ids(someoneElse.token)).includes(pub.id));
  expectProblem(await server.api('GET', `/api/v1/playlists/${pub.id}`, { token: someoneElse.token }), 404);

  const del = await server.api('DELETE', `/api/v1/playlists/${priv.id}`, { token: me.token });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.json, { id: priv.id });
  expectProblem(await server.api('GET', `/api/v1/playlists/${priv.id}`, { token: me.token }), 404);
});

test('deleting a track (or its album) removes it from playlists and keeps positions dense', async () => {
  const album = await server.createAlbum(artist.token, (await server.createArtist(artist.token)).id);
  const doomedA = (await server.uploadTrack(artist.token, album.id, uniqueWav({ seconds: 0.05 }), { title: 'doomedA' })).track;
  const doomedB = (await server.uploadTrack(artist.token, album.id, uniqueWav({ seconds: 0.05 }), { title: 'doomedB' })).track;
  const p = (await server.api('POST', '/api/v1/playlists', { token: me.token, json: { name: 'Fragile' } })).json;
  const add = await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, {
    token: me.token, json: { trackIds: [tracks[0].id, doomedA.id, tracks[1].id, doomedB.id, tracks[2].id] },
  });
  assert.equal(add.status, 200, add.text);
  assertOrder(add.json, ['t1', 'doomedA', 't2', 'doomedB', 't3'], 'before the deletions');
  const del = await server.api('DELETE', `/api/v1/tracks/${doomedA.id}`, { token: artist.token });
  assert.equal(del.status, 200, del.text);
  assertOrder(await read(p.id), ['t1', 't2', 'doomedB', 't3'], 'after the track was deleted');
  const delAlbum = await server.api('DELETE', `/api/v1/albums/${album.id}`, { token: artist.token });
  assert.equal(delAlbum.status, 200, delAlbum.text);
  assertOrder(await read(p.id), ['t1', 't2', 't3'], 'after its album was deleted');
  const more = await server.api('POST', `/api/v1/playlists/${p.id}/tracks`, {
    token: me.token, json: { trackIds: [tracks[3].id], position: 3 },
  });
  assert.equal(more.status, 200, more.text);
  assertOrder(more.json, ['t1', 't2', 't3', 't4'], 'positions keep working after the deletions');
  const move = await server.api('POST', `/api/v1/playlists/${p.id}/move`, { token: me.token, json: { from: 3, to: 1 } });
  assert.equal(move.status, 200, move.text);
  assertOrder(move.json, ['t1', 't4', 't2', 't3'], 'move after the deletions');
});

test('deleting my account deletes my playlists', async () => {
  const leaver = await server.registerUser('listener');
  const p = (await server.api('POST', '/api/v1/playlists', { token: leaver.token, json: { name: 'Bye', public: true } })).json;
  assert.equal((await server.api('GET', `/api/v1/playlists/${p.id}`, { token: me.token })).status, 200);
  assert.equal((await server.api('DELETE', '/api/v1/users/me', { token: leaver.token })).status, 204);
  expectProblem(await server.api('GET', `/api/v1/playlists/${p.id}`, { token: me.token }), 404);
});
