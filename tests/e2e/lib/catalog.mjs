// Catalogue set-up through the API, faster than clicking through the studio: for tests whose
// subject is what a listener or artist does with music that is already there.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';

import { waitForStatus } from '../../http/lib/server.mjs';

const kProcessingTimeoutMs = 180_000;

// An album of `files` (titled `titles`) as tracks 1..n by a new artist of the account `owner`
// ({token}), uploaded through the signed-URL flow and processed until every track is ready.
// Resolves {artistId, artistName, albumId, albumTitle, tracks: [{id, title}] in album order}.
export async function publishAlbum(server, owner, files, titles, { artistName, albumTitle }) {
  const { id: artistId } = await server.createArtist(owner.token, { name: artistName });
  const { id: albumId } = await server.createAlbum(owner.token, artistId, { title: albumTitle });
  const created = [];
  for (const [i, file] of files.entries()) {
    const { track } = await server.uploadTrack(owner.token, albumId, await fs.readFile(file),
      { title: titles[i], trackNumber: i + 1 });
    created.push(track);
  }
  await Promise.all(created.map((track) => waitForStatus(server, owner.token, track.id, 'ready', kProcessingTimeoutMs)));
  const res = await server.api('GET', `/api/v1/albums/${albumId}`, { token: owner.token });
  assert.equal(res.status, 200, `GET /api/v1/albums/${albumId}: ${res.text}`);
  assert.deepEqual(res.json.tracks.map((track) => track.id), created.map((track) => track.id),
    'the album lists its tracks by track number');
  return { artistId, artistName, albumId, albumTitle, tracks: created.map(({ id, title }) => ({ id, title })) };
}
