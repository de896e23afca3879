// The artist page, a listener's playlist, and the studio's album editor, as people use them: the
// catalogue and the playlist are made through the API; everything afterwards goes through the
// app, and what it saved is read back through the API.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import {
  attributeList, attributeRecords, audioState, byTestId, installMediaProbe, logIn, markPage, mediaEvents, playsOn,
  visible,
} from './lib/app.mjs';
import { inBrowser, launchBrowser } from './lib/browser.mjs';
import { publishAlbum } from './lib/catalog.mjs';
import { cutSong } from './lib/fixtures.mjs';
import { eventually } from './lib/poll.mjs';
import { startStack, test } from './lib/stack.mjs';

// One album for the listener's scenarios and another for the studio to change; the fourth song
// replaces a studio track's audio. Short cuts keep processing quick on a small machine.
const kSongs = ['Nebula', 'Awakening', 'Inevitable'];
const kReplacementSong = 'Aberrations';
const kSongSeconds = 15;
const kProcessingTimeoutMs = 120_000;

let stack;
let browser;
let workDir;
let replacementFile;
// {artistId, artistName, albumId, albumTitle, tracks: [{id, title}]} each.
let listenedAlbum;
let studioAlbum;
// Accounts from the API: {email, password, token}.
let artist;
let listener;

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-e2e-library-'));
  const [songFiles, replacement] = await Promise.all([
    Promise.all(kSongs.map((song) => cutSong(workDir, song, { seconds: kSongSeconds }))),
    cutSong(workDir, kReplacementSong, { seconds: kSongSeconds }),
  ]);
  replacementFile = replacement;
  stack = await startStack();
  browser = await launchBrowser();
  artist = await stack.server.registerUser('artist');
  listener = await stack.server.registerUser('listener');
  [listenedAlbum, studioAlbum] = await Promise.all([
    publishAlbum(stack.server, artist, songFiles, kSongs, { artistName: `Lumen ${process.pid}`, albumTitle: `Night Shift ${process.pid}` }),
    publishAlbum(stack.server, artist, songFiles, kSongs, { artistName: `Quarry ${process.pid}`, albumTitle: `Rough Cut ${process.pid}` }),
  ]);
});

