// Artists and albums: CRUD, validation, pagination, not-found handling.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueWav } from './lib/audio.mjs';
import { assertSameTrack, expectProblem, kRfc3339, kUuidV7, randomUuidV7 } from './lib/client.mjs';
import { startServer, test } from './lib/server.mjs';

let server;
let artistUser;
let listener;

before(async () => {
  server = await startServer();
  [artistUser, listener] = await Promise.all([
    server.registerUser('artist'), server.registerUser('listener'),
  ]);
});

after(async () => {
  await server?.close();
});

function assertLocation(res, kind, id) {
  const location = res.headers.get('location');
  assert.ok(location, `201 needs a Location header: ${res.text}`);
  assert.ok(location.endsWith(`/api/v1/${kind}/${id}`), `Location ${location}`);
}

test('artist CRUD: create (Location), read, update, list, delete cascades', async () => {
  const bio = 'Line one\nLine two — with ümlauts';
  const res = await server.api('POST', '/api/v1/artists', {
    token: artistUser.token, json: { name: '  The Testers  ', bio },
  });
  assert.equal(res.status, 201, res.text);
  const artist = res.json;
  assertLocation(res, 'artists', artist.id);
  assert.match(artist.id, kUuidV7);
  assert.equal(artist.ownerId, artistUser.user.id);
  assert.equal(artist.name, 'The Testers');
  assert.equal(artist.bio, bio);
  assert.match(artist.createdAt, kRfc3339);
  assert.match(artist.updatedAt, kRfc3339);

  const got = await server.api('GET', `/api/v1/artists/${artist.id}`, { token: listener.token });
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json, artist);

  const patched = await server.api('PATCH', `/api/v1/artists/${artist.id}`, {
    token: artistUser.token, json: { name: 'The Renamed' },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.name, 'The Renamed');
  assert.equal(patched.json.bio, bio, 'fields not sent stay as they were');
  assert.equal(patched.json.createdAt, artist.createdAt);
  assert.ok(Date.parse(patched.json.updatedAt) >= Date.parse(artist.updatedAt));
  const reread = await server.api('GET', `/api/v1/artists/${artist.id}`, { token: listener.token });
  assert.equal(reread.json.name, 'The Renamed');

  const album = await server.createAlbum(artistUser.token, artist.id);
  const { track } = await server.uploadTrack(artistUser.token, album.id, uniqueWav());

  const del = await server.api('DELETE', `/api/v1/artists/${artist.id}`, { token: artistUser.token });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.json, { id: artist.id });
  expectProblem(await server.api('GET', `/api/v1/artists/${artist.id}`, { token: listener.token }), 404);
  expectProblem(await server.api('GET', `/api/v1/albums/${album.id}`, { token: listener.token }), 404);
  expectProblem(await server.api('GET', `/api/v1/tracks/${track.id}`, { token: listener.token }), 404);
  expectProblem(await server.api('DELETE', `/api/v1/artists/${artist.id}`, { token: artistUser.token }), 404);
});

test('album CRUD: create (Location), artist albums list, update, delete', async () => {
  const artist = await server.createArtist(artistUser.token);
  const res = await server.api('POST', '/api/v1/albums', {
    token: artistUser.token, json: { artistId: artist.id, title: 'Leap Year', releaseDate: '2024-02-29' },
  });
  assert.equal(res.status, 201, res.text);
  const album = res.json;
  assertLocation(res, 'albums', album.id);
  assert.match(album.id, kUuidV7);
  assert.equal(album.artistId, artist.id);
  assert.equal(album.title, 'Leap Year');
  assert.equal(album.releaseDate, '2024-02-29');
  assert.match(album.createdAt, kRfc3339);

  const noDate = await server.createAlbum(artistUser.token, artist.id, { title: 'Undated' });
  assert.equal(noDate.releaseDate, null);

  const list = await server.api('GET', `/api/v1/artists/${artist.id}/albums`, { token: listener.token });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((a) => a.id).sort(), [album.id, noDate.id].sort());
  assert.equal(list.json.nextCursor, null);

  const all = await server.api('GET', '/api/v1/albums?limit=200', { token: listener.token });
  assert.equal(all.status, 200, all.text);
  assert.ok(all.json.items.some((a) => a.id === album.id));

  const patched = await server.api('PATCH', `/api/v1/albums/${album.id}`, {
    token: artistUser.token, json: { title: 'Renamed', releaseDate: null },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.title, 'Renamed');
  assert.equal(patched.json.releaseDate, null);

  const got = await server.api('GET', `/api/v1/albums/${album.id}`, { token: listener.token });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.title, 'Renamed');
  assert.deepEqual(got.json.tracks, []);

  const del = await server.api('DELETE', `/api/v1/albums/${album.id}`, { token: artistUser.token });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.json, { id: album.id });
  expectProblem(await server.api('GET', `/api/v1/albums/${album.id}`, { token: listener.token }), 404);
});

