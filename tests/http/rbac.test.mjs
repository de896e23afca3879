// Who may do what: every mutating catalogue route (and the original upload's URL) against
// listener, owner, other artist and admin; catalogue reads and streaming for everyone;
// playlist visibility.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { uniqueStereoWav, uniqueWav } from './lib/audio.mjs';
import { expectProblem } from './lib/client.mjs';
import { startServer, test, waitForStatus } from './lib/server.mjs';

let server;
const users = {};  // role name -> {user, token}
let streamed;      // {artist, album, track, wav}: a ready track of users.owner

before(async () => {
  server = await startServer();
  [users.listener, users.owner, users.other, users.admin] = await Promise.all([
    server.registerUser('listener'),
    server.registerUser('artist'),
    server.registerUser('artist'),
    server.createAdmin(),
  ]);
  // Made first, so the worker processes it before the many tracks the other tests add.
  streamed = {};
  streamed.artist = await server.createArtist(users.owner.token);
  streamed.album = await server.createAlbum(users.owner.token, streamed.artist.id);
  streamed.wav = uniqueStereoWav();
  const { track } = await server.uploadTrack(users.owner.token, streamed.album.id, streamed.wav);
  streamed.track = await waitForStatus(server, users.owner.token, track.id, 'ready', 60_000);
});

after(async () => {
  await server?.close();
});

// Fresh catalogue entries owned by `users.owner`, so a successful DELETE never affects the
// next case.
async function fresh(needs) {
  const r = {};
  r.artist = await server.createArtist(users.owner.token);
  if (needs === 'artist') return r;
  r.album = await server.createAlbum(users.owner.token, r.artist.id);
  if (needs === 'album') return r;
  r.track = (await server.uploadTrack(users.owner.token, r.album.id, uniqueWav({ seconds: 0.05 }))).track;
  return r;
}

// A completed upload issued to `role` (listeners cannot get one: they use the owner's).
async function uploadedTrackUrl(role) {
  const uploader = role === 'listener' ? users.owner : users[role];
  return (await server.uploadBytes(uploader.token, uniqueWav({ seconds: 0.05 }))).upload.trackUrl;
}