after(async () => {
  await browser?.close();
  await stack?.close();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

// An API call that must succeed; answers the JSON body.
async function apiOk(token, method, target, json) {
  const res = await stack.server.api(method, target, { token, json });
  assert.ok(res.status < 400, `${method} ${target}: ${res.status} ${res.text}`);
  return res.json;
}

function inContext({ name, t }, fn) {
  return inBrowser(browser, stack.origin, { name, t, initScripts: [installMediaProbe] }, fn);
}

const text = async (locator) => (await locator.textContent()).trim();

test('the album\'s artist link opens the artist page with the artist\'s albums', { timeout: 60_000 }, async (t) => {
  await inContext({ name: 'artist-page', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    const card = byTestId(page.getByTestId('home-new-releases'), 'album-card', { albumId: listenedAlbum.albumId });
    await (await visible(card, 'the album among the new releases')).click();
    await page.waitForURL((url) => url.pathname === `/albums/${listenedAlbum.albumId}`);
    await eventually(async () => assert.equal(await text(page.getByTestId('album-title')), listenedAlbum.albumTitle),
      { message: 'the album page' });

    // The link shows a placeholder until the artist is loaded.
    const link = page.getByTestId('album-artist');
    await eventually(async () => assert.equal(await text(link), listenedAlbum.artistName),
      { message: 'album-artist names the artist' });
    await link.click();
    await page.waitForURL((url) => url.pathname === `/artists/${listenedAlbum.artistId}`);
    await eventually(async () => assert.equal(await text(page.getByTestId('artist-name')), listenedAlbum.artistName),
      { message: 'artist-name shows the artist' });
    await visible(byTestId(page, 'album-card', { albumId: listenedAlbum.albumId }), 'the album among the artist\'s albums');
    // Only this artist's albums: the studio album belongs to another artist of the same owner.
    assert.deepEqual(await attributeList(page.getByTestId('album-card'), 'data-album-id'), [listenedAlbum.albumId],
      'the artist page lists the artist\'s one album');
    guard.assertClean('listener');
  });
});

test('a playlist is renamed, loses an entry, plays from its first entry, and is deleted', { timeout: 90_000 }, async (t) => {
  const [first, second, third] = listenedAlbum.tracks;
  const playlist = await apiOk(listener.token, 'POST', '/api/v1/playlists', { name: `Commute ${process.pid}` });
  await apiOk(listener.token, 'POST', `/api/v1/playlists/${playlist.id}/tracks`, { trackIds: [first.id, second.id, third.id] });
  const fromApi = () => apiOk(listener.token, 'GET', `/api/v1/playlists/${playlist.id}`);
  const entryIds = (page) => attributeList(page.getByTestId('playlist-entry'), 'data-track-id');

  await inContext({ name: 'playlist', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    await page.getByTestId('nav-library').click();
    await (await visible(byTestId(page, 'playlist-link', { playlistId: playlist.id }), 'the playlist in the library')).click();
    await page.waitForURL((url) => url.pathname === `/playlists/${playlist.id}`);
    await eventually(async () => assert.deepEqual(await entryIds(page), [first.id, second.id, third.id]),
      { message: 'the playlist page lists its three entries in order' });

    // Rename: the button turns the name into a field; Enter saves.
    const newName = `Evening commute ${process.pid}`;
    await page.getByTestId('playlist-rename').click();
    const input = await visible(page.getByTestId('playlist-rename-input'), 'the rename field');
    await input.fill(newName);
    await input.press('Enter');
    await eventually(async () => assert.equal(await text(page.getByTestId('playlist-name')), newName),
      { message: 'playlist-name shows the new name' });
    await eventually(async () => assert.equal((await fromApi()).name, newName), { message: 'the server has the new name' });

    // Remove the middle entry.
    const middle = byTestId(page, 'playlist-entry', { trackId: second.id });
    await middle.getByTestId('playlist-entry-remove').click();
    await eventually(async () => assert.deepEqual(await entryIds(page), [first.id, third.id]),
      { message: 'the removed entry leaves the page' });
    assert.deepEqual(await attributeList(page.getByTestId('playlist-entry'), 'data-position'), ['0', '1'],
      'the entries left are renumbered');
    assert.deepEqual((await fromApi()).entries.map((entry) => entry.track.id), [first.id, third.id],
      'the server keeps the two other entries');

    // Play: the first entry starts, and the audio runs.
    await page.getByTestId('playlist-play').click();
    await eventually(async () => {
      assert.equal(await text(page.getByTestId('player-title')), first.title, 'player-title');
      assert.ok((await mediaEvents(page)).playing.length > 0, 'no playing event yet');
    }, { timeoutMs: 30_000, message: 'playlist-play starts its first entry' });
    await playsOn(page, 0, 0.5, 'the first entry plays on');

    // Paused so that the player fetches nothing while the page changes.
    await page.getByTestId('player-play').click();
    await eventually(async () => assert.equal((await audioState(page)).paused, true), { message: 'playback pauses' });
    await guard.quiet();

    await page.getByTestId('playlist-delete').click();
    await (await visible(page.getByTestId('confirm-ok'), 'the confirmation dialog')).click();
    await page.waitForURL((url) => url.pathname === '/library');
    await visible(page.getByTestId('playlist-create-name'), 'the library after deleting');
    await eventually(async () => assert.equal(await byTestId(page, 'playlist-link', { playlistId: playlist.id }).count(), 0),
      { message: 'the deleted playlist leaves the library' });
    const gone = await stack.server.api('GET', `/api/v1/playlists/${playlist.id}`, { token: listener.token });
    assert.equal(gone.status, 404, `GET the deleted playlist: ${gone.status} ${gone.text}`);
    guard.assertClean('listener');
  });
});

// Records every data-status a studio-track row takes, so that a state that lasts less than a
// poll interval is still seen.
function watchTrackStatuses(trackId) {
  window.__e2eStatuses = [];
  const seen = (el) => {
    if (el instanceof Element && el.getAttribute('data-testid') === 'studio-track' && el.getAttribute('data-track-id') === trackId) {
      window.__e2eStatuses.push(el.getAttribute('data-status'));
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      seen(record.target);
      for (const node of record.addedNodes) seen(node);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
}

test('the studio renames the album and its tracks, renumbers, reorders by dragging, replaces audio and deletes a track', { timeout: 120_000 }, async (t) => {
  const [first, second, third] = studioAlbum.tracks;
  const track = (id) => apiOk(artist.token, 'GET', `/api/v1/tracks/${id}`);
  const albumTracks = async () => (await apiOk(artist.token, 'GET', `/api/v1/albums/${studioAlbum.albumId}`)).tracks;
  const rowIds = (page) => attributeList(page.getByTestId('studio-track'), 'data-track-id');
  const row = (page, id) => byTestId(page, 'studio-track', { trackId: id });

  await inContext({ name: 'studio-album', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, artist);
    await page.getByTestId('nav-studio').click();
    await (await visible(byTestId(page, 'studio-album', { albumId: studioAlbum.albumId }), 'the album in the studio')).click();
    await page.waitForURL((url) => url.pathname === `/studio/albums/${studioAlbum.albumId}`);
    await eventually(async () => assert.deepEqual(await rowIds(page), [first.id, second.id, third.id]),
      { message: 'the studio lists the album\'s tracks in order' });
    const samePage = await markPage(page);

    // The album title saves on Enter.
    const albumTitle = `Final Cut ${process.pid}`;
    const titleInput = page.getByTestId('studio-album-title-input');
    assert.equal(await titleInput.inputValue(), studioAlbum.albumTitle);
    await titleInput.fill(albumTitle);
    await titleInput.press('Enter');
    await eventually(async () => assert.equal((await apiOk(artist.token, 'GET', `/api/v1/albums/${studioAlbum.albumId}`)).title, albumTitle),
      { message: 'the server has the new album title' });

    // A track title saves on Enter.
    const trackTitle = `${first.title} (radio edit)`;
    const firstTitle = row(page, first.id).getByTestId('studio-track-title');
    await firstTitle.fill(trackTitle);
    await firstTitle.press('Enter');
    await eventually(async () => assert.equal((await track(first.id)).title, trackTitle),
      { message: 'the server has the new track title' });

    // A track number: the first track becomes number 9, so it moves to the end of the list.
    const firstNumber = row(page, first.id).getByTestId('studio-track-number');
    await firstNumber.fill('9');
    await firstNumber.press('Enter');
    await eventually(async () => assert.equal((await track(first.id)).trackNumber, 9),
      { message: 'the server has the new track number' });
    await eventually(async () => assert.deepEqual(await rowIds(page), [second.id, third.id, first.id]),
      { message: 'the renumbered track moves to its place in the list' });

    // Dragging the first row onto the last moves it there, and the album is renumbered 1..3.
    const rows = page.getByTestId('studio-track');
    await rows.nth(0).dragTo(rows.nth(2));
    const dragged = [third.id, first.id, second.id];
    await eventually(async () => assert.deepEqual(await rowIds(page), dragged),
      { message: 'the dragged row takes the place it was dropped on' });
    await eventually(async () => {
      const tracks = await albumTracks();
      assert.deepEqual(tracks.map((albumTrack) => [albumTrack.id, albumTrack.trackNumber]), dragged.map((id, i) => [id, i + 1]));
    }, { message: 'the server numbers the tracks 1..3 in the new order' });
    // Controlled inputs: what they show is their value property, not an attribute.
    await eventually(async () => assert.deepEqual(
      await page.getByTestId('studio-track-number').evaluateAll((els) => els.map((e) => e.value)), ['1', '2', '3']),
    { message: 'the number fields show 1..3' });

    // Replacing the audio: the row goes processing, then ready, without a reload.
    const { size: replacementSize } = await fs.stat(replacementFile);
    const before = await track(third.id);
    assert.notEqual(before.sizeBytes, replacementSize, 'the replacement differs in size from the original');
    await page.evaluate(watchTrackStatuses, third.id);
    await row(page, third.id).getByTestId('studio-track-replace').setInputFiles(replacementFile);
    await eventually(async () => {
      const statuses = await page.evaluate(() => window.__e2eStatuses);
      assert.ok(statuses.includes('processing'), `statuses seen: ${JSON.stringify(statuses)}`);
    }, { timeoutMs: 30_000, message: 'the replaced track shows as processing' });
    await eventually(async () => {
      const [shown] = await attributeRecords(row(page, third.id), ['data-status']);
      assert.equal(shown?.['data-status'], 'ready');
    }, { timeoutMs: kProcessingTimeoutMs, message: 'the replaced track becomes ready on the page' });
    const replaced = await track(third.id);
    assert.equal(replaced.status, 'ready', JSON.stringify(replaced));
    assert.equal(replaced.sizeBytes, replacementSize, 'sizeBytes is the replacement file\'s size');
    await samePage();

    // Deleting a track, confirmed.
    await row(page, second.id).getByTestId('studio-track-delete').click();
    await (await visible(page.getByTestId('confirm-ok'), 'the confirmation dialog')).click();
    await eventually(async () => assert.deepEqual(await rowIds(page), [third.id, first.id]),
      { message: 'the deleted track leaves the list' });
    const gone = await stack.server.api('GET', `/api/v1/tracks/${second.id}`, { token: artist.token });
    assert.equal(gone.status, 404, `GET the deleted track: ${gone.status} ${gone.text}`);
    assert.deepEqual((await albumTracks()).map((albumTrack) => albumTrack.id), [third.id, first.id], 'the album keeps the other two');
    await samePage();
    guard.assertClean('artist');
  });
});
