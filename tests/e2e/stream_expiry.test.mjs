// Tracks kept loaded past the life of their stream URLs. On S3 (CADENZA_TEST_ENGINES=s3) the
// manifests list pre-signed bucket URLs that expire with the stream (here after 20 s: a short
// stream_url_ttl, and s3_read_grant_period 0 so that grants are not rounded up to the hour);
// the bucket then refuses them with 403, and the player must ask for the stream again and go on
// from where the listener was, once per failure, never in a loop. On the folder store a track
// played through goes on too (the player renews the media token in the URLs it asks for).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { testEngines } from '../http/lib/engines.mjs';
import { audioState, byTestId, installMediaProbe, logIn, mediaEvents, playsOn, visible } from './lib/app.mjs';
import { inBrowser, launchBrowser } from './lib/browser.mjs';
import { publishAlbum } from './lib/catalog.mjs';
import { cutSong } from './lib/fixtures.mjs';
import { eventually } from './lib/poll.mjs';
import { startStack, test } from './lib/stack.mjs';
import { deleteRenditions } from './lib/store.mjs';

// Longer than what hls.js buffers ahead (up to maxMaxBufferLength, 60 s: web/src/player/engine.ts),
// so that a seek far enough lands where nothing was fetched before the URLs expired; and five
// times as long as the URLs live, so that a track played through outlives several of them.
const kSongSeconds = 110;
const kSeekTo = 95;
const kStreamTtl = '20s';

let workDir;
let songFile;
let browser;

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-e2e-expiry-'));
  songFile = await cutSong(workDir, 'Inevitable', { seconds: kSongSeconds });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

// A server (extra `args`) with one published track and a listener. Returns {stack, track, listener}.
async function stackWithTrack(args) {
  const stack = await startStack({ args });
  try {
    const artist = await stack.server.registerUser('artist');
    const album = await publishAlbum(stack.server, artist, [songFile], ['Inevitable'],
      { artistName: `Ticking ${process.pid}`, albumTitle: `Hourglass ${process.pid}` });
    const { email, password } = await stack.server.registerUser('listener');
    return { stack, album, track: album.tracks[0], listener: { email, password } };
  } catch (err) {
    await stack.close();
    throw err;
  }
}

// Every answer to GET /api/v1/tracks/<id>/stream the page receives: [{at, expiresAt}].
function recordStreams(page, trackId) {
  const seen = [];
  page.on('response', async (res) => {
    if (new URL(res.url()).pathname !== `/api/v1/tracks/${trackId}/stream` || res.status() !== 200) return;
    const at = Date.now();
    const { expiresAt } = await res.json();
    seen.push({ at, expiresAt: Date.parse(expiresAt) });
  });
  return seen;
}

async function playFromAlbumPage(page, guard, stack, album) {
  await guard.quiet();  // the home page has loaded: going elsewhere cancels nothing
  await page.goto(`${stack.baseUrl}/albums/${album.albumId}`);
  const row = byTestId(page, 'track-row', { trackId: album.tracks[0].id });
  await (await visible(row, 'the track on its album page')).getByTestId('track-play').click();
  await playsOn(page, 0, 0.5, 'the track plays');
}

async function pause(page) {
  await page.getByTestId('player-play').click();
  await eventually(async () => assert.equal((await audioState(page)).paused, true), { message: 'playback pauses' });
}

// Plays on after a pause, then moves the playhead to kSeekTo, past everything buffered.
async function resumeAndSeekPastBuffer(page, guard) {
  const bufferedEnd = await page.getByTestId('player-audio').evaluate((a) => (a.buffered.length ? a.buffered.end(a.buffered.length - 1) : 0));
  assert.ok(bufferedEnd < kSeekTo - 2, `buffered up to ${bufferedEnd} s: the seek target must lie beyond it`);
  await page.getByTestId('player-play').click();
  guard.noteSeek();
  await page.getByTestId('player-seek').fill(String(kSeekTo));
}

