// How a person uses the web app, in the terms of its data-testid contract. Elements are found
// by data-testid only; one of several is picked by the data-* attribute the contract gives it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { eventually } from './poll.mjs';

export const kPassword = 'correct-horse-battery-staple';

export function newAccount(role) {
  const tag = `${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`;
  return { email: `${role}-${tag}@example.com`, password: kPassword, displayName: `E2E ${role} ${tag.slice(-6)}`, role };
}

// The element with `testId` whose data-* attributes have these values ({trackId: 'x'} is
// data-track-id="x").
export function byTestId(scope, testId, attributes = {}) {
  let locator = scope.getByTestId(testId);
  for (const [name, value] of Object.entries(attributes)) {
    const attr = `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    locator = locator.and(scope.locator(`[${attr}="${value}"]`));
  }
  return locator;
}

// The values of one data-* attribute over every element a locator matches, in document order.
export function attributeList(locator, name) {
  return locator.evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name);
}

// Several attributes at once, read in one pass so that they belong to the same rendering:
// [{name: value, ...}] in document order.
export function attributeRecords(locator, names) {
  return locator.evaluateAll((els, ns) => els.map((e) => Object.fromEntries(ns.map((n) => [n, e.getAttribute(n)]))), names);
}

export async function visible(locator, what, timeoutMs = 15_000) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (err) {
    throw new Error(`${what} did not become visible: ${err.message.split('\n')[0]}`);
  }
  return locator;
}

// Signs up through /signup and waits for the signed-in shell.
export async function signUp(page, baseUrl, account) {
  await page.goto(`${baseUrl}/signup`);
  await page.getByTestId('auth-email').fill(account.email);
  await page.getByTestId('auth-password').fill(account.password);
  await page.getByTestId('auth-display-name').fill(account.displayName);
  await page.getByTestId('auth-role').selectOption(account.role);
  await page.getByTestId('auth-submit').click();
  await visible(page.getByTestId('nav-home'), 'the signed-in shell after sign-up');
}

// Logs in through /login and waits for the signed-in shell.
export async function logIn(page, baseUrl, account) {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('auth-email').fill(account.email);
  await page.getByTestId('auth-password').fill(account.password);
  await page.getByTestId('auth-submit').click();
  await visible(page.getByTestId('nav-home'), 'the signed-in shell after log-in');
}

// The session the app keeps in localStorage ({accessToken, expiresAt, user}); the key is the
// app's business, so every entry is looked at.
export async function storedSession(page) {
  const session = await page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      try {
        const value = JSON.parse(localStorage.getItem(localStorage.key(i)));
        if (value && typeof value.accessToken === 'string') return value;
      } catch { /* not JSON */ }
    }
    return null;
  });
  assert.ok(session, 'the app keeps {accessToken, expiresAt, user} in localStorage');
  return session;
}

// A marker on the window: still there later means the page was never reloaded in between.
export async function markPage(page) {
  const mark = randomBytes(6).toString('hex');
  await page.evaluate((m) => { window.__e2eMark = m; }, mark);
  return async () => assert.equal(await page.evaluate(() => window.__e2eMark), mark,
    'the page was reloaded (its window state is gone)');
}

// Recorded in every page before the app runs: media events seen on any <audio> in the
// document (they do not bubble, so the capture phase catches them) and trusted clicks.
export function installMediaProbe() {
  window.__e2e = { playing: [], seeking: [], clicks: [], toasts: [], furthest: 0, skips: [] };
  // Playback that jumps more than a couple of seconds past the furthest point it reached (by a
  // seek, or a source reloaded at the wrong place) skipped part of the track.
  document.addEventListener('timeupdate', (e) => {
    const { currentTime } = e.target;
    const e2e = window.__e2e;
    if (currentTime > e2e.furthest + 2) e2e.skips.push({ from: e2e.furthest, to: currentTime });
    if (currentTime > e2e.furthest) e2e.furthest = currentTime;
  }, true);
  // Every toast shown, even one gone by the time a test looks (they dismiss themselves).
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        const toasts = node.matches('[data-testid="toast"]') ? [node] : node.querySelectorAll('[data-testid="toast"]');
        for (const toast of toasts) window.__e2e.toasts.push({ at: performance.now(), text: toast.textContent });
      }
    }
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('playing', (e) => {
    window.__e2e.playing.push({ at: performance.now(), currentTime: e.target.currentTime });
  }, true);
  document.addEventListener('seeking', (e) => {
    window.__e2e.seeking.push({ at: performance.now(), currentTime: e.target.currentTime });
  }, true);
  document.addEventListener('click', (e) => {
    const hit = e.target instanceof Element ? e.target.closest('[data-testid]') : null;
    window.__e2e.clicks.push({ at: performance.now(), testId: hit?.getAttribute('data-testid') ?? null });
  }, true);
}

export function mediaEvents(page) {
  return page.evaluate(() => window.__e2e);
}

// The player's media element, as numbers.
export function audioState(page) {
  return page.getByTestId('player-audio').evaluate((a) => {
    let played = 0;
    for (let i = 0; i < a.played.length; i++) played += a.played.end(i) - a.played.start(i);
    return {
      currentTime: a.currentTime, duration: a.duration, paused: a.paused, ended: a.ended,
      readyState: a.readyState, played, src: a.currentSrc || a.src, error: a.error?.message ?? null,
    };
  });
}

// Waits until the media element is playing at or beyond `fromTime + seconds`.
export async function playsOn(page, fromTime, seconds, what) {
  return eventually(async () => {
    const s = await audioState(page);
    assert.equal(s.error, null, 'media error');
    assert.ok(!s.paused, `paused at ${s.currentTime}`);
    assert.ok(s.currentTime >= fromTime + seconds, `currentTime ${s.currentTime} < ${fromTime} + ${seconds}`);
    return s;
  }, { timeoutMs: seconds * 1000 + 20_000, intervalMs: 200, message: what });
}

// The icon the document links: on the page's origin, and served as an image (a missing icon
// is a request that fails in every browser tab).
export async function assertFavicon(page, origin) {
  const href = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href ?? null);
  assert.ok(href, 'the document links an icon (<link rel="icon">)');
  assert.equal(new URL(href).origin, origin, `icon ${href} is served by the app's origin`);
  const res = await page.evaluate(async (url) => {
    const r = await fetch(url);
    await r.arrayBuffer();
    return { status: r.status, type: r.headers.get('content-type') ?? '' };
  }, href);
  assert.equal(res.status, 200, `icon ${href}`);
  assert.match(res.type, /^image\//, `icon ${href} content type`);
  return href;
}
