// Headless Chromium (Debian's) driven by playwright-core, and the guard every browser context
// of the suite runs under: a page that logs a console error, throws, loses a request, gets an
// HTTP error, or reaches for anything outside the server's origin fails its test.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { failureShot } from './artifacts.mjs';
import { eventually } from './poll.mjs';

export const kChromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const kChromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A browser with a temporary profile of its own (launch() creates and removes it).
export function launchBrowser() {
  return chromium.launch({ executablePath: kChromiumPath, args: kChromiumArgs, headless: true });
}

// How long a page must have fetched nothing to count as done loading (Playwright's own
// "networkidle" uses the same figure).
const kQuietMs = 500;

// A media segment or init segment, served by the app (`/media/<token>/<track>/<rendition>/<file>`)
// or, on S3, by the bucket (`/<bucket>/[<prefix>/]renditions/<track>/<attempt>/<rendition>/<file>`).
const kSegmentPaths = [
  /^\/media\/[^/]+\/(?<track>[^/]+)\/(?<rendition>[^/]+)\/[^/]+\.(m4s|mp4)$/,
  /\/renditions\/(?<track>[^/]+)\/[^/]+\/(?<rendition>[^/]+)\/[^/]+\.(m4s|mp4)$/,
];

// {track, rendition} of a segment URL, or null for anything else.
export function segmentOf(url) {
  const { pathname } = new URL(url);
  for (const pattern of kSegmentPaths) {
    const m = pattern.exec(pathname);
    if (m) return { ...m.groups, media: pathname.endsWith('.m4s') };
  }
  return null;
}

// Whether `url` is a media segment (not an init segment) of `trackId`.
export function isMediaSegmentOf(url, trackId) {
  const segment = segmentOf(url);
  return !!segment && segment.media && segment.track === trackId;
}

export function renditionOf(url) {
  return segmentOf(url)?.rendition ?? null;
}

// Origins besides the app's that pages may reach: the object store of a server started on the
// test engines (CADENZA_TEST_ENGINES=s3), whose pre-signed URLs the app hands to the browser.
const storeOrigins = new Set();
export function allowStoreOrigin(origin) {
  storeOrigins.add(origin);
}

export class ContextGuard {
  constructor(origin) {
    this.origin = origin;
    this.problems = [];
    this.excused = [];
    this.requests = [];          // every request URL the pages made, in order
    this.pending = new Map();    // request -> start time, until it finishes or fails
    this.seeks = [];             // times at which the test moved the playhead
    this.active = true;
    this.lastActivity = Date.now();
  }

  isLocal(url) {
    if (url.startsWith('data:') || url.startsWith('blob:')) return true;
    try {
      const { origin } = new URL(url);
      return origin === this.origin || storeOrigins.has(origin);
    } catch {
      return false;
    }
  }

  report(what) {
    if (this.active) this.problems.push(what);
  }

