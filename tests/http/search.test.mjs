// GET /api/v1/search: the answer's shape and fields, the types filter, limit and cursor paging,
// what is never found (tracks not ready, old names, deleted rows, someone else's private
// playlist), and the refusals: every bad query is a 400 problem saying what was wrong, and
// the search engines' own syntax typed as text is searched for, never a 500.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { uniqueWav } from './lib/audio.mjs';
import { b64url, expectProblem, kUuidV7 } from './lib/client.mjs';
import { startServer, test, waitForStatus } from './lib/server.mjs';

const kReadyTimeoutMs = 120_000;

let server;
let artist;     // owns the catalogue below
let listener;
let other;      // a second listener
let workDir;

// A word no other row of this server holds: letters only, so every engine sees one token.
function word(prefix = 'w') {
  const letters = [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  return `${prefix}${letters}`;
}

function searchPath(params) {
  return `/api/v1/search?${new URLSearchParams(params).toString()}`;
}

async function search(params, token = listener.token) {
  const res = await server.api('GET', searchPath(params), { token });
  assert.equal(res.status, 200, `search ${JSON.stringify(params)}: ${res.status} ${res.text}`);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  return res.json;
}

async function readyTrack(albumId, title) {
  const { track } = await server.uploadTrack(artist.token, albumId, uniqueWav({ seconds: 0.05 }), { title });
  return waitForStatus(server, artist.token, track.id, 'ready', kReadyTimeoutMs);
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cadenza-http-search-'));
  server = await startServer();
  [artist, listener, other] = await Promise.all([
    server.registerUser('artist'), server.registerUser('listener'), server.registerUser('listener'),
  ]);
});

