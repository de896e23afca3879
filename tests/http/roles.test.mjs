// `--roles` splits the routes of the one binary into groups: users, catalog, playlists,
// search, uploads, stream (and worker, no routes). Four instances on one data_dir and one
// shared secrets_dir, started with `--roles stream`, `--roles users,catalog`, `--roles search`
// and `--roles api`,
// answer the routes of their groups and refuse the others with 421 problem+json naming the
// group, before any token is checked; a path no group knows stays 404; /healthz, /readyz and
// the OpenAPI document are the same everywhere, and /readyz says which roles an instance has.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { expectProblem, randomUuidV7 } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { runCli, startServer, test } from './lib/server.mjs';

let scratch;
let stream;       // --roles stream
let usersCatalog; // --roles users,catalog
let api;          // --roles api
let search;       // --roles search
let artist;       // registered on usersCatalog

function expectMisdirected(res, group, where) {
  const body = expectProblem(res, 421);
  assert.equal(body.detail, `this instance does not serve the ${group} routes`, where);
  assert.equal(body.title, 'Misdirected Request', where);
}

before(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-http-roles-'));
  const keys = path.join(scratch, 'keys');
  const init = await runCli(['secrets', 'init', '--dir', keys]);
  assert.equal(init.code, 0, init.stderr);
  const dataDir = path.join(scratch, 'data');
  await fs.mkdir(dataDir);
  const start = (roles) => startServer({ dataDir, args: ['--secrets-dir', keys, '--roles', roles] });
  api = await start('api');
  usersCatalog = await start('users,catalog');
  stream = await start('stream');
  search = await start('search');
  artist = await usersCatalog.registerUser('artist');
});

after(async () => {
  for (const server of [stream, usersCatalog, search, api]) await server?.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

test('/readyz lists the roles each instance serves', async () => {
  const expected = [
    [stream, ['stream']],
    [usersCatalog, ['users', 'catalog']],
    [search, ['search']],
    [api, ['users', 'catalog', 'playlists', 'search', 'uploads', 'stream']],
  ];
  for (const [server, roles] of expected) {
    const res = await server.api('GET', '/readyz');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { status: 'ok', database: 'ok', blobStore: 'ok', roles });
    assert.equal((await server.api('GET', '/healthz')).status, 200);
  }
});

test('a users,catalog instance answers its groups and the web app, and refuses the rest', async () => {
  const me = await usersCatalog.api('GET', '/api/v1/users/me', { token: artist.token });
  assert.equal(me.status, 200, me.text);
  const created = await usersCatalog.createArtist(artist.token);
  assert.ok(created.id);
  assert.equal((await usersCatalog.api('GET', '/api/v1/albums', { token: artist.token })).status, 200);
  const web = await usersCatalog.api('GET', '/');
  assert.equal(web.status, 200);
  assert.match(web.headers.get('content-type'), /^text\/html/);

  const track = randomUuidV7();
  // Refused before the token is looked at: with a token, without, and with a bad one.
  for (const token of [artist.token, undefined, 'not-a-token']) {
    expectMisdirected(await usersCatalog.api('GET', '/api/v1/playlists', { token }), 'playlists');
    expectMisdirected(await usersCatalog.api('GET', '/api/v1/search?q=x', { token }), 'search');
    expectMisdirected(await usersCatalog.api('GET', '/api/v1/tracks/upload-url', { token }), 'uploads');
    expectMisdirected(await usersCatalog.api('GET', `/api/v1/tracks/${track}/stream`, { token }), 'stream');
  }
  expectMisdirected(await usersCatalog.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: randomUuidV7(), trackUrl: 'x' },
  }), 'uploads');
  // With S3 the bucket serves blob URLs: Cadenza has no /blobs/ routes, on any instance.
  const blobPut = await usersCatalog.api('PUT', `/blobs/originals/${track}?sig=x`, {
    body: Buffer.alloc(4096), headers: { 'content-type': 'application/octet-stream' },
  });
  const blobGet = await usersCatalog.api('GET', `/blobs/originals/${track}`);
  if (testEngines().s3) {
    expectProblem(blobPut, 404);
    expectProblem(blobGet, 404);
  } else {
    expectMisdirected(blobPut, 'uploads');
    expectMisdirected(blobGet, 'stream');
  }
  expectMisdirected(await usersCatalog.api('GET', `/media/x/${track}/master.m3u8`), 'stream');
  expectMisdirected(await usersCatalog.api('GET', `/covers/${track}/v/300.jpg`), 'stream');
  // A path no group knows is not misdirected.
  expectProblem(await usersCatalog.api('GET', '/api/v1/nothing-here', { token: artist.token }), 404);
});

