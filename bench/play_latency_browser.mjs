// Click-to-sound in a real browser: the time from a click on a track's play button to the
// <audio> element's `playing` event, in headless Chromium, against a running server.
//
// app:      the web app's album page, click on track-play (the app asks for the stream URLs,
//           sets up hls.js and its audio graph, and plays); then, on the same page, a click on
//           another track of the album (what a listener meets after the first play).
// baseline: a bare page on the same origin that, on click, asks for the same stream URLs and
//           plays the same HLS master with the same hls.js build as the app (web/node_modules),
//           default settings, nothing else.
// Every run is a fresh browser context (cold HTTP cache, no player state to resume), alternating
// which of the two goes first; the tracks are taken in turn. Both clocks are the page's own
// (performance.now() in the click and playing listeners), so the driver's overhead is not counted.
//
// Usage: node bench/play_latency_browser.mjs APP_URL API_URL TRACK_ID...   (RUNS=9)
// APP_URL is the origin the browser uses (the server, or a dev server in front of it); API_URL
// is the server itself, for the set-up calls.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(path.join(root, 'tests/e2e/node_modules/playwright-core/index.mjs'));

const [appUrl, apiUrl, ...trackIds] = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 9);
if (trackIds.length === 0) {
  console.error('usage: node bench/play_latency_browser.mjs APP_URL API_URL TRACK_ID...');
  process.exit(2);
}
// The app plays through hls.js's light build (no subtitles, alternate audio or DRM); the
// baseline uses the very same file.
const kHlsBuild = 'hls.light.min.js';
const hlsJs = fs.readFileSync(path.join(root, 'web/node_modules/hls.js/dist', kHlsBuild));
const hlsVersion = JSON.parse(fs.readFileSync(path.join(root, 'web/node_modules/hls.js/package.json'))).version;
const kArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const kPlayTimeoutMs = 30_000;

async function api(method, target, { token, json } = {}) {
  const res = await fetch(`${apiUrl}${target}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${method} ${target}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

// Runs in every page before its own scripts: the times of the first trusted click and of every
// `playing` event of any media element in the document.
function probe() {
  window.__bench = { click: null, playing: [] };
  window.__bench.clicks = [];
  document.addEventListener('click', (e) => {
    if (!e.isTrusted) return;
    window.__bench.clicks.push(performance.now());
    if (window.__bench.click === null) window.__bench.click = performance.now();
  }, true);
  document.addEventListener('playing', () => window.__bench.playing.push(performance.now()), true);
  // The media element's progress towards playing (media events reach capture listeners).
  window.__bench.mediaEvents = [];
  for (const type of ['loadstart', 'loadedmetadata', 'loadeddata', 'canplay', 'play', 'waiting', 'stalled']) {
    document.addEventListener(type, () => window.__bench.mediaEvents.push([type, performance.now()]), true);
  }
  // Main-thread tasks over 50 ms (rendering, parsing): what delays the next request.
  window.__bench.longTasks = [];
  new PerformanceObserver((list) => window.__bench.longTasks.push(...list.getEntries()))
    .observe({ type: 'longtask', buffered: true });
}

// From the `nth` click (0: the first) to the first `playing` event after it.
async function timeToPlaying(page, what, nth = 0) {
  await page.waitForFunction((n) => {
    const clicked = window.__bench.clicks[n];
    return clicked !== undefined && window.__bench.playing.some((at) => at > clicked);
  }, nth, { timeout: kPlayTimeoutMs })
    .catch((err) => { throw new Error(`${what}: no playing event: ${err.message.split('\n')[0]}`); });
  return page.evaluate((n) => {
    const clicked = window.__bench.clicks[n];
    return window.__bench.playing.find((at) => at > clicked) - clicked;
  }, nth);
}

function baselinePage(token, trackId) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>hls.js baseline</title>
<script src="/__bench/hls.min.js"></script></head><body>
<button id="play">play</button><audio id="audio"></audio>
<script>
document.getElementById('play').addEventListener('click', async () => {
  const res = await fetch('/api/v1/tracks/${trackId}/stream', { headers: { authorization: 'Bearer ${token}' } });
  const stream = await res.json();
  const audio = document.getElementById('audio');
  const hls = new Hls();
  hls.loadSource(stream.hls);
  hls.attachMedia(audio);
  audio.play();
});
</script></body></html>`;
}

// The first play of a fresh page (cold: the click is the page's first gesture), then, a second
// later on the same page, a click on another track of the album (in session).
async function runApp(browser, storageState, track, other) {
  const context = await browser.newContext({ storageState });
  try {
    await context.addInitScript(probe);
    const page = await context.newPage();
    await page.goto(`${appUrl}/albums/${track.albumId}`);
    const row = page.getByTestId('track-row').and(page.locator(`[data-track-id="${track.id}"]`));
    await row.waitFor({ state: 'visible', timeout: kPlayTimeoutMs });
    await row.getByTestId('track-play').click();
    const cold = await timeToPlaying(page, `app, track ${track.id}`);
    if (process.env.BENCH_TRACE) await printTrace(page);
    await page.waitForTimeout(1000);
    const otherRow = page.getByTestId('track-row').and(page.locator(`[data-track-id="${other.id}"]`));
    await otherRow.getByTestId('track-play').click();
    const inSession = await timeToPlaying(page, `app, then track ${other.id}`, 1);
    return { cold, inSession };
  } finally {
    await context.close();
  }
}

// A listener's first play after arriving on the home page: a click on the album's card (the
// page's first gesture), then on track-play.
async function runAppFromHome(browser, storageState, track) {
  const context = await browser.newContext({ storageState });
  try {
    await context.addInitScript(probe);
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    const card = page.getByTestId('album-card').and(page.locator(`[data-album-id="${track.albumId}"]`));
    await card.first().click({ timeout: kPlayTimeoutMs });
    const row = page.getByTestId('track-row').and(page.locator(`[data-track-id="${track.id}"]`));
    await row.waitFor({ state: 'visible', timeout: kPlayTimeoutMs });
    await row.getByTestId('track-play').click();
    return await timeToPlaying(page, `app from home, track ${track.id}`, 1);
  } finally {
    await context.close();
  }
}

// BENCH_TRACE=1: where the time went, as the browser's resource timing saw it (ms after the
// click: request start -> response end) with the playing event last.
async function printTrace(page) {
  const lines = await page.evaluate(() => {
    const click = window.__bench.click;
    const rows = performance.getEntriesByType('resource')
      .filter((e) => e.startTime >= click)
      .map((e) => `  ${(e.startTime - click).toFixed(1).padStart(7)} -> ${(e.responseEnd - click).toFixed(1).padStart(7)}  ${new URL(e.name).pathname.replace(/\/media\/[^/]+\//, '/media/<token>/')}`);
    for (const task of window.__bench.longTasks.filter((t) => t.startTime + t.duration >= click)) {
      rows.push(`  ${(task.startTime - click).toFixed(1).padStart(7)} -> ${(task.startTime + task.duration - click).toFixed(1).padStart(7)}  (main thread busy)`);
    }
    for (const [type, at] of window.__bench.mediaEvents.filter(([, at]) => at >= click)) {
      rows.push(`  ${(at - click).toFixed(1).padStart(7)}             ${type}`);
    }
    for (const mark of performance.getEntriesByType('mark').filter((m) => m.startTime >= click)) {
      rows.push(`  ${(mark.startTime - click).toFixed(1).padStart(7)}             mark ${mark.name}`);
    }
    rows.sort((a, b) => parseFloat(a) - parseFloat(b));
    rows.push(`  ${(window.__bench.playing[0] - click).toFixed(1).padStart(7)}             playing`);
    return rows;
  });
  console.log(lines.join('\n'));
}

async function runBaseline(browser, token, track) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(probe);
    const page = await context.newPage();
    // Only the page and its script are answered by the driver; once they are loaded the route
    // is removed, so the stream, playlist and segment requests go to the server untouched.
    await page.route(`${appUrl}/__bench/**`, (route) => {
      const isScript = route.request().url().endsWith('.js');
      return route.fulfill({
        status: 200,
        contentType: isScript ? 'text/javascript' : 'text/html',
        body: isScript ? hlsJs : baselinePage(token, track.id),
      });
    });
    await page.goto(`${appUrl}/__bench/baseline.html`);
    await page.unrouteAll();
    await page.locator('#play').click();
    return await timeToPlaying(page, `baseline, track ${track.id}`);
  } finally {
    await context.close();
  }
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

