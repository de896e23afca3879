// The app's shell: who sees what before and after signing in, and what the document itself
// loads (its icon, its security policy).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { assertFavicon, byTestId, newAccount, signUp, visible } from './lib/app.mjs';
import { inBrowser, launchBrowser } from './lib/browser.mjs';
import { startStack, test } from './lib/stack.mjs';

// The app may carry where the visitor was going in the query (?next=...).
const onPath = (pathname) => (url) => url.pathname === pathname;

let stack;
let browser;

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

test('a visitor who is not signed in is sent to /login from every route', { timeout: 120_000 }, async (t) => {
  await inBrowser(browser, stack.origin, { name: 'visitor', t }, async ({ page, guard }) => {
    const unknownAlbum = '01900000-0000-7000-8000-000000000000';
    for (const route of ['/', '/search', '/library', '/studio', `/albums/${unknownAlbum}`, '/settings']) {
      const res = await page.goto(`${stack.baseUrl}${route}`);
      assert.equal(res.status(), 200, `GET ${route}`);
      await page.waitForURL(onPath('/login'));
      await visible(page.getByTestId('auth-email'), `the login form (from ${route})`);
      assert.equal(await page.getByTestId('nav-home').count(), 0, 'no app navigation before signing in');
      await guard.quiet();
    }
    if (stack.mode === 'serve') {
      const res = await page.goto(`${stack.baseUrl}/login`);
      const csp = res.headers()['content-security-policy'] ?? '';
      for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'"]) {
        assert.ok(csp.includes(directive), `index.html CSP has ${directive}: "${csp}"`);
      }
    }

    await page.getByTestId('link-signup').click();
    await page.waitForURL(onPath('/signup'));
    await visible(page.getByTestId('auth-display-name'), 'the sign-up form');
    const roles = await page.getByTestId('auth-role').evaluate((select) => [...select.options].map((o) => o.value));
    assert.deepEqual([...roles].sort(), ['artist', 'listener']);
    await page.getByTestId('link-login').click();
    await page.waitForURL(onPath('/login'));

    await assertFavicon(page, stack.origin);
    guard.assertClean('visitor');
  });
});

test('a listener has no studio; the session survives a reload; logging out ends it', { timeout: 120_000 }, async (t) => {
  await inBrowser(browser, stack.origin, { name: 'listener-shell', t }, async ({ page, guard }) => {
    await signUp(page, stack.baseUrl, newAccount('listener'));
    for (const link of ['nav-home', 'nav-search', 'nav-library', 'nav-settings', 'logout']) {
      await visible(page.getByTestId(link), link);
    }
    assert.equal(await page.getByTestId('nav-studio').count(), 0, 'a listener gets no studio link');
    await visible(byTestId(page, 'home-new-releases'), 'the home page');

    await guard.quiet();
    await page.reload();
    await visible(page.getByTestId('nav-home'), 'still signed in after a reload');

    await page.getByTestId('logout').click();
    await page.waitForURL(onPath('/login'));
    await guard.quiet();
    await page.goto(`${stack.baseUrl}/library`);
    await page.waitForURL(onPath('/login'));
    guard.assertClean('listener');
  });
});
