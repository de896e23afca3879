// The web app at /: the build embedded in the binary (whatever web/ produced: asset names are
// read from its index.html) and a folder given with --web-dir / CADENZA_WEB_DIR.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before } from 'node:test';

import { expectProblem, rawRequest } from './lib/client.mjs';
import { freePort, runCli, startServer, test } from './lib/server.mjs';

// The app's Content-Security-Policy. On S3 the app loads covers and media from the bucket,
// so the policy names the S3 server's origin too (the servers here share one).
function contentSecurityPolicy(storeOrigin) {
  const store = storeOrigin ? ` ${storeOrigin}` : '';
  return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    + `img-src 'self'${store} data: blob:; media-src 'self'${store} blob:; worker-src 'self' blob:; `
    + `connect-src 'self'${store}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;
}
const kImmutable = 'public, max-age=31536000, immutable';
const kClientRoutes = ['/albums/0190f3a2-7b1c-7d4e-8f00-0123456789ab', '/studio/albums/x', '/login',
  '/library/', '/playlists/p1', '/search'];

let server;
let csp;          // the policy every server here sends
let index;        // GET / without Accept-Encoding
let assets = [];  // "/assets/..." paths index.html refers to
let noApp = false;
const scratch = [];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function get(target, headers = {}, method = 'GET', srv = server) {
  // node:http, unlike fetch, neither asks for nor decodes compressed bodies by itself.
  return rawRequest(srv.url, { method, path: target, headers });
}

// The hashed files a built index.html loads: scripts, stylesheets, preloads, icons.
function assetsOf(html) {
  const found = new Set();
  for (const [, ref] of html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)) {
    const m = /^(?:\.?\/)?(assets\/[^?#]+)/.exec(ref);
    if (m) found.add(`/${m[1]}`);
  }
  return [...found];
}

async function tempFolder(prefix) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

before(async () => {
  server = await startServer();
  csp = contentSecurityPolicy(server.env.CADENZA_S3_ENDPOINT);
  index = await get('/');
  if (index.status === 404 && /without the web app/.test(index.text)) {
    noApp = true;
    return;
  }
  assert.equal(index.status, 200, index.text);
  assets = assetsOf(index.text);
});

after(async () => {
  await server?.close();
  await Promise.all(scratch.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

// The embedded app's tests skip, saying why, in a binary built with CADENZA_WEB=OFF.
function embeddedTest(name, fn) {
  test(name, async (t) => {
    if (noApp) {
      t.skip('this binary was built without the web app (CADENZA_WEB=OFF)');
      return;
    }
    await fn(t);
  });
}

function assertIndexHeaders(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text}`);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', what);
  assert.equal(res.headers.get('content-security-policy'), csp, what);
  assert.equal(res.headers.get('referrer-policy'), 'same-origin', what);
  assert.equal(res.headers.get('cache-control'), 'no-cache', what);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('vary'), 'Accept-Encoding', what);
}

// The largest script index.html loads: surely worth compressing.
async function mainScript() {
  let best = null;
  for (const p of assets.filter((a) => a.endsWith('.js'))) {
    const res = await get(p);
    if (!best || res.bytes.length > best.res.bytes.length) best = { path: p, res };
  }
  assert.ok(best, `index.html loads a script from /assets/: ${index.text}`);
  return best;
}

embeddedTest('GET / is the web app: HTML with the CSP, revalidated on every use', async () => {
  assertIndexHeaders(index, 'GET /');
  assert.match(index.text, /<!doctype html>/i);
  assert.match(index.headers.get('etag'), /^"[0-9a-f]{64}"$/, 'a strong ETag');
  assert.equal(index.headers.get('etag'), `"${sha256(index.bytes)}"`, 'the ETag is the SHA-256 of the file');
  assert.equal(index.headers.get('content-encoding'), null);
  // The CSP allows no inline script: every <script> loads a file.
  const inline = [...index.text.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => !/\bsrc\s*=/.test(tag));
  assert.deepEqual(inline, [], 'no inline <script> in index.html');
  assert.ok(assets.some((a) => a.endsWith('.js')), `index.html loads a script from /assets/: ${index.text}`);
});

embeddedTest('client-side routes answer index.html, GET and HEAD', async () => {
  for (const route of kClientRoutes) {
    const res = await get(route);
    assertIndexHeaders(res, route);
    assert.deepEqual(res.bytes, index.bytes, `${route} is index.html`);
    const head = await get(route, {}, 'HEAD');
    assert.equal(head.status, 200, `HEAD ${route}`);
    assert.equal(head.bytes.length, 0, `HEAD ${route} has no body`);
    assert.equal(head.headers.get('content-length'), String(index.bytes.length), `HEAD ${route}`);
    assert.equal(head.headers.get('content-security-policy'), csp, `HEAD ${route}`);
  }
});