const ops = [
  {
    name: 'PATCH /artists/{id}', needs: 'artist', ok: 200,
    run: (token, r) => server.api('PATCH', `/api/v1/artists/${r.artist.id}`, { token, json: { name: 'Changed' } }),
    unchanged: async (r) => assert.equal((await get(`/api/v1/artists/${r.artist.id}`)).json.name, r.artist.name),
  },
  {
    name: 'DELETE /artists/{id}', needs: 'artist', ok: 200,
    run: (token, r) => server.api('DELETE', `/api/v1/artists/${r.artist.id}`, { token }),
    unchanged: async (r) => assert.equal((await get(`/api/v1/artists/${r.artist.id}`)).status, 200),
    done: async (r) => assert.equal((await get(`/api/v1/artists/${r.artist.id}`)).status, 404),
  },
  {
    name: 'POST /albums (to the owner\'s artist)', needs: 'artist', ok: 201,
    run: (token, r) => server.api('POST', '/api/v1/albums', { token, json: { artistId: r.artist.id, title: 'Intruder' } }),
    unchanged: async (r) => assert.deepEqual((await get(`/api/v1/artists/${r.artist.id}/albums`)).json.items, []),
  },
  {
    name: 'PATCH /albums/{id}', needs: 'album', ok: 200,
    run: (token, r) => server.api('PATCH', `/api/v1/albums/${r.album.id}`, { token, json: { title: 'Changed' } }),
    unchanged: async (r) => assert.equal((await get(`/api/v1/albums/${r.album.id}`)).json.title, r.album.title),
  },
  {
    name: 'DELETE /albums/{id}', needs: 'album', ok: 200,
    run: (token, r) => server.api('DELETE', `/api/v1/albums/${r.album.id}`, { token }),
    unchanged: async (r) => assert.equal((await get(`/api/v1/albums/${r.album.id}`)).status, 200),
    done: async (r) => assert.equal((await get(`/api/v1/albums/${r.album.id}`)).status, 404),
  },
  {
    name: 'POST /tracks (to the owner\'s album)', needs: 'album', ok: 201,
    run: async (token, r, role) => server.api('POST', '/api/v1/tracks', {
      token, json: { albumId: r.album.id, title: 'Intruder', trackUrl: await uploadedTrackUrl(role) },
    }),
    unchanged: async (r) => assert.deepEqual((await get(`/api/v1/albums/${r.album.id}`)).json.tracks, []),
  },
  {
    name: 'PATCH /tracks/{id}', needs: 'track', ok: 200,
    run: (token, r) => server.api('PATCH', `/api/v1/tracks/${r.track.id}`, { token, json: { title: 'Changed' } }),
    unchanged: async (r) => assert.equal((await get(`/api/v1/tracks/${r.track.id}`)).json.title, r.track.title),
  },
  {
    name: 'DELETE /tracks/{id}', needs: 'track', ok: 200,
    run: (token, r) => server.api('DELETE', `/api/v1/tracks/${r.track.id}`, { token }),
    unchanged: async (r) => assert.equal((await get(`/api/v1/tracks/${r.track.id}`)).status, 200),
    done: async (r) => assert.equal((await get(`/api/v1/tracks/${r.track.id}`)).status, 404),
  },
  {
    name: 'GET /tracks/{id}/original', needs: 'track', ok: 200,
    run: (token, r) => server.api('GET', `/api/v1/tracks/${r.track.id}/original`, { token }),
  },
  {
    name: 'GET /tracks/update-url/{id}', needs: 'track', ok: 200,
    run: (token, r) => server.api('GET', `/api/v1/tracks/update-url/${r.track.id}`, { token }),
  },
  {
    name: 'PATCH /tracks/{id} {trackUrl} (update-url upload)', needs: 'track', ok: 200,
    // Admins fetch their own update-url; the others cannot get one and try the owner's.
    run: async (token, r, role) => {
      const uploader = role === 'admin' ? users.admin : users.owner;
      const { upload } = await server.uploadBytes(uploader.token, uniqueWav({ seconds: 0.05 }),
        { urlPath: `/api/v1/tracks/update-url/${r.track.id}` });
      return server.api('PATCH', `/api/v1/tracks/${r.track.id}`, { token, json: { trackUrl: upload.trackUrl } });
    },
    unchanged: async (r) => assert.equal((await get(`/api/v1/tracks/${r.track.id}`)).json.sizeBytes, r.track.sizeBytes),
  },
];

function get(path) {
  return server.api('GET', path, { token: users.listener.token });
}

for (const op of ops) {
  test(`RBAC ${op.name}`, async (t) => {
    for (const role of ['listener', 'other', 'owner', 'admin']) {
      await t.test(`as ${role}`, async () => {
        const r = await fresh(op.needs);
        const res = await op.run(users[role].token, r, role);
        if (role === 'listener' || role === 'other') {
          expectProblem(res, 403);
          if (op.unchanged) await op.unchanged(r);
        } else {
          assert.equal(res.status, op.ok, `${role}: ${res.status} ${res.text}`);
          if (op.done) await op.done(r);
        }
      });
    }
  });
}

test('RBAC moving a track into another artist\'s album is refused', async () => {
  const r = await fresh('track');
  const foreign = await server.createAlbum(users.other.token, (await server.createArtist(users.other.token)).id);
  const res = await server.api('PATCH', `/api/v1/tracks/${r.track.id}`, {
    token: users.owner.token, json: { albumId: foreign.id },
  });
  expectProblem(res, 403);
  assert.equal((await get(`/api/v1/tracks/${r.track.id}`)).json.albumId, r.album.id);
});