const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The problems the guard saw, less the refusals of the store with `status` (and the console's
// note of each) and the track's fetches (segments, playlists) hls.js cancelled when the failing
// source was torn down; a refusal must have happened.
function assertOnlyExpectedProblems(guard, store, trackId, status, what) {
  const at = escaped(store.endpoint);
  const expected = new RegExp(`^(HTTP ${status} for GET ${at}/|console error .*status of ${status} .*\\(${at}/`
    + `|request failed: GET [^ ]*/${trackId}/[^ ]* net::ERR_ABORTED$)`);
  const unexpected = guard.problems.filter((problem) => !expected.test(problem));
  assert.deepEqual(unexpected, [], `${what}: unexpected problems:\n${unexpected.join('\n')}`);
  assert.ok(guard.problems.some((problem) => problem.startsWith('HTTP ') && expected.test(problem)),
    `${what}: the store refused an old URL (else this test tests nothing): ${JSON.stringify(guard.problems)}`);
}

test('a track played through several expiries of its URLs plays to its end without a gap or a message', { timeout: 300_000 }, async (t) => {
  const { stack, album, track, listener } = await stackWithTrack(['--stream-url-ttl', kStreamTtl, '--s3-read-grant-period', '0']);
  try {
    await inBrowser(browser, stack.origin, { name: 'stream-expired-playing', t, initScripts: [installMediaProbe] }, async ({ page, guard }) => {
      const streams = recordStreams(page, track.id);
      await logIn(page, stack.baseUrl, listener);
      await playFromAlbumPage(page, guard, stack, album);
      // The URLs live 20 s and hls.js keeps 30 s ahead: the track outlives its URLs 5 times over.
      await eventually(async () => {
        const s = await audioState(page);
        assert.equal(s.error, null, 'media error');
        assert.ok(s.ended || s.currentTime >= kSongSeconds - 3, `at ${s.currentTime} s`);
      }, { timeoutMs: (kSongSeconds + 60) * 1000, intervalMs: 500, message: 'the track plays to its end' });
      const { toasts, skips } = await mediaEvents(page);
      assert.deepEqual(toasts.map((toast) => toast.text), [], 'no message was shown at any time');
      // Each new stream resumes where the old one stopped: nothing of the track is skipped.
      assert.deepEqual(skips, [], 'playback skipped part of the track');
      assert.equal((await page.getByTestId('player-title').textContent()).trim(), track.title);
      assert.ok(streams.length >= 2, `the stream was asked for again (${streams.length} time(s))`);
      if (stack.store) {
        assertOnlyExpectedProblems(guard, stack.store, track.id, 403, 'listener');
        t.diagnostic(`${guard.problems.filter((p) => p.startsWith('HTTP')).length} refusal(s), ${streams.length} stream request(s)`);
      } else {
        guard.assertClean('listener');
      }
    });
  } finally {
    await stack.close();
  }
});

test('when the store keeps refusing, the player asks for the stream once more and then stops with a message', { timeout: 240_000 }, async (t) => {
  if (!testEngines().s3) {
    t.skip('needs the object store: CADENZA_TEST_ENGINES=s3');
    return;
  }
  const { stack, album, track, listener } = await stackWithTrack([]);
  try {
    await inBrowser(browser, stack.origin, { name: 'stream-refused', t, initScripts: [installMediaProbe] }, async ({ page, guard }) => {
      const streams = recordStreams(page, track.id);
      await logIn(page, stack.baseUrl, listener);
      await playFromAlbumPage(page, guard, stack, album);
      await pause(page);
      await guard.quiet();
      const streamsBefore = streams.length;
      assert.ok(await deleteRenditions(stack.store, track.id) > 0, 'the renditions were in the bucket');

      await resumeAndSeekPastBuffer(page, guard);
      const toast = await visible(page.getByTestId('toast'), 'the message that playback stopped', 60_000);
      assert.match(await toast.textContent(), /could not be/i);
      await guard.quiet();
      assert.equal(streams.length - streamsBefore, 1, 'exactly one new stream was asked for: no loop');
      await eventually(async () => {
        assert.equal((await audioState(page)).paused, true, 'audio.paused');
        assert.equal(await page.getByTestId('player-play').getAttribute('data-state'), 'paused');
      }, { message: 'the player shows that it stopped' });
      const { playing } = await mediaEvents(page);
      assert.ok(playing.every((event) => event.currentTime < kSeekTo - 2), 'nothing played past the refused segments');
      assertOnlyExpectedProblems(guard, stack.store, track.id, 404, 'listener');
    });
  } finally {
    await stack.close();
  }
});