embeddedTest('hashed assets are immutable, typed, and precompressed with brotli and gzip', async () => {
  assert.ok(assets.length > 0);
  for (const asset of assets) {
    const plain = await get(asset);
    assert.equal(plain.status, 200, `${asset}: ${plain.text}`);
    assert.equal(plain.headers.get('cache-control'), kImmutable, asset);
    assert.equal(plain.headers.get('x-content-type-options'), 'nosniff', asset);
    assert.equal(plain.headers.get('vary'), 'Accept-Encoding', asset);
    assert.equal(plain.headers.get('content-encoding'), null, asset);
    assert.equal(plain.headers.get('etag'), `"${sha256(plain.bytes)}"`, asset);
    if (asset.endsWith('.js')) assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8', asset);
    if (asset.endsWith('.css')) assert.equal(plain.headers.get('content-type'), 'text/css; charset=utf-8', asset);

    const br = await get(asset, { 'accept-encoding': 'gzip, deflate, br' });
    if (br.headers.get('content-encoding') === 'br') {
      assert.deepEqual(zlib.brotliDecompressSync(br.bytes), plain.bytes, `${asset}: brotli body`);
      assert.ok(br.bytes.length < plain.bytes.length, `${asset}: brotli is smaller`);
      assert.equal(br.headers.get('etag'), `"${sha256(plain.bytes)}-br"`, asset);
    }
    const gz = await get(asset, { 'accept-encoding': 'gzip' });
    if (gz.headers.get('content-encoding') === 'gzip') {
      assert.deepEqual(zlib.gunzipSync(gz.bytes), plain.bytes, `${asset}: gzip body`);
      assert.equal(gz.headers.get('etag'), `"${sha256(plain.bytes)}-gz"`, asset);
    }
  }
  const { path: main } = await mainScript();
  const br = await get(main, { 'accept-encoding': 'br' });
  assert.equal(br.headers.get('content-encoding'), 'br', `${main} has a brotli variant`);
  const gz = await get(main, { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers.get('content-encoding'), 'gzip', `${main} has a gzip variant`);
  const head = await get(main, { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.bytes.length, 0);
  assert.equal(head.headers.get('content-encoding'), 'br');
  assert.equal(head.headers.get('content-length'), String(br.bytes.length));
  assert.equal(head.headers.get('etag'), br.headers.get('etag'));
});

embeddedTest('Accept-Encoding q-values decide the variant', async () => {
  const { path: main, res: plain } = await mainScript();
  const coding = async (accept) => (await get(main, { 'accept-encoding': accept })).headers.get('content-encoding');
  assert.equal(await coding('br;q=0, gzip'), 'gzip');
  assert.equal(await coding('gzip;q=0.5, br;q=0.9'), 'br');
  assert.equal(await coding('br;q=0.5, gzip;q=0.9'), 'gzip');
  assert.equal(await coding('br;q=0.5, identity'), null);
  assert.equal(await coding('identity'), null);
  assert.equal(await coding('*'), 'br');
  assert.equal(await coding('br;q=0, gzip;q=0'), null);
  const refused = await get(main, { 'accept-encoding': 'br;q=0, gzip;q=0' });
  assert.deepEqual(refused.bytes, plain.bytes);
});

embeddedTest('If-None-Match answers 304 for the variant it names, and only that one', async () => {
  const { path: main } = await mainScript();
  const br = await get(main, { 'accept-encoding': 'br' });
  const tag = br.headers.get('etag');
  const again = await get(main, { 'accept-encoding': 'br', 'if-none-match': tag });
  assert.equal(again.status, 304);
  assert.equal(again.bytes.length, 0);
  assert.equal(again.headers.get('etag'), tag);
  assert.equal(again.headers.get('cache-control'), kImmutable);
  assert.equal(again.headers.get('vary'), 'Accept-Encoding');
  const otherVariant = await get(main, { 'accept-encoding': 'gzip', 'if-none-match': tag });
  assert.equal(otherVariant.status, 200, 'a brotli ETag does not validate the gzip bytes');
  assert.equal(otherVariant.headers.get('content-encoding'), 'gzip');

  const page = await get(kClientRoutes[0], { 'if-none-match': index.headers.get('etag') });
  assert.equal(page.status, 304, 'index.html revalidates on a client-side route too');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const changed = await get('/', { 'if-none-match': '"0000"' });
  assert.equal(changed.status, 200);
});

embeddedTest('favicon.svg is served and revalidated', async () => {
  const icon = await get('/favicon.svg');
  assert.equal(icon.status, 200, icon.text);
  assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
  assert.equal(icon.headers.get('cache-control'), 'no-cache');
  assert.equal(icon.headers.get('content-security-policy'), null);
});

test('unknown files, unknown API paths and other methods stay problem+json', async () => {
  for (const target of ['/nope.js', '/assets/nope-0000.js', '/albums/x/cover.jpg', '/api/v1/nope',
    '/api', '/healthz/x']) {
    const res = await get(target);
    expectProblem(res, 404);
    assert.equal(res.headers.get('content-security-policy'), null, target);
  }
  expectProblem(await get('/api/v1/nope', {}, 'POST'), 404);
  if (!noApp) {
    const post = await get('/albums/x', {}, 'POST');
    expectProblem(post, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const del = await get('/', {}, 'DELETE');
    expectProblem(del, 405);
    assert.equal(del.headers.get('allow'), 'GET, HEAD');
  }
});

test('GET /api/v1 is the JSON service index', async () => {
  const res = await server.api('GET', '/api/v1');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(res.json, { name: 'Cadenza', api: '/api/v1', openapi: '/api/v1/openapi.json' });
  const head = await get('/api/v1', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.bytes.length, 0);
});

// A folder shaped like a web build, with precompressed siblings made here.
async function webFolder(title) {
  const dir = await tempFolder('cadenza-web-dir-');
  const html = `<!doctype html><html><head><title>${title}</title>`
    + '<script type="module" src="/assets/app-0a1b2c.js"></script></head><body></body></html>';
  const js = Buffer.from(`export const title = ${JSON.stringify(title)};\n${'console.log("padding");\n'.repeat(200)}`);
  await fs.mkdir(path.join(dir, 'assets'));
  await fs.writeFile(path.join(dir, 'index.html'), html);
  await fs.writeFile(path.join(dir, 'assets', 'app-0a1b2c.js'), js);
  await fs.writeFile(path.join(dir, 'assets', 'app-0a1b2c.js.br'), zlib.brotliCompressSync(js));
  await fs.writeFile(path.join(dir, 'assets', 'app-0a1b2c.js.gz'), zlib.gzipSync(js));
  await fs.writeFile(path.join(dir, '.env'), 'SECRET=do-not-serve');
  return { dir, html, js };
}

test('--web-dir serves a folder instead, with its .gz/.br siblings', async () => {
  const app = await webFolder('from a folder');
  const srv = await startServer({ args: ['--web-dir', app.dir] });
  try {
    const root = await get('/', {}, 'GET', srv);
    assertIndexHeaders(root, 'GET / from --web-dir');
    assert.equal(root.text, app.html);
    assert.equal((await get('/studio', {}, 'GET', srv)).text, app.html);

    const br = await get('/assets/app-0a1b2c.js', { 'accept-encoding': 'br' }, 'GET', srv);
    assert.equal(br.status, 200);
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.equal(br.headers.get('cache-control'), kImmutable);
    assert.deepEqual(zlib.brotliDecompressSync(br.bytes), app.js);
    assert.equal(br.headers.get('etag'), `"${sha256(app.js)}-br"`);
    const gz = await get('/assets/app-0a1b2c.js', { 'accept-encoding': 'gzip' }, 'GET', srv);
    assert.deepEqual(zlib.gunzipSync(gz.bytes), app.js);
    expectProblem(await get('/assets/app-0a1b2c.js.br', {}, 'GET', srv), 404);
    expectProblem(await get('/.env', {}, 'GET', srv), 404);
  } finally {
    await srv.close();
  }
});

test('CADENZA_WEB_DIR names the folder too', async () => {
  const app = await webFolder('from the environment');
  const srv = await startServer({ env: { CADENZA_WEB_DIR: app.dir } });
  try {
    const root = await get('/', {}, 'GET', srv);
    assert.equal(root.status, 200);
    assert.equal(root.text, app.html);
  } finally {
    await srv.close();
  }
});

test('a --web-dir without index.html is refused at start-up', async () => {
  const empty = await tempFolder('cadenza-web-empty-');
  const data = await tempFolder('cadenza-web-data-');
  const out = await runCli(['serve', '--data-dir', data, '--listen', `127.0.0.1:${await freePort()}`,
    '--web-dir', empty]);
  assert.equal(out.code, 1, `serve must refuse the folder: ${out.stdout}\n${out.stderr}`);
  assert.match(out.stderr, /web_dir .* has no index\.html/);
  const missing = await runCli(['serve', '--data-dir', data, '--listen', `127.0.0.1:${await freePort()}`,
    '--web-dir', path.join(empty, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /web_dir: .*nope is not a folder/);
});