test('RBAC catalogue reads and streaming work for every role; the original is the owner\'s', async () => {
  const r = streamed;
  const paths = [
    '/api/v1/artists', `/api/v1/artists/${r.artist.id}`, `/api/v1/artists/${r.artist.id}/albums`,
    '/api/v1/albums', `/api/v1/albums/${r.album.id}`, '/api/v1/tracks', `/api/v1/tracks/${r.track.id}`,
    `/api/v1/tracks/${r.track.id}/stream`,
  ];
  for (const role of ['listener', 'other', 'owner', 'admin']) {
    for (const p of paths) {
      const res = await server.api('GET', p, { token: users[role].token });
      assert.equal(res.status, 200, `${role} GET ${p}: ${res.status} ${res.text}`);
    }
    const stream = await server.streamUrls(users[role].token, r.track.id);
    for (const url of [stream.hls, stream.dash, stream.progressive.mp3_96]) {
      const media = await server.api('GET', url);
      assert.equal(media.status, 200, `${role} GET ${url}: ${media.status} ${media.text}`);
      assert.ok(media.bytes.length > 0, `${role} GET ${url} has a body`);
    }
    const original = await server.api('GET', `/api/v1/tracks/${r.track.id}/original`, { token: users[role].token });
    if (role === 'listener' || role === 'other') {
      expectProblem(original, 403);
    } else {
      assert.equal(original.status, 200, `${role}: ${original.status} ${original.text}`);
      const bytes = await server.api('GET', original.json.url);
      assert.equal(bytes.status, 200, `${role} downloads the original`);
      assert.ok(bytes.bytes.equals(r.wav), `${role} gets the uploaded bytes`);
    }
  }
});

test('RBAC playlists: private is 404 to others, public is readable but not changeable', async () => {
  const r = await fresh('track');
  const mine = users.listener;
  const create = (json) => server.api('POST', '/api/v1/playlists', { token: mine.token, json });
  const priv = await create({ name: 'Private one' });
  assert.equal(priv.status, 201, priv.text);
  assert.equal(priv.json.public, false, 'playlists are private by default');
  const pub = await create({ name: 'Public one', public: true });
  assert.equal(pub.status, 201, pub.text);
  const add = await server.api('POST', `/api/v1/playlists/${pub.json.id}/tracks`, {
    token: mine.token, json: { trackIds: [r.track.id] },
  });
  assert.equal(add.status, 200, add.text);

  for (const role of ['other', 'owner']) {
    const token = users[role].token;
    const where = (what) => `${role} ${what}`;
    expectProblem(await server.api('GET', `/api/v1/playlists/${priv.json.id}`, { token }), 404);
    expectProblem(await server.api('PATCH', `/api/v1/playlists/${priv.json.id}`, { token, json: { name: 'x' } }), 404);
    expectProblem(await server.api('DELETE', `/api/v1/playlists/${priv.json.id}`, { token }), 404);
    expectProblem(await server.api('POST', `/api/v1/playlists/${priv.json.id}/tracks`, { token, json: { trackIds: [r.track.id] } }), 404);

    const got = await server.api('GET', `/api/v1/playlists/${pub.json.id}`, { token });
    assert.equal(got.status, 200, where(got.text));
    assert.equal(got.json.entries.length, 1);
    expectProblem(await server.api('PATCH', `/api/v1/playlists/${pub.json.id}`, { token, json: { name: 'Hijacked' } }), 403);
    expectProblem(await server.api('DELETE', `/api/v1/playlists/${pub.json.id}`, { token }), 403);
    expectProblem(await server.api('POST', `/api/v1/playlists/${pub.json.id}/tracks`, { token, json: { trackIds: [r.track.id] } }), 403);
    expectProblem(await server.api('DELETE', `/api/v1/playlists/${pub.json.id}/tracks/0`, { token }), 403);
    expectProblem(await server.api('POST', `/api/v1/playlists/${pub.json.id}/move`, { token, json: { from: 0, to: 0 } }), 403);

    const list = await server.api('GET', '/api/v1/playlists?limit=200', { token });
    assert.equal(list.status, 200, list.text);
    const ids = list.json.items.map((p) => p.id);
    assert.ok(ids.includes(pub.json.id), where('sees the public playlist in the list'));
    assert.ok(!ids.includes(priv.json.id), where('does not see the private playlist'));
  }
  const finalState = await server.api('GET', `/api/v1/playlists/${pub.json.id}`, { token: mine.token });
  assert.equal(finalState.json.name, 'Public one');
  assert.equal(finalState.json.entries.length, 1);
  assert.equal((await server.api('GET', `/api/v1/playlists/${priv.json.id}`, { token: mine.token })).status, 200);
});
