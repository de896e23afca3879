// The player and the shell around it, as a listener uses them: an album played through with next
// and previous, the queue, the keyboard, loudness normalisation, the volume, a phone-sized window,
// and a session that runs out while the page is open. The catalogue is published through the API
// (the studio has its own scenario); everything the listener does goes through the app.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { screenshot } from './lib/artifacts.mjs';
import {
  attributeList, audioState, byTestId, installMediaProbe, logIn, markPage, mediaEvents, playsOn, storedSession,
  visible,
} from './lib/app.mjs';
import { inBrowser, isMediaSegmentOf, launchBrowser } from './lib/browser.mjs';
import { publishAlbum } from './lib/catalog.mjs';
import { cutSong } from './lib/fixtures.mjs';
import { eventually } from './lib/poll.mjs';
import { startStack, test } from './lib/stack.mjs';

// Three different songs, short enough to process quickly and long enough that none ends while a
// scenario is still working with it.
const kSongs = ['Through Space', 'Coherence', 'Deprecation'];
const kSongSeconds = 20;
// Previous restarts the track when it has played longer than this, and goes back otherwise
// (web/src/player/engine.ts).
const kRestartAfterS = 3;
const kKeySeekS = 5;
// The smallest lifetime that still leaves time to log in and look around before it runs out.
const kShortTokenTtl = '8s';

let stack;
let browser;
let workDir;
// {albumId, albumTitle, tracks: [{id, title}] in album order}
let album;
// {email, password} of a listener who logs in through the app.
let listener;

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-e2e-player-'));
  const songFiles = await Promise.all(kSongs.map((song) => cutSong(workDir, song, { seconds: kSongSeconds })));
  stack = await startStack();
  browser = await launchBrowser();
  const artist = await stack.server.registerUser('artist');
  album = await publishAlbum(stack.server, artist, songFiles, kSongs,
    { artistName: `Orbit ${process.pid}`, albumTitle: `Far Side ${process.pid}` });
  const { email, password } = await stack.server.registerUser('listener');
  listener = { email, password };
});

