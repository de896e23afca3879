// dash.js (the DASH reference player) plays a track's MPD in Chromium. The web app itself plays
// HLS; the MPD is for other clients, and this is the player most of them build on. A page of the
// app's origin gets dash.js and points it at the `dash` URL of the stream. On S3
// (CADENZA_TEST_ENGINES=s3) the MPD's SegmentList names the bucket's pre-signed URLs, so every
// init and media segment is fetched from the bucket, cross-origin, through its CORS rule.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { inBrowser, isMediaSegmentOf, launchBrowser } from './lib/browser.mjs';
import { publishAlbum } from './lib/catalog.mjs';
import { cutSong } from './lib/fixtures.mjs';
import { eventually } from './lib/poll.mjs';
import { startStack, test } from './lib/stack.mjs';

const kDashJs = fileURLToPath(new URL('node_modules/dashjs/dist/modern/umd/dash.all.min.js', import.meta.url));

let workDir;
let songFile;
let browser;

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-e2e-dash-'));
  songFile = await cutSong(workDir, 'Inevitable', { seconds: 20 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

test('dash.js plays the MPD of a track, its segments from the bucket on S3', { timeout: 180_000 }, async (t) => {
  const stack = await startStack();
  try {
    const artist = await stack.server.registerUser('artist');
    const album = await publishAlbum(stack.server, artist, [songFile], ['Inevitable'],
      { artistName: `Dashing ${process.pid}`, albumTitle: `Manifest ${process.pid}` });
    const track = album.tracks[0];
    const listener = await stack.server.registerUser('listener');
    const stream = await stack.server.api('GET', `/api/v1/tracks/${track.id}/stream`, { token: listener.token });
    assert.equal(stream.status, 200, stream.text);
    const mpdUrl = new URL(stream.json.dash, stack.baseUrl).href;

    // A document of the app's origin served from loopback as the app is (Chromium keeps pages
    // from elsewhere away from loopback addresses); dash.js added to it past the app's CSP.
    await inBrowser(browser, stack.origin, { name: 'dash', t, contextOptions: { bypassCSP: true } }, async ({ page, guard }) => {
      await page.goto(`${stack.origin}/healthz`);
      await page.addScriptTag({ content: await fs.readFile(kDashJs, 'utf8') });
      await page.evaluate((url) => {
        window.dashErrors = [];
        const player = window.dashjs.MediaPlayer().create();
        player.on(window.dashjs.MediaPlayer.events.ERROR, (e) => window.dashErrors.push(JSON.stringify(e.error ?? e)));
        const audio = document.createElement('audio');
        audio.id = 'a';
        audio.muted = true;
        document.body.append(audio);
        player.initialize(audio, url, true);
      }, mpdUrl);

      const state = await eventually(async () => {
        const s = await page.evaluate(() => {
          const a = document.getElementById('a');
          return { currentTime: a.currentTime, paused: a.paused, error: a.error?.message ?? null, dashErrors: window.dashErrors };
        });
        assert.deepEqual(s.dashErrors, [], 'dash.js reported errors');
        assert.equal(s.error, null, 'media error');
        assert.ok(!s.paused && s.currentTime >= 3, `at ${s.currentTime} s, paused: ${s.paused}`);
        return s;
      }, { timeoutMs: 60_000, intervalMs: 250, message: 'dash.js plays the track past 3 s' });
      t.diagnostic(`dash.js at ${state.currentTime.toFixed(1)} s`);

      const segments = guard.requests.filter((u) => isMediaSegmentOf(u, track.id));
      assert.ok(segments.length > 0, `media segments were fetched: ${JSON.stringify(guard.requests)}`);
      const expectedOrigin = stack.store ? stack.store.origin : stack.origin;
      const elsewhere = segments.filter((u) => new URL(u).origin !== expectedOrigin);
      assert.deepEqual(elsewhere, [], `every segment from ${stack.store ? 'the bucket' : 'the server'}`);
      guard.assertClean('dash.js page');
    });
  } finally {
    await stack.close();
  }
});
