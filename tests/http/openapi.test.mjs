// The OpenAPI document served by the binary describes exactly the routes its router has.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parseRoutes, runCli, startServer, test } from './lib/server.mjs';

const kMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const kRepoDocument = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'api', 'openapi.json');

let server;
let doc;
let routesOutput;  // {code, stdout, stderr} of `cadenza routes`

before(async () => {
  server = await startServer();
  const res = await server.api('GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /json/);
  doc = JSON.parse(res.text);

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-http-routes-'));
  try {
    routesOutput = await runCli(['routes', '--data-dir', tmp]);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

// [{method, pattern, access}] printed by `cadenza routes`, HEAD lines left out.
function routerRoutes() {
  assert.equal(routesOutput.code, 0, `cadenza routes failed: ${routesOutput.stderr}`);
  return parseRoutes(routesOutput.stdout).filter((r) => r.method !== 'HEAD');
}

after(async () => {
  await server?.close();
});

// "/blobs/{key...}" is written "/blobs/{key}" in OpenAPI, which has no catch-all syntax.
function normalise(pattern) {
  return pattern.replace(/\{([^}]+?)\.\.\.\}/g, '{$1}');
}

function documented() {
  const out = new Set();
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const m of Object.keys(item)) {
      if (kMethods.includes(m) && m !== 'head') out.add(`${m.toUpperCase()} ${normalise(p)}`);
    }
  }
  return out;
}

test('the document is OpenAPI 3.1 and is the one in the repository', async () => {
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(typeof doc.info?.version, 'string');
  assert.equal(typeof doc.paths, 'object');
  const repo = JSON.parse(await fs.readFile(kRepoDocument, 'utf8'));
  assert.deepEqual(doc, repo, 'the binary serves api/openapi.json as written');
});

test('cadenza routes lists the expected route groups', () => {
  const routes = routerRoutes();
  const listed = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
  for (const must of ['GET /healthz', 'GET /readyz', 'GET /api/v1/openapi.json', 'POST /api/v1/auth/register',
    'POST /api/v1/auth/login', 'GET /api/v1/users/me', 'GET /api/v1/artists', 'POST /api/v1/albums',
    'GET /api/v1/tracks/upload-url', 'POST /api/v1/tracks', 'GET /api/v1/playlists']) {
    assert.ok(listed.has(must), `cadenza routes lists ${must}`);
  }
  assert.ok(routes.some((r) => r.method === 'PUT' && r.pattern.startsWith('/blobs/')), 'the blob PUT route');
  assert.ok(routes.some((r) => r.method === 'GET' && r.pattern.startsWith('/blobs/')), 'the blob GET route');
});

test('every routed API path and method is documented', () => {
  const routes = routerRoutes();
  const docs = documented();
  const missing = routes
    .filter((r) => r.pattern.startsWith('/api/v1') || r.pattern.startsWith('/blobs')
      || r.pattern === '/healthz' || r.pattern === '/readyz')
    .map((r) => `${r.method} ${normalise(r.pattern)}`)
    .filter((k) => !docs.has(k));
  assert.deepEqual(missing, [], 'routes missing from openapi.json');
});

test('every documented path and method exists in the router', () => {
  const routes = routerRoutes();
  const routed = new Set(routes.map((r) => `${r.method} ${normalise(r.pattern)}`));
  const extra = [...documented()].filter((k) => !routed.has(k));
  assert.deepEqual(extra, [], 'documented operations the server does not route');
});

// What the router enforces is what the document tells clients: `security: []` on public
// operations, the global bearer requirement on those that take any account, and the least role
// as the requirement's role list (OpenAPI 3.1 allows roles for non-OAuth schemes) otherwise.
test('each operation\'s security is the access its route declares', () => {
  const routes = routerRoutes();
  const byOperation = new Map(Object.entries(doc.paths ?? {}).flatMap(([p, item]) => Object.entries(item)
    .filter(([m]) => kMethods.includes(m) && m !== 'head')
    .map(([m, op]) => [`${m.toUpperCase()} ${normalise(p)}`, op])));
  const expected = (access) => {
    if (access === 'public') return [];
    if (access === 'authenticated') return doc.security;
    return [{ bearerAuth: [access.slice('role:'.length)] }];
  };
  assert.deepEqual(doc.security, [{ bearerAuth: [] }], 'the default is any account');
  const wrong = [];
  for (const r of routes) {
    const key = `${r.method} ${normalise(r.pattern)}`;
    const op = byOperation.get(key);
    if (!op) continue;  // undocumented routes are reported by the tests above
    const security = op.security ?? doc.security;
    if (JSON.stringify(security) !== JSON.stringify(expected(r.access))) {
      wrong.push(`${key}: router says ${r.access}, document says ${JSON.stringify(security)}`);
    }
    if (r.access !== 'public' && !op.responses?.['401']) wrong.push(`${key}: 401 not documented`);
    if (r.access.startsWith('role:') && !op.responses?.['403']) wrong.push(`${key}: 403 not documented`);
  }
  assert.deepEqual(wrong, []);
  assert.ok(routes.some((r) => r.access.startsWith('role:')), 'some routes need a role');
});

test('every operation has responses, declares its path parameters, and every $ref resolves', () => {
  const problems = [];
  const resolve = (ref) => ref.slice(2).split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), doc);
  const deref = (x) => (x && x.$ref ? resolve(x.$ref) : x);
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const m of Object.keys(item).filter((k) => kMethods.includes(k))) {
      const op = item[m];
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${m} ${p}: no responses`);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref).filter(Boolean);
      for (const name of templated) {
        if (!params.some((x) => x.in === 'path' && x.name === name)) problems.push(`${m} ${p}: path parameter ${name} not declared`);
      }
    }
  }
  const walk = (node, where) => {
    if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${where}/${i}`));
    else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string') {
        if (!node.$ref.startsWith('#/')) problems.push(`${where}: external $ref ${node.$ref}`);
        else if (resolve(node.$ref) === undefined) problems.push(`${where}: dangling $ref ${node.$ref}`);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`);
    }
  };
  walk(doc, '#');
  assert.deepEqual(problems, []);
});
