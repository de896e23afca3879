// Instances of a cluster share their signing keys through one secrets_dir that
// `cadenza secrets init` fills: two `cadenza serve` processes on one data_dir (SQLite in WAL
// mode takes several processes) accept each other's access tokens, signed upload URLs (the
// bucket's on S3) and media URLs, an instance with other keys refuses them, and an instance
// whose shared folder lacks a key or exposes one does not start.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { makeWav } from './lib/audio.mjs';
import { expectProblem } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import { freePort, runCli, startServer, test, waitForStatus } from './lib/server.mjs';

const kKeyFiles = ['token.key', 'url.key', 'media.key'];

let scratch;
let keys;  // the cluster's secrets_dir
const servers = [];

async function initKeys(dir, extra = []) {
  return runCli(['secrets', 'init', '--dir', dir, ...extra]);
}

async function readKeys(dir) {
  return Promise.all(kKeyFiles.map((name) => fs.readFile(path.join(dir, name))));
}

async function startInstance(dataDir, secretsDir, roles) {
  const server = await startServer({ dataDir, args: ['--secrets-dir', secretsDir, '--roles', roles] });
  servers.push(server);
  return server;
}

// The same path and query on another instance.
function on(server, url) {
  const u = new URL(url);
  return `${server.url}${u.pathname}${u.search}`;
}

// On S3 an upload URL is the bucket's, signed with the S3 credentials instead of url.key: it
// goes to the bucket as it is, whichever instance issued it.
const onS3 = testEngines().s3;
function uploadOn(server, url) {
  return onS3 ? url : on(server, url);
}

// `cadenza serve` with these settings; resolves {code, stderr} once it exits (it must).
async function serveExpectingExit(dataDir, secretsDir) {
  const port = await freePort();
  return runCli(['serve', '--data-dir', dataDir, '--secrets-dir', secretsDir,
    '--listen', `127.0.0.1:${port}`, '--roles', 'api']);
}

before(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-http-cluster-'));
  keys = path.join(scratch, 'keys');
  const out = await initKeys(keys);
  assert.equal(out.code, 0, out.stderr);
});

after(async () => {
  for (const server of servers) await server.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

test('secrets init writes three private 64-byte keys and replaces them only with --force', async () => {
  const dir = path.join(scratch, 'rotate', 'keys');
  const first = await initKeys(dir);
  assert.equal(first.code, 0, first.stderr);
  assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
  assert.doesNotMatch(first.stdout, /signed out/, 'new keys sign no one out');
  for (const name of kKeyFiles) {
    const file = path.join(dir, name);
    assert.ok(first.stdout.includes(`wrote ${file}`), first.stdout);
    const st = await fs.stat(file);
    assert.equal(st.mode & 0o777, 0o600, name);
    assert.equal(st.size, 64, name);
  }
  const before = await readKeys(dir);
  assert.notDeepEqual(before[0], before[1]);

  const again = await initKeys(dir);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already holds token\.key, url\.key, media\.key/);
  assert.match(again.stderr, /--force/);
  assert.deepEqual(await readKeys(dir), before, 'nothing was overwritten');

  const forced = await initKeys(dir, ['--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /signed out/);
  const after = await readKeys(dir);
  for (let i = 0; i < kKeyFiles.length; ++i) assert.notDeepEqual(after[i], before[i], kKeyFiles[i]);
});

test('two instances sharing data_dir and secrets_dir accept each other\'s tokens and URLs', async () => {
  const dataDir = path.join(scratch, 'data');
  await fs.mkdir(dataDir);
  const a = await startInstance(dataDir, keys, 'api,media,worker');
  const b = await startInstance(dataDir, keys, 'api,media');

  // A signs with the shared token.key, and no instance made keys of its own.
  const artist = await a.registerUser('artist');
  const [signingInput, signature] = [artist.token.split('.').slice(0, 2).join('.'), artist.token.split('.')[2]];
  const [tokenKey] = await readKeys(keys);
  assert.equal(createHmac('sha256', tokenKey).update(signingInput).digest('base64url'), signature);
  await assert.rejects(fs.stat(path.join(dataDir, 'secrets')), { code: 'ENOENT' });

  // A's access token at B, and B's at A.
  const me = await b.api('GET', '/api/v1/users/me', { token: artist.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.email, artist.email);
  const login = await b.login(artist.email, artist.password);
  assert.equal(login.status, 200, login.text);
  const artists = await a.api('GET', '/api/v1/artists', { token: login.json.accessToken });
  assert.equal(artists.status, 200, artists.text);

  // An upload URL signed by A, used at B; the track created at B, transcoded by A's worker.
  const created = await a.createArtist(artist.token);
  const album = await a.createAlbum(artist.token, created.id);
  const slot = await a.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  assert.equal(slot.status, 200, slot.text);
  const put = await b.api('PUT', uploadOn(b, slot.json.uploadUrl), {
    body: makeWav({ seconds: 1 }), headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(put.status, 200, put.text);
  const track = await b.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: album.id, title: 'Shared', trackUrl: on(b, slot.json.trackUrl) },
  });
  assert.equal(track.status, 201, track.text);
  await waitForStatus(b, artist.token, track.json.id, 'ready');

  // A media URL issued by A, opened at B.
  const stream = await a.streamUrls(artist.token, track.json.id);
  const master = await b.api('GET', on(b, stream.hls));
  assert.equal(master.status, 200, master.text);
  assert.match(master.text, /^#EXTM3U/);

  // An instance on the same data with other keys refuses all three.
  const otherKeys = path.join(scratch, 'other-keys');
  assert.equal((await initKeys(otherKeys)).code, 0);
  const stranger = await startInstance(dataDir, otherKeys, 'api,media');
  expectProblem(await stranger.api('GET', '/api/v1/users/me', { token: artist.token }), 401);
  expectProblem(await stranger.api('GET', on(stranger, stream.hls)), 403);
  if (!onS3) {
    const slot2 = await a.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
    expectProblem(await stranger.api('PUT', on(stranger, slot2.json.uploadUrl), {
      body: makeWav({ seconds: 1 }), headers: { 'content-type': 'application/octet-stream' },
    }), 403);
  }
});

test('an instance does not start when the shared folder lacks a key', async () => {
  const empty = path.join(scratch, 'empty-keys');
  await fs.mkdir(empty);
  const dataDir = await fs.mkdtemp(path.join(scratch, 'data-'));
  const out = await serveExpectingExit(dataDir, empty);
  assert.equal(out.code, 1, out.stderr);
  assert.ok(out.stderr.includes(`no token.key in ${empty}: run \`cadenza secrets init --dir ${empty}\` `
    + 'once and share the folder with every instance'), out.stderr);
  assert.deepEqual(await fs.readdir(empty), [], 'no key was invented');
});

test('an instance does not start with a key that others can read', async () => {
  const exposed = path.join(scratch, 'exposed-keys');
  assert.equal((await initKeys(exposed)).code, 0);
  const file = path.join(exposed, 'url.key');
  await fs.chmod(file, 0o644);
  const dataDir = await fs.mkdtemp(path.join(scratch, 'data-'));
  const out = await serveExpectingExit(dataDir, exposed);
  assert.equal(out.code, 1, out.stderr);
  assert.ok(out.stderr.includes(file), out.stderr);
  assert.ok(out.stderr.includes(`chmod 600 ${file}`), out.stderr);
});