  async attach(context) {
    // Interception is what keeps a foreign request from leaving the machine at all; the
    // events below only observe.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (this.isLocal(url)) return route.continue();
      this.report(`request to another origin: ${route.request().method()} ${url}`);
      return route.abort('blockedbyclient');
    });
    context.on('request', (req) => {
      this.requests.push(req.url());
      this.pending.set(req, Date.now());
      this.lastActivity = Date.now();
    });
    context.on('requestfinished', (req) => {
      this.pending.delete(req);
      this.lastActivity = Date.now();
    });
    context.on('requestfailed', (req) => this.onFailed(req));
    context.on('response', (res) => {
      if (res.status() >= 400) {
        this.report(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
      }
    });
    context.on('page', (page) => this.watch(page));
    for (const page of context.pages()) this.watch(page);
    return this;
  }

  watch(page) {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const at = msg.location();
      this.report(`console error on ${page.url()}: ${msg.text()}`
        + (at?.url ? ` (${at.url}:${at.lineNumber})` : ''));
    });
    page.on('pageerror', (err) => this.report(`uncaught exception on ${page.url()}: ${err.stack ?? err}`));
  }

  // The failures that are not faults: moving the playhead makes hls.js cancel the segment
  // it was fetching for the old position (only a segment fetch already in flight when the test
  // seeked, cancelled (ERR_ABORTED) after it, is excused), typing on cancels the search
  // for the older text, and leaving a page hands its listening events to keepalive requests. Every such case is listed.
  onFailed(req) {
    const started = this.pending.get(req) ?? Date.now();
    this.pending.delete(req);
    this.lastActivity = Date.now();
    const failure = req.failure()?.errorText ?? 'unknown error';
    const now = Date.now();
    const url = new URL(req.url(), this.origin);
    const cancelledBySeek = failure === 'net::ERR_ABORTED' && segmentOf(url.href) !== null
      && this.seeks.some((t) => started <= t && t <= now);
    if (cancelledBySeek) {
      this.excused.push(`${req.method()} ${req.url()} ${failure} (in flight at a seek)`);
      return;
    }
    // The app aborts a search the user has typed past (AbortController): a stale answer is
    // never wanted, so cancelling it is the app working, not a fault.
    if (failure === 'net::ERR_ABORTED' && url.pathname === '/api/v1/search') {
      this.excused.push(`${req.method()} ${req.url()} ${failure} (a search typed past)`);
      return;
    }
    // Leaving or reloading the page hands the queued listening events to keepalive requests,
    // which the browser completes after the page is gone; the page's side of them is reported
    // as aborted.
    if (failure === 'net::ERR_ABORTED' && req.method() === 'POST' && url.pathname === '/api/v1/events') {
      this.excused.push(`${req.method()} ${req.url()} ${failure} (listening events sent as the page went away)`);
      return;
    }
    this.report(`request failed: ${req.method()} ${req.url()} ${failure}`);
  }

  noteSeek() {
    this.seeks.push(Date.now());
  }

  // Waits until the context has had no request in flight for a while, as a person would before
  // leaving a page: a navigation or reload would otherwise cancel what the page (or the
  // browser, for the page's icon, just after the load event) is still fetching, and a cancelled
  // request counts as a failure.
  async quiet(timeoutMs = 30_000) {
    await eventually(() => {
      assert.deepEqual([...this.pending.keys()].map((r) => r.url()), [], 'requests in flight');
      assert.ok(Date.now() - this.lastActivity >= kQuietMs, 'recent network activity');
    }, { timeoutMs, message: 'network quiet' });
  }

  assertClean(what) {
    assert.deepEqual(this.problems, [], `${what}: the pages had problems:\n${this.problems.join('\n')}`);
  }

  // Stops judging: closing a context cancels whatever it still had in flight.
  stop() {
    this.active = false;
  }
}

const kActionTimeoutMs = 15_000;

// A new context whose pages are guarded; `storageState` may carry a session.
export async function guardedContext(browser, origin, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(kActionTimeoutMs);
  const guard = await new ContextGuard(origin).attach(context);
  return { context, guard };
}

// Runs `fn({page, context, guard})` in a fresh guarded context (`initScripts` run in every page
// before the app). On failure the page is photographed and what the guard saw so far is added
// to the error, since a console error is often the cause of a missing element; `name` names
// the screenshot. The guard's verdict itself is for `fn` to assert when it is done.
// `contextOptions` go to browser.newContext (e.g. a phone's viewport).
export async function inBrowser(browser, origin, { name, t, initScripts = [], contextOptions = {} }, fn) {
  const { context, guard } = await guardedContext(browser, origin, contextOptions);
  for (const script of initScripts) await context.addInitScript(script);
  const page = await context.newPage();
  try {
    return await fn({ page, context, guard });
  } catch (err) {
    await failureShot(page, name);
    if (guard.problems.length > 0) {
      err.message += `\nThe pages also had these problems:\n${guard.problems.join('\n')}`;
    }
    throw err;
  } finally {
    for (const line of guard.excused) t?.diagnostic(`excused: ${line}`);
    guard.stop();
    await context.close();
  }
}