after(async () => {
  await browser?.close();
  await stack?.close();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

async function apiAs(token, method, target) {
  const res = await stack.server.api(method, target, { token });
  assert.ok(res.status < 400, `${method} ${target}: ${res.status} ${res.text}`);
  return res.json;
}

// Media events on top of lib/app.mjs's probe: pauses, which the keyboard scenario must not cause.
function installPauseProbe() {
  window.__e2ePauses = 0;
  document.addEventListener('pause', () => { window.__e2ePauses += 1; }, true);
}

// lib/browser.mjs's inBrowser with this file's probes, on the shared server by default.
function inContext({ name, t, contextOptions = {}, initScripts = [installMediaProbe, installPauseProbe], server = stack }, fn) {
  return inBrowser(browser, server.origin, { name, t, initScripts, contextOptions }, fn);
}

const title = async (page) => (await page.getByTestId('player-title').textContent()).trim();
const playState = (page) => page.getByTestId('player-play').getAttribute('data-state');
const queueIds = (page) => attributeList(page.getByTestId('queue-panel').getByTestId('queue-item'), 'data-track-id');
const playingCount = async (page) => (await mediaEvents(page)).playing.length;
const seekingEvents = async (page) => (await mediaEvents(page)).seeking;

// Home -> the album's card -> the album page, the way a listener gets there.
async function openAlbum(page) {
  await page.getByTestId('nav-home').click();
  const card = byTestId(page.getByTestId('home-new-releases'), 'album-card', { albumId: album.albumId });
  await (await visible(card, 'the album among the new releases')).click();
  await page.waitForURL(`**/albums/${album.albumId}`);
  await visible(page.getByTestId('album-play'), 'the album page');
  await eventually(async () => assert.deepEqual(await attributeList(page.getByTestId('track-row'), 'data-track-id'),
    album.tracks.map((track) => track.id)), { message: 'the album page lists its tracks in order' });
}

// Waits until `trackTitle` is the current track and a `playing` event newer than `since` fired
// with the element still playing.
async function nowPlaying(page, trackTitle, since, what) {
  await eventually(async () => {
    assert.equal(await title(page), trackTitle, 'player-title');
    assert.ok(await playingCount(page) > since, 'no new playing event');
    const s = await audioState(page);
    assert.equal(s.error, null, 'media error');
    assert.ok(!s.paused, 'paused');
    assert.equal(await playState(page), 'playing', 'player-play data-state');
  }, { timeoutMs: 30_000, message: what });
}

async function playAlbum(page) {
  const since = await playingCount(page);
  await page.getByTestId('album-play').click();
  await nowPlaying(page, album.tracks[0].title, since, 'album-play starts track 1');
  return playsOn(page, 0, 0.5, 'track 1 plays on');
}

// A click on the play button pauses; waits until the element and the button agree.
async function pauseWithButton(page) {
  await page.getByTestId('player-play').click();
  await eventually(async () => {
    assert.equal((await audioState(page)).paused, true, 'audio.paused');
    assert.equal(await playState(page), 'paused', 'player-play data-state');
  }, { message: 'playback pauses' });
}

// Changing tracks drops the old track's segment fetches the way a seek does; the guard excuses
// exactly those cancellations, and only around such a move.
function changingTrack(guard) {
  guard.noteSeek();
}

test('album-play plays the album from track 1; next and previous move through it', { timeout: 120_000 }, async (t) => {
  const [first, second] = album.tracks;
  await inContext({ name: 'player-next-prev', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    await openAlbum(page);
    await playAlbum(page);

    // Next: track 2 starts and keeps playing; its own segments are what the element is fed.
    let since = await playingCount(page);
    changingTrack(guard);
    await page.getByTestId('player-next').click();
    await nowPlaying(page, second.title, since, 'player-next moves to track 2');
    await playsOn(page, 0, kRestartAfterS + 0.5, `track 2 plays past ${kRestartAfterS} s`);
    assert.ok(guard.requests.some((url) => isMediaSegmentOf(url, second.id)),
      'segments of track 2 were fetched');
    assert.equal(await title(page), second.title);

    // More than 3 s in, previous restarts the track.
    const seeksBefore = (await seekingEvents(page)).length;
    changingTrack(guard);
    await page.getByTestId('player-prev').click();
    await eventually(async () => {
      const seeks = (await seekingEvents(page)).slice(seeksBefore);
      assert.ok(seeks.some((s) => s.currentTime < 0.5), `seeks after the click: ${JSON.stringify(seeks)}`);
    }, { message: 'previous after 3 s seeks back to the start' });
    assert.equal(await title(page), second.title, 'previous after 3 s stays on the track');
    await playsOn(page, 0, 0.5, 'track 2 plays on from its start');

    // Within the first 3 s, previous goes back to the track before. Paused at 1 s so that the
    // position cannot pass 3 s while the test clicks.
    await pauseWithButton(page);
    guard.noteSeek();
    await page.getByTestId('player-seek').fill('1');
    await eventually(async () => {
      const s = await audioState(page);
      assert.ok(Math.abs(s.currentTime - 1) < 0.5, `currentTime ${s.currentTime}`);
    }, { message: 'the playhead moves to 1 s' });
    since = await playingCount(page);
    changingTrack(guard);
    await page.getByTestId('player-prev').click();
    await nowPlaying(page, first.title, since, 'previous within 3 s goes back to track 1 and plays it');
    await playsOn(page, 0, 0.5, 'track 1 plays on');
    guard.assertClean('listener');
  });
});

test('the queue lists the album, takes a queued track, drops one, and is reordered by dragging and by its buttons', { timeout: 120_000 }, async (t) => {
  const [first, second, third] = album.tracks;
  await inContext({ name: 'player-queue', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    await openAlbum(page);
    await playAlbum(page);
    // Paused, so that no track ends and moves the queue on while it is being edited.
    await pauseWithButton(page);

    await page.getByTestId('player-queue-toggle').click();
    await visible(page.getByTestId('queue-panel'), 'the queue panel');
    await eventually(async () => assert.deepEqual(await queueIds(page), [first.id, second.id, third.id]),
      { message: 'the queue lists the album in order' });

    await byTestId(page, 'track-row', { trackId: second.id }).getByTestId('track-queue').click();
    await eventually(async () => assert.deepEqual(await queueIds(page), [first.id, second.id, third.id, second.id]),
      { message: 'track-queue appends the track to the queue' });

    const items = page.getByTestId('queue-panel').getByTestId('queue-item');
    await items.nth(1).getByTestId('queue-remove').click();
    await eventually(async () => assert.deepEqual(await queueIds(page), [first.id, third.id, second.id]),
      { message: 'queue-remove drops that entry' });

    // Drop the last entry on the first: it takes the first place.
    await items.nth(2).dragTo(items.nth(0));
    await eventually(async () => assert.deepEqual(await queueIds(page), [second.id, first.id, third.id]),
      { message: 'the dragged entry moves to where it was dropped' });
    assert.equal(await title(page), first.title, 'the current track stays current wherever it moved');

    // The buttons do the same without a mouse: down twice takes the first entry to the end.
    await items.nth(0).getByTestId('queue-down').click();
    await eventually(async () => assert.deepEqual(await queueIds(page), [first.id, second.id, third.id]),
      { message: 'queue-down moves an entry one place down' });
    await items.nth(2).getByTestId('queue-up').click();
    await eventually(async () => assert.deepEqual(await queueIds(page), [first.id, third.id, second.id]),
      { message: 'queue-up moves an entry one place up' });

    // The order shown is the one played: next after track 1 is track 3.
    const since = await playingCount(page);
    changingTrack(guard);
    await page.getByTestId('player-next').click();
    await nowPlaying(page, third.title, since, 'next follows the reordered queue');
    guard.assertClean('listener');
  });
});

test('space plays and pauses and the arrows seek, except while typing', { timeout: 120_000 }, async (t) => {
  await inContext({ name: 'player-keyboard', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    await openAlbum(page);
    await playAlbum(page);

    const onBody = await page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      return document.activeElement === document.body;
    });
    assert.ok(onBody, 'the focus is on the page body');

    await page.keyboard.press('Space');
    await eventually(async () => {
      assert.equal((await audioState(page)).paused, true, 'audio.paused');
      assert.equal(await playState(page), 'paused', 'player-play data-state');
    }, { message: 'space pauses' });
    const pausedAt = (await audioState(page)).currentTime;
    await page.keyboard.press('Space');
    await eventually(async () => {
      assert.equal((await audioState(page)).paused, false, 'audio.paused');
      assert.equal(await playState(page), 'playing', 'player-play data-state');
    }, { message: 'space again resumes' });
    await playsOn(page, pausedAt, 0.5, 'playback goes on after space');

    // Each arrow moves the playhead by about 5 s from where it was.
    for (const [key, sign] of [['ArrowRight', 1], ['ArrowLeft', -1]]) {
      const seeksBefore = (await seekingEvents(page)).length;
      const from = (await audioState(page)).currentTime;
      guard.noteSeek();
      await page.keyboard.press(key);
      const seek = await eventually(async () => {
        const seeks = (await seekingEvents(page)).slice(seeksBefore);
        assert.ok(seeks.length > 0, `no seek after ${key}`);
        return seeks[0];
      }, { message: `${key} seeks` });
      const jump = seek.currentTime - from;
      assert.ok(jump * sign >= kKeySeekS - 1 && jump * sign <= kKeySeekS + 1,
        `${key} moved the playhead by ${jump} s (from ${from} to ${seek.currentTime})`);
      await eventually(async () => {
        const s = await audioState(page);
        assert.ok(Math.abs(s.currentTime - seek.currentTime) < 2, `currentTime ${s.currentTime} after the seek to ${seek.currentTime}`);
        assert.ok(!s.paused, 'paused');
      }, { message: `playback goes on from where ${key} put it` });
    }

    // A space typed into the search field is text, not a play/pause.
    await page.getByTestId('nav-search').click();
    const search = await visible(page.getByTestId('search-input'), 'the search field');
    await search.focus();
    const pausesBefore = await page.evaluate(() => window.__e2ePauses);
    await page.keyboard.press('Space');
    await eventually(async () => assert.equal(await search.inputValue(), ' '), { message: 'the space lands in search-input' });
    assert.equal((await audioState(page)).paused, false, 'typing a space paused the audio');
    assert.equal(await playState(page), 'playing', 'player-play data-state after typing a space');
    assert.equal(await page.evaluate(() => window.__e2ePauses), pausesBefore, 'no pause event while typing');
    guard.assertClean('listener');
  });
});