test('album GET lists its tracks in play order (trackNumber asc, nulls last)', async () => {
  const artist = await server.createArtist(artistUser.token);
  const album = await server.createAlbum(artistUser.token, artist.id);
  const three = await server.uploadTrack(artistUser.token, album.id, uniqueWav({ seconds: 0.1 }), { title: 'three', trackNumber: 3 });
  const none = await server.uploadTrack(artistUser.token, album.id, uniqueWav({ seconds: 0.1 }), { title: 'none' });
  const one = await server.uploadTrack(artistUser.token, album.id, uniqueWav({ seconds: 0.1 }), { title: 'one', trackNumber: 1 });
  const two = await server.uploadTrack(artistUser.token, album.id, uniqueWav({ seconds: 0.1 }), { title: 'two', trackNumber: 2 });
  assert.equal(none.track.trackNumber, null);

  const got = await server.api('GET', `/api/v1/albums/${album.id}`, { token: listener.token });
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json.tracks.map((t) => t.title), ['one', 'two', 'three', 'none']);
  assert.deepEqual(got.json.tracks.map((t) => t.id),
    [one.track.id, two.track.id, three.track.id, none.track.id]);
  assertSameTrack(got.json.tracks[0], one.track);
});

test('artist and album validation', async () => {
  const t = artistUser.token;
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: {} }), 400, { field: 'name' });
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: '' } }), 400, { field: 'name' });
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: '   ' } }), 400, { field: 'name' });
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: 'x'.repeat(201) } }), 400, { field: 'name' });
  const max = await server.api('POST', '/api/v1/artists', { token: t, json: { name: 'é'.repeat(200) } });
  assert.equal(max.status, 201, `200 characters are allowed: ${max.text}`);
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: 123 } }), 400, { field: 'name' });
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: 'ok', bio: ['a'] } }), 400, { field: 'bio' });
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: 'ok', bio: 'b'.repeat(5001) } }), 400, { field: 'bio' });
  expectProblem(await server.api('POST', '/api/v1/artists', { token: t, json: { name: 'a\u0007b' } }), 400, { field: 'name' });
  const unknownArtistMember = await server.api('POST', '/api/v1/artists', { token: t, json: { name: 'ok', nmae: 'x' } });
  const ua = expectProblem(unknownArtistMember, 400);
  assert.ok(ua.field === 'nmae' || ua.detail.includes('nmae'), `names the member: ${unknownArtistMember.text}`);

  const artist = await server.createArtist(t);
  const album = (fields) => server.api('POST', '/api/v1/albums', { token: t, json: { artistId: artist.id, title: 'ok', ...fields } });
  expectProblem(await album({ title: 't'.repeat(201) }), 400, { field: 'title' });
  expectProblem(await album({ title: undefined }), 400, { field: 'title' });
  expectProblem(await album({ releaseDate: '2024-02-30' }), 400, { field: 'releaseDate' });
  expectProblem(await album({ releaseDate: '2023-13-01' }), 400, { field: 'releaseDate' });
  expectProblem(await album({ releaseDate: '24-01-01' }), 400, { field: 'releaseDate' });
  expectProblem(await album({ releaseDate: 20240101 }), 400, { field: 'releaseDate' });
  expectProblem(await album({ title: false }), 400, { field: 'title' });
  expectProblem(await album({ artistId: 42 }), 400, { field: 'artistId' });
  const unknown = await album({ tittle: 'typo' });
  const body = expectProblem(unknown, 400);
  assert.ok(body.field === 'tittle' || body.detail.includes('tittle'), `names the member: ${unknown.text}`);
  expectProblem(await album({ artistId: randomUuidV7() }), 422, { field: 'artistId' });
  expectProblem(await server.api('PATCH', `/api/v1/artists/${artist.id}`, { token: t, json: { name: '' } }), 400, { field: 'name' });
  // Nothing invalid was stored.
  const list = await server.api('GET', `/api/v1/artists/${artist.id}/albums`, { token: t });
  assert.deepEqual(list.json.items, []);
});

test('listeners cannot create artists or albums', async () => {
  expectProblem(await server.api('POST', '/api/v1/artists', { token: listener.token, json: { name: 'Nope' } }), 403);
  const artist = await server.createArtist(artistUser.token);
  expectProblem(await server.api('POST', '/api/v1/albums', {
    token: listener.token, json: { artistId: artist.id, title: 'Nope' },
  }), 403);
});

