// An artist publishes music through the studio; a listener finds it, plays it, seeks, and
// keeps it in a playlist. One server for the file: the listener plays what the artist uploaded.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { screenshot } from './lib/artifacts.mjs';
import {
  assertFavicon, attributeList, attributeRecords, audioState, byTestId, installMediaProbe, markPage, mediaEvents,
  newAccount, playsOn, signUp, storedSession, visible,
} from './lib/app.mjs';
import { inBrowser, isMediaSegmentOf, launchBrowser, renditionOf } from './lib/browser.mjs';
import { coverImage, cutSong, undecodableFlac } from './lib/fixtures.mjs';
import { eventually } from './lib/poll.mjs';
import { startStack, test } from './lib/stack.mjs';

const kSongs = ['Awakening', 'Nebula'];
const kSongSeconds = 30;
const kProcessingTimeoutMs = 180_000;
const kRenditions = ['aac_96', 'aac_160', 'aac_320', 'opus_96', 'opus_160', 'opus_320'];

let stack;
let browser;
let workDir;
const files = {};
// What the artist published, for the listener: {albumId, albumTitle, artistName, tracks: [{id, title}]}.
let published = null;

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-e2e-'));
  [files.songs, files.cover] = await Promise.all([
    Promise.all(kSongs.map((song) => cutSong(workDir, song, { seconds: kSongSeconds }))),
    coverImage(workDir),
  ]);
  files.broken = await undecodableFlac(files.songs[0], path.join(workDir, 'Damaged.flac'));
  stack = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.close();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

async function api(method, target, token, options = {}) {
  const res = await stack.server.api(method, target, { token, ...options });
  assert.ok(res.status < 400, `${method} ${target}: ${res.status} ${res.text}`);
  return res.json;
}

