// hls.js in Debian's headless Chromium (driven by playwright-core from tests/e2e's packages),
// playing a stream from the cluster's edge in a page the edge served.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kTestsRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const kHlsScript = path.join(kTestsRoot, '..', 'web', 'node_modules', 'hls.js', 'dist', 'hls.min.js');
const kChromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const kChromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required'];
const kPlaybackTimeoutMs = 90_000;

// playwright-core is installed once, for the browser tests (npm ci --prefix tests/e2e).
function playwright() {
  return createRequire(path.join(kTestsRoot, 'e2e', 'package.json'))('playwright-core');
}

// Opens `origin`/ (the web app the edge serves), adds hls.js to that page and plays
// `masterUrl` in an <audio> element until its currentTime passes `seconds`. The edge's
// certificate is self-signed, hence ignoreHTTPSErrors; the app's Content-Security-Policy
// admits only its own scripts, hence bypassCSP for the added one.
// Resolves {pageStatus, currentTime, src, errors, requests}: `requests` are the URLs the page
// fetched, `errors` the fatal hls.js errors, page exceptions and failed requests.
export async function hlsPlayback(origin, masterUrl, { seconds = 3 } = {}) {
  const browser = await playwright().chromium.launch({ executablePath: kChromiumPath, args: kChromiumArgs, headless: true });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true });
    const requests = [];
    const errors = [];
    context.on('request', (req) => requests.push(req.url()));
    context.on('requestfailed', (req) => {
      // Leaving the app's page cancels what it was still fetching; only media counts here.
      if (!new URL(req.url()).pathname.startsWith('/api/')) errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    const response = await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.addScriptTag({ path: kHlsScript });
    await page.evaluate((url) => {
      const audio = document.createElement('audio');
      audio.id = 'cluster-e2e-audio';
      audio.muted = true;
      document.body.append(audio);
      window.hlsErrors = [];
      const hls = new window.Hls();
      hls.on(window.Hls.Events.ERROR, (_, data) => {
        if (data.fatal) window.hlsErrors.push(`${data.type}: ${data.details}`);
      });
      hls.loadSource(url);
      hls.attachMedia(audio);
      hls.on(window.Hls.Events.MANIFEST_PARSED, () => { audio.play().catch((e) => window.hlsErrors.push(`play(): ${e}`)); });
    }, masterUrl);
    await page.waitForFunction((target) => {
      const audio = document.getElementById('cluster-e2e-audio');
      return window.hlsErrors.length > 0 || audio.currentTime > target;
    }, seconds, { timeout: kPlaybackTimeoutMs, polling: 200 });
    const state = await page.evaluate(() => {
      const audio = document.getElementById('cluster-e2e-audio');
      return { currentTime: audio.currentTime, src: audio.src, hlsErrors: window.hlsErrors };
    });
    return {
      pageStatus: response?.status(),
      currentTime: state.currentTime,
      src: state.src,
      errors: [...state.hlsErrors, ...errors],
      requests,
    };
  } finally {
    await browser.close();
  }
}