after(async () => {
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('every kind answers with what a result list shows', async () => {
  const tag = word();
  const band = await server.createArtist(artist.token, { name: `Nimbus ${tag}` });
  const album = await server.createAlbum(artist.token, band.id, { title: `Cirrus ${tag}` });
  const image = join(workDir, 'cover.png');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x320', '-frames:v', '1', image]);
  const covered = await server.api('PUT', `/api/v1/albums/${album.id}/cover`, {
    token: artist.token, body: readFileSync(image), headers: { 'content-type': 'image/png' },
  });
  assert.equal(covered.status, 200, covered.text);
  assert.ok(covered.json.cover?.['96'], covered.text);
  const track = await readyTrack(album.id, `Stratus ${tag}`);
  const mix = await server.api('POST', '/api/v1/playlists', { token: listener.token, json: { name: `Mix ${tag}`, public: true } });
  assert.equal(mix.status, 201, mix.text);

  const body = await search({ q: `  ${tag} ` });
  assert.deepEqual(Object.keys(body).sort(), ['albums', 'artists', 'playlists', 'query', 'tracks']);
  assert.equal(body.query, tag, 'the query trimmed');
  for (const section of ['tracks', 'albums', 'artists', 'playlists']) {
    assert.deepEqual(Object.keys(body[section]).sort(), ['items', 'nextCursor'], section);
    assert.equal(body[section].items.length, 1, `${section}: ${JSON.stringify(body[section])}`);
    assert.equal(body[section].nextCursor, null, section);
  }
  const [t] = body.tracks.items;
  assert.deepEqual(t, {
    id: track.id, title: `Stratus ${tag}`, artist: { id: band.id, name: `Nimbus ${tag}` },
    album: { id: album.id, title: `Cirrus ${tag}` }, cover: covered.json.cover,
    durationMs: track.durationMs, playCount: 0,
  });
  assert.match(t.id, kUuidV7);
  assert.equal(typeof t.durationMs, 'number');
  assert.deepEqual(body.albums.items[0], {
    id: album.id, title: `Cirrus ${tag}`, artist: { id: band.id, name: `Nimbus ${tag}` },
    cover: covered.json.cover, playCount: 0,
  });
  assert.deepEqual(body.artists.items[0], { id: band.id, name: `Nimbus ${tag}`, playCount: 0 });
  assert.deepEqual(body.playlists.items[0], { id: mix.json.id, name: `Mix ${tag}`, ownerId: listener.user.id });
  // The cover URLs are the album's own, and they serve images.
  const cover = await server.getMedia(t.cover['96']);
  assert.equal(cover.status, 200);
  assert.match(cover.headers.get('content-type'), /^image\/jpeg/);

  // A track is found by its artist's and album's words too.
  const byArtist = await search({ q: `nimbus ${tag}`, types: 'track' });
  assert.deepEqual(byArtist.tracks.items.map((x) => x.id), [track.id]);
});

test('types picks the sections; repeats are ignored', async () => {
  const tag = word();
  const band = await server.createArtist(artist.token, { name: `Band ${tag}` });
  await server.createAlbum(artist.token, band.id, { title: `Record ${tag}` });
  const albums = await search({ q: tag, types: 'album' });
  assert.deepEqual(Object.keys(albums).sort(), ['albums', 'query']);
  assert.equal(albums.albums.items.length, 1);
  const two = await search({ q: tag, types: 'artist,album,artist' });
  assert.deepEqual(Object.keys(two).sort(), ['albums', 'artists', 'query']);
  assert.equal(two.artists.items[0].id, band.id);
  const none = await search({ q: tag, types: 'track,playlist' });
  assert.deepEqual(none, { query: tag, tracks: { items: [], nextCursor: null }, playlists: { items: [], nextCursor: null } });
});

test('limit and cursor walk every hit once, page by page', async () => {
  const tag = word();
  const band = await server.createArtist(artist.token, { name: `Pager ${word()}` });
  const created = [];
  for (let i = 0; i < 7; i++) created.push((await server.createAlbum(artist.token, band.id, { title: `${tag} ${i}` })).id);

  const seen = [];
  const sizes = [];
  let cursor;
  for (let page = 0; page < 5; page++) {
    const params = { q: tag, limit: '3', types: 'album' };
    if (cursor) params.cursor = cursor;
    const body = await search(params);
    sizes.push(body.albums.items.length);
    seen.push(...body.albums.items.map((a) => a.id));
    cursor = body.albums.nextCursor;
    if (!cursor) break;
    assert.equal(typeof cursor, 'string');
  }
  assert.deepEqual(sizes, [3, 3, 1]);
  assert.deepEqual([...seen].sort(), [...created].sort(), 'every album once');

  // A cursor implies its type; naming another type with it is a 400.
  const first = await search({ q: tag, limit: '3', types: 'album' });
  const implied = await search({ q: tag, limit: '3', cursor: first.albums.nextCursor });
  assert.deepEqual(Object.keys(implied).sort(), ['albums', 'query']);
  assert.equal(implied.albums.items.length, 3);
  const mixed = await server.api('GET', searchPath({ q: tag, types: 'track', cursor: first.albums.nextCursor }), { token: listener.token });
  expectProblem(mixed, 400, { field: 'cursor', detailIncludes: 'types=album' });
  // Default limit: 10 per type.
  const many = word();
  for (let i = 0; i < 11; i++) await server.createAlbum(artist.token, band.id, { title: `${many} ${i}` });
  const defaults = await search({ q: many, types: 'album' });
  assert.equal(defaults.albums.items.length, 10);
  assert.equal(typeof defaults.albums.nextCursor, 'string');
});

test('a track that is not ready is never offered', async () => {
  const tag = word();
  const band = await server.createArtist(artist.token);
  const album = await server.createAlbum(artist.token, band.id);
  // A text file fails to process; it is never found.
  const { track: failed } = await server.uploadTrack(artist.token, album.id, Buffer.from('Shopping list: milk.\n'), { title: `Broken ${tag}` });
  await waitForStatus(server, artist.token, failed.id, 'failed', kReadyTimeoutMs);
  assert.deepEqual((await search({ q: tag, types: 'track' })).tracks.items, []);

  // An instance without a worker leaves a track processing: it is not found either, and it is
  // found once it is ready.
  const idle = await startServer({ args: ['--roles', 'api'] });
  try {
    const owner = await idle.registerUser('artist');
    const idleAlbum = await idle.createAlbum(owner.token, (await idle.createArtist(owner.token)).id);
    const { track } = await idle.uploadTrack(owner.token, idleAlbum.id, uniqueWav({ seconds: 0.05 }), { title: `Pending ${tag}` });
    const res = await idle.api('GET', searchPath({ q: `pending ${tag}` }), { token: owner.token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.tracks.items, []);
    const still = await idle.api('GET', `/api/v1/tracks/${track.id}`, { token: owner.token });
    assert.equal(still.json.status, 'processing', 'the track really is not ready');
    assert.equal(res.json.albums.items.length, 0);
  } finally {
    await idle.close();
  }
});

test('a renamed track is found under its new name only; a deleted one is gone', async () => {
  const before = word('old');
  const afterName = word('new');
  const band = await server.createArtist(artist.token);
  const album = await server.createAlbum(artist.token, band.id);
  const track = await readyTrack(album.id, `Song ${before}`);
  assert.deepEqual((await search({ q: before, types: 'track' })).tracks.items.map((t) => t.id), [track.id]);

  const renamed = await server.api('PATCH', `/api/v1/tracks/${track.id}`, { token: artist.token, json: { title: `Song ${afterName}` } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.deepEqual((await search({ q: before, types: 'track' })).tracks.items, []);
  const found = await search({ q: afterName, types: 'track' });
  assert.deepEqual(found.tracks.items.map((t) => [t.id, t.title]), [[track.id, `Song ${afterName}`]]);

  // Renaming the artist renames it in the track's hits too.
  const artistName = word('artist');
  const patched = await server.api('PATCH', `/api/v1/artists/${band.id}`, { token: artist.token, json: { name: artistName } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await search({ q: afterName, types: 'track' })).tracks.items[0].artist.name, artistName);

  const deleted = await server.api('DELETE', `/api/v1/tracks/${track.id}`, { token: artist.token });
  assert.equal(deleted.status, 200, deleted.text);
  assert.deepEqual((await search({ q: afterName, types: 'track' })).tracks.items, []);

  const gone = await server.api('DELETE', `/api/v1/albums/${album.id}`, { token: artist.token });
  assert.equal(gone.status, 200, gone.text);
  const albums = await search({ q: album.title, types: 'album' });
  assert.ok(!albums.albums.items.some((a) => a.id === album.id), 'the deleted album is gone');
});

test('a private playlist is found by its owner and nobody else', async () => {
  const tag = word();
  const secret = await server.api('POST', '/api/v1/playlists', { token: listener.token, json: { name: `Secret ${tag}` } });
  assert.equal(secret.status, 201, secret.text);
  assert.equal(secret.json.public, false);
  const shared = await server.api('POST', '/api/v1/playlists', { token: listener.token, json: { name: `Shared ${tag}`, public: true } });
  assert.equal(shared.status, 201, shared.text);

  const mine = await search({ q: tag, types: 'playlist' }, listener.token);
  assert.deepEqual(mine.playlists.items.map((p) => p.id).sort(), [secret.json.id, shared.json.id].sort());
  const theirs = await search({ q: tag, types: 'playlist' }, other.token);
  assert.deepEqual(theirs.playlists.items.map((p) => p.id), [shared.json.id]);
  const secretOnly = await search({ q: `secret ${tag}`, types: 'playlist' }, other.token);
  assert.deepEqual(secretOnly.playlists.items, []);
});

test('every bad query is a 400 problem saying what was wrong', async () => {
  const bad = async (query, field, detail) => {
    const res = await server.api('GET', `/api/v1/search?${query}`, { token: listener.token });
    const problem = expectProblem(res, 400, { field, detailIncludes: detail });
    return problem;
  };
  await bad('', 'q', 'q is required');
  await bad('q=', 'q', 'q must not be empty');
  await bad('q=%20%20%09', 'q', 'q must not be empty');
  await bad(`q=${'a'.repeat(10 * 1024)}`, 'q', 'q is too long: at most 200 bytes');
  await bad(`q=${'a'.repeat(201)}`, 'q', 'q is too long: at most 200 bytes');
  await bad('q=a%01b', 'q', 'control characters');
  await bad('q=a%7Fb', 'q', 'control characters');
  await bad('q=%FF', 'q', 'UTF-8');
  await bad('q=a%C3', 'q', 'UTF-8');
  await bad('q=x&types=song', 'types', 'unknown type "song"');
  await bad('q=x&types=track,', 'types', 'unknown type');
  await bad('q=x&limit=0', 'limit', 'limit must be an integer from 1 to 50');
  await bad('q=x&limit=51', 'limit', 'limit must be an integer from 1 to 50');
  await bad('q=x&limit=ten', 'limit', 'limit must be an integer from 1 to 50');
  await bad('q=x&cursor=forged', 'cursor', 'cursor is not valid');
  await bad(`q=x&cursor=${b64url('track:-1')}`, 'cursor', 'cursor is not valid');
  await bad(`q=x&cursor=${b64url('track:5000')}`, 'cursor', 'too deep');
  // 200 bytes pass, in any script.
  assert.equal((await server.api('GET', searchPath({ q: 'ö'.repeat(100) }), { token: listener.token })).status, 200);
  // Without a token: 401, as every catalogue read.
  expectProblem(await server.api('GET', searchPath({ q: 'x' })), 401);
});

test('search engine syntax typed as text is searched for, never an error', async () => {
  const band = await server.createArtist(artist.token, { name: `AC/DC: "Live" ${word()}` });
  for (const q of ['"', '*', 'NEAR(', 'NEAR(a b)', 'OR', 'AND', 'NOT', '-', '--', "'", "it's", 'a:b', 'title:x',
    '(', ')', '^', '"a" OR "b"', 'a*', '%', '_', '\\', '{', '}', '[', ']', '!', '&', '|', '~', '<->', ':*',
    'ac/dc', 'AC/DC: "Live"', '¿', '😀', '日本語']) {
    const res = await server.api('GET', searchPath({ q }), { token: listener.token });
    assert.equal(res.status, 200, `q=${q}: ${res.status} ${res.text}`);
    assert.equal(res.json.query, q.trim(), q);
    assert.ok(Array.isArray(res.json.tracks.items), q);
  }
  const quoted = await search({ q: 'AC/DC: "Live"', types: 'artist' });
  assert.ok(quoted.artists.items.some((a) => a.id === band.id), JSON.stringify(quoted));
});