test('pagination walks every artist exactly once', async () => {
  const created = [];
  for (let i = 0; i < 7; i++) created.push((await server.createArtist(artistUser.token, { name: `Paged ${i}` })).id);
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
    const res = await server.api('GET', `/api/v1/artists${q}`, { token: listener.token });
    assert.equal(res.status, 200, res.text);
    assert.ok(Array.isArray(res.json.items));
    assert.ok(res.json.items.length <= 3, `page size ${res.json.items.length}`);
    assert.ok('nextCursor' in res.json, 'nextCursor is always present');
    if (res.json.nextCursor !== null) {
      assert.equal(typeof res.json.nextCursor, 'string');
      assert.equal(res.json.items.length, 3, 'only the last page may be short');
    }
    seen.push(...res.json.items.map((a) => a.id));
    cursor = res.json.nextCursor;
    pages += 1;
    assert.ok(pages < 100, 'pagination terminates');
  } while (cursor !== null);
  assert.equal(new Set(seen).size, seen.length, 'no artist appears twice');
  for (const id of created) assert.equal(seen.filter((x) => x === id).length, 1, `artist ${id} appears once`);
  const all = await server.api('GET', '/api/v1/artists?limit=200', { token: listener.token });
  assert.deepEqual(new Set(all.json.items.map((a) => a.id)), new Set(seen));

  const dflt = await server.api('GET', '/api/v1/artists', { token: listener.token });
  assert.equal(dflt.status, 200);
  assert.ok(dflt.json.items.length >= 7 && dflt.json.items.length <= 50);
});

test('order=newest lists the latest first and pages on down', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await server.createArtist(artistUser.token, { name: `Newest ${i}` })).id);
  const seen = [];
  let cursor = null;
  do {
    const q = `?order=newest&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await server.api('GET', `/api/v1/artists${q}`, { token: listener.token });
    assert.equal(res.status, 200, res.text);
    seen.push(...res.json.items.map((a) => a.id));
    cursor = res.json.nextCursor;
  } while (cursor !== null);
  assert.deepEqual(seen.slice(0, 5), [...made].reverse(), 'the five newest, newest first');
  assert.deepEqual(seen, [...seen].sort().reverse(), 'every page continues downwards');
  const oldest = await server.api('GET', '/api/v1/artists?order=oldest&limit=200', { token: listener.token });
  assert.deepEqual(oldest.json.items.map((a) => a.id), [...seen].reverse());
  expectProblem(await server.api('GET', '/api/v1/albums?order=sideways', { token: listener.token }), 400, { field: 'order' });
});

test('mine=true lists only the caller\'s own artists', async () => {
  const other = await server.registerUser('artist');
  const theirs = await server.createArtist(other.token, { name: 'Not yours' });
  const mine = await server.createArtist(artistUser.token, { name: 'Yours' });
  const res = await server.api('GET', '/api/v1/artists?mine=true&limit=200', { token: artistUser.token });
  assert.equal(res.status, 200, res.text);
  const ids = res.json.items.map((a) => a.id);
  assert.ok(ids.includes(mine.id));
  assert.ok(!ids.includes(theirs.id));
  assert.ok(res.json.items.every((a) => a.ownerId === artistUser.user.id));
  expectProblem(await server.api('GET', '/api/v1/artists?mine=maybe', { token: artistUser.token }), 400, { field: 'mine' });
});

test('bad pagination parameters are 400 naming the parameter', async () => {
  const t = listener.token;
  expectProblem(await server.api('GET', '/api/v1/artists?cursor=not-a-real-cursor!!', { token: t }), 400, { field: 'cursor' });
  expectProblem(await server.api('GET', '/api/v1/artists?limit=0', { token: t }), 400, { field: 'limit' });
  expectProblem(await server.api('GET', '/api/v1/artists?limit=abc', { token: t }), 400, { field: 'limit' });
  expectProblem(await server.api('GET', '/api/v1/artists?limit=201', { token: t }), 400, { field: 'limit' });
  expectProblem(await server.api('GET', '/api/v1/albums?limit=-1', { token: t }), 400, { field: 'limit' });
  assert.equal((await server.api('GET', '/api/v1/artists?limit=200', { token: t })).status, 200);
});

test('unknown or malformed ids are 404', async () => {
  const t = listener.token;
  expectProblem(await server.api('GET', `/api/v1/artists/${randomUuidV7()}`, { token: t }), 404);
  expectProblem(await server.api('GET', `/api/v1/albums/${randomUuidV7()}`, { token: t }), 404);
  expectProblem(await server.api('GET', `/api/v1/artists/${randomUuidV7()}/albums`, { token: t }), 404);
  expectProblem(await server.api('GET', '/api/v1/artists/not-a-uuid', { token: t }), 404);
  expectProblem(await server.api('GET', '/api/v1/albums/not-a-uuid', { token: t }), 404);
  expectProblem(await server.api('PATCH', `/api/v1/artists/${randomUuidV7()}`, {
    token: artistUser.token, json: { name: 'x' },
  }), 404);
});

test('catalogue reads need a token', async () => {
  const res = await server.api('GET', '/api/v1/artists');
  expectProblem(res, 401);
});