test('an artist publishes an album in the studio; a broken upload fails with its reason shown', { timeout: 300_000 }, async (t) => {
  await inBrowser(browser, stack.origin, { name: 'artist', t }, async ({ page, guard }) => {
    const account = newAccount('artist');
    await signUp(page, stack.baseUrl, account);
    const { accessToken } = await storedSession(page);

    await (await visible(page.getByTestId('nav-studio'), 'the studio link of an artist')).click();
    const artistName = `Maxstack ${account.displayName.slice(-6)}`;
    await page.getByTestId('studio-artist-name').fill(artistName);
    await page.getByTestId('studio-artist-create').click();
    const artistEntry = page.getByTestId('studio-artist').filter({ hasText: artistName });
    await visible(artistEntry, 'the new artist in the studio');
    const artistId = await artistEntry.getAttribute('data-artist-id');
    assert.equal((await api('GET', `/api/v1/artists/${artistId}`, accessToken)).name, artistName);

    const albumTitle = `Endgame ${account.displayName.slice(-6)}`;
    await page.getByTestId('studio-album-artist').selectOption(artistId);
    await page.getByTestId('studio-album-title').fill(albumTitle);
    await page.getByTestId('studio-album-create').click();
    const albumEntry = page.getByTestId('studio-album').filter({ hasText: albumTitle });
    await visible(albumEntry, 'the new album in the studio');
    const albumId = await albumEntry.getAttribute('data-album-id');
    const created = await api('GET', `/api/v1/albums/${albumId}`, accessToken);
    assert.equal(created.title, albumTitle);
    assert.equal(created.artistId, artistId);

    await albumEntry.click();
    await page.waitForURL(`**/studio/albums/${albumId}`);
    const stillSamePage = await markPage(page);

    // Dropped files reach the same <input type=file>; setting its files is what a drop does.
    await page.getByTestId('studio-file-input').setInputFiles([...files.songs, files.broken]);

    const rows = page.getByTestId('studio-track');
    await eventually(async () => {
      const shown = await attributeRecords(rows, ['data-track-id']);
      assert.equal(shown.length, 3, `studio-track rows: ${JSON.stringify(shown)}`);
    }, { timeoutMs: 60_000, message: 'a studio-track row for each of the three uploads' });

    // The studio follows processing by itself: no reload until every track settled.
    const settled = await eventually(async () => {
      const shown = await attributeRecords(rows, ['data-track-id', 'data-status']);
      assert.deepEqual(shown.map((row) => row['data-status']).sort(), ['failed', 'ready', 'ready'],
        `studio-track rows: ${JSON.stringify(shown)}`);
      return shown;
    }, { timeoutMs: kProcessingTimeoutMs, intervalMs: 250, message: 'two tracks ready and one failed' });
    await stillSamePage();

    const album = await api('GET', `/api/v1/albums/${albumId}`, accessToken);
    const byId = new Map(album.tracks.map((track) => [track.id, track]));
    assert.deepEqual([...byId.keys()].sort(), settled.map((row) => row['data-track-id']).sort(),
      'the rows are the album\'s tracks');
    for (const row of settled) {
      assert.equal(row['data-status'], byId.get(row['data-track-id']).status, `row ${JSON.stringify(row)} shows the server's status`);
    }
    const failed = album.tracks.find((track) => track.status === 'failed');
    assert.equal(failed.sizeBytes, (await fs.stat(files.broken)).size, 'the failed track is the broken file');
    assert.ok(failed.error, `the server gives a reason: ${JSON.stringify(failed)}`);
    const failedRow = byTestId(page, 'studio-track', { trackId: failed.id });
    assert.equal((await failedRow.getByTestId('studio-track-error').textContent()).trim(), failed.error);
    // Tracks are created untitled so that the files' own tags name them; a file that never got
    // that far is named after the file instead.
    assert.equal(failed.title, 'Damaged', 'the failed upload carries its file name');
    assert.equal(await failedRow.getByTestId('studio-track-title').inputValue(), 'Damaged');

    const ready = album.tracks.filter((track) => track.status === 'ready');
    // The files are named after their songs and tagged with them: either way, the titles.
    assert.deepEqual(ready.map((track) => track.title).sort(), [...kSongs].sort(), 'the songs keep their titles');
    for (const track of ready) {
      const row = byTestId(page, 'studio-track', { trackId: track.id });
      assert.equal(await row.getByTestId('studio-track-title').inputValue(), track.title);
      assert.equal((await row.getByTestId('studio-track-error').allTextContents()).join('').trim(), '',
        `no failure shown for ${track.title}`);
    }
    const uploadErrors = (await page.getByTestId('upload-error').allTextContents()).join('').trim();
    assert.equal(uploadErrors, '', 'every file was accepted by the upload');
    if (stack.store) {
      // On S3 the browser puts the files into the bucket itself, through the bucket's CORS.
      const puts = guard.requests.filter((u) => u.startsWith(`${stack.store.endpoint}/${stack.store.bucket}/originals/`));
      assert.equal(new Set(puts.map((u) => new URL(u).pathname)).size, 3, `uploads straight to the bucket: ${JSON.stringify(puts)}`);
    }

    // A cover for the album page (and its screenshot).
    await page.getByTestId('studio-cover-input').setInputFiles(files.cover);
    await eventually(async () => {
      const { cover } = await api('GET', `/api/v1/albums/${albumId}`, accessToken);
      assert.ok(cover && cover['300'], `album cover: ${JSON.stringify(cover)}`);
    }, { timeoutMs: 30_000, message: 'the uploaded cover on the album' });

    // The picture shows the track list, the failure reason included, without a toast over it.
    await failedRow.scrollIntoViewIfNeeded();
    await page.getByTestId('toast').first().waitFor({ state: 'hidden' }).catch(() => { /* a lasting toast is no fault */ });
    await screenshot(page, 'studio');
    await assertFavicon(page, stack.origin);
    guard.assertClean('artist');
    published = { albumId, albumTitle, artistName, tracks: ready.map(({ id, title }) => ({ id, title })) };
  });
});