const tracks = trackIds.map((id) => ({ id }));
const password = 'bench-listener-password';
const email = `bench-listener-${process.pid}-${Date.now()}@example.org`;
const { accessToken } = await api('POST', '/api/v1/auth/register',
  { json: { email, password, displayName: 'Bench Listener', role: 'listener' } });
for (const track of tracks) {
  const body = await api('GET', `/api/v1/tracks/${track.id}`, { token: accessToken });
  if (body.status !== 'ready') throw new Error(`track ${track.id} is ${body.status}, not ready`);
  track.albumId = body.albumId;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: kArgs, headless: true });
try {
  // Log in through the app once; every app run starts from that session.
  const login = await browser.newContext();
  const page = await login.newPage();
  await page.goto(`${appUrl}/login`);
  await page.getByTestId('auth-email').fill(email);
  await page.getByTestId('auth-password').fill(password);
  await page.getByTestId('auth-submit').click();
  await page.getByTestId('nav-home').waitFor({ state: 'visible', timeout: kPlayTimeoutMs });
  const storageState = await login.storageState();
  await login.close();

  const app = [];
  const inSession = [];
  const fromHome = [];
  const baseline = [];
  for (let i = 0; i < runs; i++) {
    const track = tracks[i % tracks.length];
    const order = i % 2 === 0 ? ['app', 'baseline'] : ['baseline', 'app'];
    for (const which of order) {
      if (which === 'app') {
        const times = await runApp(browser, storageState, track, tracks[(i + 1) % tracks.length]);
        app.push(times.cold);
        inSession.push(times.inSession);
        fromHome.push(await runAppFromHome(browser, storageState, track));
      }
      else baseline.push(await runBaseline(browser, accessToken, track));
    }
    console.log(`run ${i + 1}/${runs}: app ${fmt(app.at(-1))} (then ${fmt(inSession.at(-1))}; from home ${fmt(fromHome.at(-1))}), baseline ${fmt(baseline.at(-1))}`);
  }
  const a = summary(app);
  const b = summary(baseline);
  const w = summary(inSession);
  const h = summary(fromHome);
  console.log(`click on play -> audio playing, ${runs} runs over ${tracks.length} tracks, fresh context each run (Chromium ${browser.version()})`);
  console.log(`app (web app, track-play):     median ${fmt(a.median)}, min ${fmt(a.min)}, max ${fmt(a.max)}`);
  console.log(`baseline (bare ${kHlsBuild} ${hlsVersion}):  median ${fmt(b.median)}, min ${fmt(b.min)}, max ${fmt(b.max)}`);
  console.log(`ratio app/baseline (medians): ${(a.median / b.median).toFixed(2)}`);
  console.log(`app, a second track on the same page: median ${fmt(w.median)}, min ${fmt(w.min)}, max ${fmt(w.max)}`);
  console.log(`app, first play after opening the album from home: median ${fmt(h.median)}, min ${fmt(h.min)}, max ${fmt(h.max)}`);
} finally {
  await browser.close();
}