test('loudness normalisation applies the track\'s gain, and switching it off sticks across a reload', { timeout: 120_000 }, async (t) => {
  const [first] = album.tracks;
  await inContext({ name: 'player-loudness', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    const { accessToken } = await storedSession(page);
    const { loudness } = await apiAs(accessToken, 'GET', `/api/v1/tracks/${first.id}`);
    assert.ok(loudness && typeof loudness.gainDb === 'number', `the track was measured: ${JSON.stringify(loudness)}`);
    assert.notEqual(loudness.gainDb, 0, 'a gain of 0 dB would not tell normalisation on from off');
    // The bar carries the number as the app holds it: String(gainDb).
    const gain = String(loudness.gainDb);
    const bar = page.getByTestId('player-bar');
    const gainShown = () => bar.getAttribute('data-gain-db');

    await openAlbum(page);
    await playAlbum(page);
    await eventually(async () => assert.equal(await gainShown(), gain), { message: 'normalisation is on by default' });

    await page.getByTestId('nav-settings').click();
    const normalize = await visible(page.getByTestId('settings-normalize'), 'the normalisation switch');
    assert.equal(await normalize.isChecked(), true, 'settings-normalize is on by default');
    await normalize.uncheck();
    await eventually(async () => assert.equal(await gainShown(), '0'), { message: 'switching normalisation off' });

    await pauseWithButton(page);
    await guard.quiet();
    await page.reload();
    await visible(page.getByTestId('settings-normalize'), 'the settings page after a reload');
    assert.equal(await page.getByTestId('settings-normalize').isChecked(), false, 'normalisation stays off after a reload');

    // Played again after the reload: the stream (and its loudness) is loaded, and no gain applied.
    await openAlbum(page);
    await playAlbum(page);
    await visible(page.getByTestId('player-quality'), 'the quality of the loaded stream');
    assert.equal(await gainShown(), '0', 'no gain while normalisation is off');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-normalize').check();
    await eventually(async () => assert.equal(await gainShown(), gain), { message: 'switching normalisation on again' });
    guard.assertClean('listener');
  });
});