test('a listener finds a track, plays it, seeks, and keeps an ordered playlist', { timeout: 300_000 }, async (t) => {
  assert.ok(published, 'the artist scenario published an album');
  const [first, second] = published.tracks;
  await inBrowser(browser, stack.origin, { name: 'listener', t, initScripts: [installMediaProbe] }, async ({ page, guard }) => {
    await signUp(page, stack.baseUrl, newAccount('listener'));
    const { accessToken } = await storedSession(page);

    // Home: the new album among the new releases, with its cover.
    const card = byTestId(page.getByTestId('home-new-releases'), 'album-card', { albumId: published.albumId });
    await visible(card, 'the album among the new releases');
    await screenshot(page, 'home');

    // Album page.
    await card.click();
    await page.waitForURL(`**/albums/${published.albumId}`);
    await eventually(async () => {
      assert.equal((await page.getByTestId('album-title').textContent()).trim(), published.albumTitle);
      assert.equal((await page.getByTestId('album-artist').textContent()).trim(), published.artistName);
      const ids = await attributeList(page.getByTestId('track-row'), 'data-track-id');
      for (const track of published.tracks) {
        assert.ok(ids.includes(track.id), `row of ${track.title} in ${ids}`);
        const duration = byTestId(page, 'track-row', { trackId: track.id }).getByTestId('track-duration');
        assert.equal((await duration.textContent()).trim(), `0:${kSongSeconds}`, `duration of ${track.title}`);
      }
      const cover = await page.getByTestId('album-cover').evaluate((img) => ({ src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0 }));
      assert.ok(cover.loaded && new URL(cover.src).pathname.startsWith('/covers/'), `album-cover ${JSON.stringify(cover)}`);
    }, { message: 'the album page with its title, artist, cover and tracks' });
    await screenshot(page, 'album');

    // Search, then play.
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill(first.title.toLowerCase());
    const results = page.getByTestId('search-tracks');
    const row = byTestId(results, 'track-row', { trackId: first.id });
    await visible(row, `the search result for "${first.title}"`);
    await eventually(async () => assert.equal(await byTestId(results, 'track-row', { trackId: second.id }).count(), 0,
      `"${second.title}" is filtered out`), { message: 'search filters tracks by title' });
    await row.getByTestId('track-play').click();

    await eventually(async () => assert.ok((await mediaEvents(page)).playing.length > 0, 'no playing event'),
      { timeoutMs: 30_000, message: 'the audio element fires playing' });
    await visible(page.getByTestId('player-bar'), 'the player bar');
    assert.equal((await page.getByTestId('player-title').textContent()).trim(), first.title);
    const start = await audioState(page);
    assert.match(start.src, /^blob:/, 'hls.js feeds the element through Media Source Extensions');
    const playing = await playsOn(page, start.currentTime, 3, '3 s of playback');
    assert.ok(playing.played >= 3, `played ranges add up to ${playing.played} s`);

    // The quality shown is a rendition hls.js is actually fetching for this track.
    await eventually(async () => {
      const quality = page.getByTestId('player-quality');
      const codec = await quality.getAttribute('data-codec');
      const kbps = await quality.getAttribute('data-kbps');
      const rendition = `${codec}_${kbps}`;
      assert.ok(kRenditions.includes(rendition), `data-codec=${codec} data-kbps=${kbps}`);
      const fetched = new Set(guard.requests.filter((u) => isMediaSegmentOf(u, first.id)).map(renditionOf));
      assert.ok(fetched.has(rendition), `shows ${rendition}, segments fetched from ${[...fetched]}`);
      const text = (await quality.textContent()).toLowerCase();
      assert.ok(text.includes(codec) && text.includes(kbps), `player-quality text "${text}"`);
    }, { message: 'player-quality names the rendition being played' });
    if (stack.store) {
      assert.ok(guard.requests.some((u) => isMediaSegmentOf(u, first.id) && new URL(u).origin === stack.store.origin),
        'on S3 hls.js fetches the segments from the bucket');
    }
    assert.equal(await page.getByTestId('player-play').getAttribute('data-state'), 'playing');
    // Loudness normalisation is on by default: the bar shows the track's own gain being applied.
    const { loudness } = await api('GET', `/api/v1/tracks/${first.id}`, accessToken);
    await eventually(async () => {
      const shown = Number(await page.getByTestId('player-bar').getAttribute('data-gain-db'));
      assert.ok(Math.abs(shown - loudness.gainDb) < 0.01, `data-gain-db ${shown} vs the track's ${loudness.gainDb}`);
    }, { message: 'the player applies the track\'s loudness gain' });
    await screenshot(page, 'player');

    // Seek forward: the playhead jumps there and playback goes on from it.
    const target = kSongSeconds - 10;
    guard.noteSeek();
    await page.getByTestId('player-seek').fill(String(target));
    const jumped = await eventually(async () => {
      const { seeking } = await mediaEvents(page);
      assert.ok(seeking.some((s) => Math.abs(s.currentTime - target) < 1), `seeks: ${JSON.stringify(seeking)}`);
      const s = await audioState(page);
      assert.ok(s.currentTime >= target - 0.5, `currentTime ${s.currentTime}`);
      return s;
    }, { message: `the playhead jumps to ${target} s` });
    await playsOn(page, jumped.currentTime, 2, 'playback continues after the seek');

    // A playlist with both tracks, added from the album page.
    const playlistName = `Road trip ${Date.now()}`;
    await page.getByTestId('nav-library').click();
    await page.getByTestId('playlist-create-name').fill(playlistName);
    await page.getByTestId('playlist-create').click();
    const link = page.getByTestId('playlist-link').filter({ hasText: playlistName });
    await visible(link, 'the new playlist in the library');
    const playlistId = await link.getAttribute('data-playlist-id');
    const apiOrder = async () => (await api('GET', `/api/v1/playlists/${playlistId}`, accessToken)).entries.map((e) => e.track.id);

    await page.getByTestId('nav-home').click();
    await byTestId(page.getByTestId('home-new-releases'), 'album-card', { albumId: published.albumId }).click();
    await page.waitForURL(`**/albums/${published.albumId}`);
    for (const [i, track] of [first, second].entries()) {
      await byTestId(page, 'track-row', { trackId: track.id }).getByTestId('track-add-to-playlist').click();
      const picker = await visible(page.getByTestId('playlist-picker'), 'the playlist picker');
      await byTestId(picker, 'playlist-picker-item', { playlistId }).click();
      await eventually(async () => assert.equal((await apiOrder()).length, i + 1),
        { message: `${track.title} added to the playlist` });
      await picker.waitFor({ state: 'hidden' });
    }
    assert.deepEqual(await apiOrder(), [first.id, second.id]);

    await page.getByTestId('nav-library').click();
    await link.click();
    await page.waitForURL(`**/playlists/${playlistId}`);
    assert.equal((await (await visible(page.getByTestId('playlist-name'), 'the playlist name')).textContent()).trim(), playlistName);
    const entries = page.getByTestId('playlist-entry');
    const shownOrder = () => attributeList(entries, 'data-track-id');
    await eventually(async () => assert.deepEqual(await shownOrder(), [first.id, second.id]),
      { message: 'the playlist lists the tracks in the order added' });

    // Drag the second entry onto the first.
    await entries.nth(1).dragTo(entries.nth(0));
    await eventually(async () => assert.deepEqual(await shownOrder(), [second.id, first.id]),
      { message: 'the dragged entry moves up' });
    await eventually(async () => assert.deepEqual(await apiOrder(), [second.id, first.id]),
      { message: 'the new order is saved' });

    // Meanwhile the track played to its end: the player reported it, the play was counted, and
    // the listener's home lists the track under "Recently played".
    await eventually(async () => {
      const { items } = await api('GET', '/api/v1/me/recently-played', accessToken);
      assert.ok(items.some((item) => item.track.id === first.id), `recently played: ${items.map((i) => i.track.id)}`);
    }, { timeoutMs: 60_000, message: 'the finished play is in the listening history' });
    await page.getByTestId('nav-home').click();
    await visible(byTestId(page.getByTestId('home-recently-played'), 'track-row', { trackId: first.id }),
      'the track under Recently played on the home page');
    await page.getByTestId('nav-library').click();
    await link.click();
    await page.waitForURL(`**/playlists/${playlistId}`);

    // Stop the music and let the network settle, so the reload cancels nothing; then the order
    // must come back from the server.
    const play = page.getByTestId('player-play');
    if (await play.getAttribute('data-state') === 'playing') await play.click();
    await eventually(async () => assert.equal((await audioState(page)).paused, true), { message: 'playback paused' });
    await guard.quiet();
    await page.reload();
    await visible(entries, 'the playlist after a reload');
    await eventually(async () => assert.deepEqual(await shownOrder(), [second.id, first.id]),
      { message: 'the order survives a reload' });
    assert.deepEqual(await apiOrder(), [second.id, first.id]);

    // The top bar's search suggests as the user types; the arrow keys pick a suggestion and
    // Enter opens it (a track opens its album).
    const box = page.getByTestId('topbar-search');
    await box.pressSequentially(second.title.toLowerCase(), { delay: 40 });
    const suggestions = await visible(page.getByTestId('search-suggestions'), 'the suggestions');
    const trackSuggestion = suggestions.getByTestId('search-suggestion').first();
    await eventually(async () => {
      assert.equal(await trackSuggestion.getAttribute('data-kind'), 'track');
      assert.match(await trackSuggestion.textContent(), new RegExp(second.title));
    }, { message: 'the track is the first suggestion' });
    await guard.quiet();  // the answer for the whole title is in, not one for a prefix
    await box.press('ArrowDown');
    assert.equal(await trackSuggestion.getAttribute('aria-selected'), 'true', 'ArrowDown highlights it');
    await box.press('Enter');
    await page.waitForURL(`**/albums/${published.albumId}`);

    // Enter with nothing highlighted opens the full results.
    await box.fill(published.albumTitle);
    await box.press('Enter');
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === published.albumTitle);
    await visible(byTestId(page.getByTestId('search-albums'), 'album-card', { albumId: published.albumId }),
      'the album among the full results');
    await guard.quiet();

    await assertFavicon(page, stack.origin);
    guard.assertClean('listener');
  });
});