test('a stream instance answers stream routes only', async () => {
  expectMisdirected(await stream.api('POST', '/api/v1/auth/login', {
    json: { email: artist.email, password: artist.password },
  }), 'users');
  expectMisdirected(await stream.api('GET', '/api/v1/users/me', { token: artist.token }), 'users');
  expectMisdirected(await stream.api('GET', '/api/v1/artists', { token: artist.token }), 'catalog');
  expectMisdirected(await stream.api('GET', `/api/v1/tracks/${randomUuidV7()}`), 'catalog');
  expectMisdirected(await stream.api('POST', '/api/v1/playlists', { json: { name: 'p' } }), 'playlists');
  expectMisdirected(await stream.api('GET', '/api/v1/search?q=x', { token: artist.token }), 'search');
  expectMisdirected(await stream.api('GET', '/'), 'web app');
  expectMisdirected(await stream.api('GET', '/albums/123'), 'web app');

  // Its own routes run: authenticated with a token the users instance issued, signed ones
  // checked.
  const missing = await stream.api('GET', `/api/v1/tracks/${randomUuidV7()}/stream`, { token: artist.token });
  expectProblem(missing, 404);
  expectProblem(await stream.api('GET', `/api/v1/tracks/${randomUuidV7()}/stream`), 401);
  expectProblem(await stream.api('GET', `/media/bad/${randomUuidV7()}/master.m3u8`), 403);
  expectProblem(await stream.api('GET', `/covers/${randomUuidV7()}/v1/300.jpg`), 404);
  expectProblem(await stream.api('GET', '/api/v1/nothing-here'), 404);
});

test('a search instance answers search only, with tokens the users instance issued', async () => {
  const name = `Roles ${randomUuidV7()}`;
  await usersCatalog.createArtist(artist.token, { name });
  const found = await search.api('GET', `/api/v1/search?q=${encodeURIComponent(name)}&types=artist`,
    { token: artist.token });
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(found.json.artists.items.map((a) => a.name), [name]);
  expectProblem(await search.api('GET', '/api/v1/search?q=x'), 401);
  expectMisdirected(await search.api('GET', '/api/v1/artists', { token: artist.token }), 'catalog');
  expectMisdirected(await search.api('GET', '/api/v1/playlists', { token: artist.token }), 'playlists');
  expectMisdirected(await search.api('GET', '/'), 'web app');
});

test('an api instance serves every route group', async () => {
  const token = artist.token;
  assert.equal((await api.api('GET', '/api/v1/users/me', { token })).status, 200);
  assert.equal((await api.api('GET', '/api/v1/search?q=x', { token })).status, 200);
  assert.equal((await api.api('GET', '/api/v1/artists', { token })).status, 200);
  assert.equal((await api.api('GET', '/api/v1/playlists', { token })).status, 200);
  const slot = await api.api('GET', '/api/v1/tracks/upload-url', { token });
  assert.equal(slot.status, 200, slot.text);
  expectProblem(await api.api('GET', `/api/v1/tracks/${randomUuidV7()}/stream`, { token }), 404);
  assert.equal((await api.api('GET', '/')).status, 200);
});

test('the OpenAPI document and the service index do not depend on the roles', async () => {
  const documents = [];
  for (const server of [stream, usersCatalog, api]) {
    const doc = await server.api('GET', '/api/v1/openapi.json');
    assert.equal(doc.status, 200);
    documents.push(doc.text);
    assert.equal((await server.api('GET', '/api/v1')).status, 200);
  }
  assert.equal(documents[0], documents[2]);
  assert.equal(documents[1], documents[2]);
  assert.ok(JSON.parse(documents[0]).paths['/api/v1/playlists'], 'documents every group');
});
