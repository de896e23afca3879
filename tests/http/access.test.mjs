// Every route declares who may call it, and `cadenza routes` prints the declaration. This walks
// all of them against a running server: without a token, every route not declared public
// answers 401 (and does so before reading a body), while public ones never do; a route that
// needs a role refuses a listener with 403, and one that takes any account lets a listener in.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { expectProblem, randomUuidV7, rawTcp } from './lib/client.mjs';
import { parseRoutes, runCli, startServer, test } from './lib/server.mjs';

// The routes meant to be public, each with its own reason; any other public route is a bug.
const kPublic = new Set([
  'GET /healthz', 'GET /readyz', 'GET /api/v1', 'GET /api/v1/openapi.json',  // discovery
  'POST /api/v1/auth/register', 'POST /api/v1/auth/login',  // how a token is obtained
  'GET /',  // the web app
  'PUT /blobs/{key...}', 'GET /blobs/{key...}',  // signed URLs carry their own grant
  'GET /media/{token}/{trackId}/{rest...}',  // the media token in the path is the credential
  'GET /covers/{albumId}/{version}/{file}',  // album art is public
]);
const kBodyMethods = new Set(['POST', 'PUT', 'PATCH']);

let server;
let routes;  // [{method, pattern, access}]

before(async () => {
  server = await startServer();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-http-access-'));
  try {
    const out = await runCli(['routes', '--data-dir', tmp]);
    assert.equal(out.code, 0, `cadenza routes failed: ${out.stderr}`);
    routes = parseRoutes(out.stdout);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

after(async () => {
  await server?.close();
});

// The pattern with every parameter a fresh, well-formed id ("{key...}" too: one segment).
function concrete(pattern) {
  return pattern.replace(/\{[^}]+\}/g, () => randomUuidV7());
}

function call(route, { token, headers } = {}) {
  const body = kBodyMethods.has(route.method) ? { json: {} } : {};
  return server.api(route.method, concrete(route.pattern), { token, headers, ...body });
}

function name(route) {
  return `${route.method} ${route.pattern}`;
}

async function expectUnauthorized(res, where, detail) {
  const body = expectProblem(res, 401);
  assert.equal(body.detail, detail, where);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer', `${where}: the challenge`);
}

test('exactly the intended routes are declared public', () => {
  assert.ok(routes.length >= 40, `cadenza routes lists every route (got ${routes.length})`);
  const declared = routes.filter((r) => r.access === 'public').map(name).sort();
  assert.deepEqual(declared, [...kPublic].sort());
});

test('without a token, every route not declared public answers 401 and public ones do not',
  async (t) => {
    let protectedCount = 0;
    for (const route of routes) {
      const res = await call(route);
      if (route.access === 'public') {
        assert.notEqual(res.status, 401, `${name(route)} is public: ${res.text}`);
      } else {
        protectedCount += 1;
        await expectUnauthorized(res, name(route), 'missing bearer token');
      }
    }
    t.diagnostic(`${routes.length} routes checked: ${protectedCount} answered 401, `
      + `${routes.length - protectedCount} public ones did not`);
    assert.ok(protectedCount >= 30, `most routes need an account (got ${protectedCount})`);
  });

test('a token that is not valid is refused everywhere but on public routes, which ignore it',
  async () => {
    for (const route of routes) {
      const res = await call(route, { headers: { authorization: 'Bearer not.a.token' } });
      if (route.access === 'public') {
        assert.notEqual(res.status, 401, `${name(route)} is public: ${res.text}`);
      } else {
        assert.equal(res.status, 401, `${name(route)}: ${res.text}`);
      }
    }
  });

test('the 401 comes before the body: a protected route never waits for one', async () => {
  const withBody = routes.filter((r) => r.access !== 'public' && kBodyMethods.has(r.method));
  assert.ok(withBody.length >= 10, `routes with bodies (got ${withBody.length})`);
  for (const route of withBody) {
    // The head announces a megabyte that never comes: only an answer sent before reading it
    // arrives within the timeout.
    const head = `${route.method} ${concrete(route.pattern)} HTTP/1.1\r\nHost: test\r\n`
      + 'Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n';
    const res = await rawTcp(server.url, head, { halfClose: false, stopAtStatus: true, timeoutMs: 5000 });
    assert.equal(res.timedOut, false, `${name(route)} waited for the body`);
    assert.equal(res.status, 401, `${name(route)}: ${res.data.toString('latin1').slice(0, 200)}`);
  }
});

test('routes that need a role refuse a listener with 403; the others let a listener in',
  async () => {
    const listener = await server.registerUser('listener');
    // Deleting the account would end the listener's token: that route goes last.
    const ordered = routes.filter((r) => r.access !== 'public')
      .sort((a, b) => Number(name(a) === 'DELETE /api/v1/users/me') - Number(name(b) === 'DELETE /api/v1/users/me'));
    let roleRoutes = 0;
    for (const route of ordered) {
      const res = await call(route, { token: listener.token });
      if (route.access.startsWith('role:')) {
        roleRoutes += 1;
        expectProblem(res, 403, { detailIncludes: 'not allowed to' });
      } else {
        assert.equal(route.access, 'authenticated');
        assert.ok(![401, 403].includes(res.status), `${name(route)} as a listener: ${res.status} ${res.text}`);
      }
    }
    assert.ok(roleRoutes >= 10, `routes that need a role (got ${roleRoutes})`);
  });