test('the volume slider sets the volume of the audio element', { timeout: 120_000 }, async (t) => {
  await inContext({ name: 'player-volume', t }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    await openAlbum(page);
    await playAlbum(page);
    const volumeOf = () => page.getByTestId('player-audio').evaluate((a) => a.volume);
    assert.ok(Math.abs(await volumeOf() - 0.3) > 0.05, `the volume starts elsewhere than 0.3 (${await volumeOf()})`);

    await page.getByTestId('player-volume').fill('0.3');
    await eventually(async () => {
      const volume = await volumeOf();
      assert.ok(Math.abs(volume - 0.3) < 0.005, `audio.volume ${volume}`);
    }, { message: 'player-volume sets audio.volume' });
    assert.equal((await audioState(page)).paused, false, 'changing the volume does not stop playback');
    guard.assertClean('listener');
  });
});

// Whether an element's box lies inside the window.
async function insideViewport(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  return !!box && box.width > 0 && box.height > 0
    && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

// The document must not be wider than the window; and since the app clips at its root and
// scrolls inside, every control must also lie within the window's width rather than be cut off
// (a control inside a container that scrolls sideways on purpose can be scrolled to).
async function assertNoHorizontalOverflow(page, where) {
  const found = await page.evaluate(() => {
    const scrollsSideways = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const { overflowX } = getComputedStyle(p);
        if ((overflowX === 'auto' || overflowX === 'scroll') && p.scrollWidth > p.clientWidth) return true;
      }
      return false;
    };
    const cutOff = [];
    for (const el of document.querySelectorAll('[data-testid]')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || scrollsSideways(el)) continue;
      if (box.left < -0.5 || box.right > window.innerWidth + 0.5) {
        cutOff.push(`${el.getAttribute('data-testid')} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, cutOff };
  });
  assert.ok(found.scrollWidth <= found.innerWidth, `${where} is wider than the window: ${JSON.stringify(found)}`);
  assert.deepEqual(found.cutOff, [], `${where}: controls beyond the window's ${found.innerWidth} px width`);
}

test('on a phone the pages fit the width and the navigation and player stay on screen', { timeout: 120_000 }, async (t) => {
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  await inContext({ name: 'phone', t, contextOptions: phone }, async ({ page, guard }) => {
    await logIn(page, stack.baseUrl, listener);
    await visible(byTestId(page.getByTestId('home-new-releases'), 'album-card', { albumId: album.albumId }), 'the home page');
    await assertNoHorizontalOverflow(page, 'the home page');
    for (const link of ['nav-home', 'nav-search', 'nav-library']) {
      await visible(page.getByTestId(link), link);
      assert.ok(await insideViewport(page, page.getByTestId(link)), `${link} is inside the window`);
    }

    await openAlbum(page);
    await playAlbum(page);
    await visible(page.getByTestId('player-bar'), 'the player bar');
    assert.ok(await insideViewport(page, page.getByTestId('player-play')), 'player-play is inside the window');
    for (const link of ['nav-home', 'nav-search', 'nav-library']) {
      assert.ok(await insideViewport(page, page.getByTestId(link)), `${link} is inside the window while playing`);
    }
    await assertNoHorizontalOverflow(page, 'the album page with the player');
    await screenshot(page, 'phone');

    // The play button works at this size too.
    await pauseWithButton(page);
    guard.assertClean('phone');
  });
});

test('an expired session is renewed in its dialog without leaving the page', { timeout: 120_000 }, async (t) => {
  const shortLived = await startStack({ args: ['--token-ttl', kShortTokenTtl] });
  try {
    const { email, password } = await shortLived.server.registerUser('listener');
    await inContext({ name: 'session-expired', t, server: shortLived, initScripts: [] }, async ({ page, guard }) => {
      await logIn(page, shortLived.baseUrl, { email, password });
      await page.getByTestId('nav-search').click();
      await page.waitForURL((url) => url.pathname === '/search');
      const url = page.url();
      const samePage = await markPage(page);
      const { accessToken: firstToken } = await storedSession(page);

      const dialog = await visible(page.getByTestId('session-expired'), 'the session-expired dialog', 60_000);
      assert.equal(await dialog.getByTestId('auth-email').inputValue(), email, 'the dialog knows who was signed in');
      await dialog.getByTestId('auth-password').fill(password);
      await dialog.getByTestId('session-expired-login').click();
      await dialog.waitFor({ state: 'hidden' });

      assert.equal(page.url(), url, 'the page stays where it was');
      await samePage();
      const { accessToken } = await storedSession(page);
      assert.notEqual(accessToken, firstToken, 'logging in again stores a new token');

      // The new session works: the library loads, and a playlist made there reaches the server.
      await page.getByTestId('nav-library').click();
      await page.waitForURL((u) => u.pathname === '/library');
      const playlistName = `After the break ${Date.now()}`;
      await (await visible(page.getByTestId('playlist-create-name'), 'the library after logging in again')).fill(playlistName);
      await page.getByTestId('playlist-create').click();
      await visible(page.getByTestId('playlist-link').filter({ hasText: playlistName }), 'the playlist made after logging in again');
      const mine = await shortLived.server.api('GET', '/api/v1/playlists?mine=true', { token: accessToken });
      assert.equal(mine.status, 200, mine.text);
      assert.ok(mine.json.items.some((playlist) => playlist.name === playlistName), `playlists: ${mine.text}`);
      await samePage();
      guard.assertClean('listener');
    });
  } finally {
    await shortLived.close();
  }
});
