// Small HTTP client helpers for the Cadenza API (fetch for ordinary calls, node:http and raw
// TCP for requests fetch refuses to send: unnormalised paths, lying headers, slow bodies).
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const kRequestTimeoutMs = 20_000;

let userCounter = 0;

export function uniqueEmail(prefix = 'user') {
  userCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${userCounter}-${randomBytes(3).toString('hex')}@example.com`;
}

function parseBody(bytes, contentType) {
  const text = bytes.toString('utf8');
  let json;
  if (/json/i.test(contentType ?? '') && text.length > 0) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  return { text, json };
}

export class Client {
  constructor(url) {
    this.url = url;
  }

  // api(method, pathOrUrl, {token, json, body, headers}) -> {status, headers, json, text, bytes}
  async api(method, target, { token, json, body, headers = {}, timeoutMs = kRequestTimeoutMs } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
        h['content-type'] = 'application/json';
      }
    }
    const url = /^https?:/.test(target) ? target : `${this.url}${target}`;
    const res = await fetch(url, {
      method, headers: h, body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const parsed = parseBody(bytes, res.headers.get('content-type'));
    return { status: res.status, headers: res.headers, json: parsed.json, text: parsed.text, bytes };
  }

  // Registers a new account. Returns {user, token, email, password, body}.
  async registerUser(role = 'listener', { displayName, password = 'correct-horse-battery' } = {}) {
    const email = uniqueEmail(role);
    const res = await this.api('POST', '/api/v1/auth/register', {
      json: { email, password, displayName: displayName ?? `Test ${role} ${userCounter}`, role },
    });
    assert.equal(res.status, 201, `register ${role}: ${res.status} ${res.text}`);
    return { user: res.json.user, token: res.json.accessToken, email, password, body: res.json };
  }

  async login(email, password) {
    return this.api('POST', '/api/v1/auth/login', { json: { email, password } });
  }

  async createArtist(token, fields = {}) {
    const res = await this.api('POST', '/api/v1/artists', {
      token, json: { name: `Artist ${randomBytes(3).toString('hex')}`, ...fields },
    });
    assert.equal(res.status, 201, `create artist: ${res.status} ${res.text}`);
    return res.json;
  }

  async createAlbum(token, artistId, fields = {}) {
    const res = await this.api('POST', '/api/v1/albums', {
      token, json: { artistId, title: `Album ${randomBytes(3).toString('hex')}`, ...fields },
    });
    assert.equal(res.status, 201, `create album: ${res.status} ${res.text}`);
    return res.json;
  }

  // GET upload-url then PUT the bytes. Returns {upload, put} (the two JSON bodies).
  async uploadBytes(token, bytes, { urlPath = '/api/v1/tracks/upload-url' } = {}) {
    const urlRes = await this.api('GET', urlPath, { token });
    assert.equal(urlRes.status, 200, `GET ${urlPath}: ${urlRes.status} ${urlRes.text}`);
    const upload = urlRes.json;
    const put = await this.api('PUT', upload.uploadUrl, {
      body: bytes, headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(put.status, 200, `PUT upload: ${put.status} ${put.text}`);
    return { upload, put: put.json };
  }

  // The 3-step seed flow: upload-url, PUT bytes, POST /tracks. Returns {track, trackUrl, upload}.
  async uploadTrack(token, albumId, bytes, fields = {}) {
    const { upload } = await this.uploadBytes(token, bytes);
    const res = await this.api('POST', '/api/v1/tracks', {
      token,
      json: { albumId, title: `Track ${randomBytes(3).toString('hex')}`, trackUrl: upload.trackUrl, ...fields },
    });
    assert.equal(res.status, 201, `POST /api/v1/tracks: ${res.status} ${res.text}`);
    return { track: res.json, trackUrl: upload.trackUrl, upload, location: res.headers.get('location') };
  }

  // GET /tracks/{id}/original (owner or admin): the signed URL of the uploaded bytes.
  // Returns {url, sizeBytes, expiresAt}.
  async originalUrl(token, trackId) {
    const res = await this.api('GET', `/api/v1/tracks/${trackId}/original`, { token });
    assert.equal(res.status, 200, `original ${trackId}: ${res.status} ${res.text}`);
    return res.json;
  }

  // GET /tracks/{id}/original then GET its signed URL. Returns the blob response.
  async fetchOriginal(token, trackId, headers = {}) {
    const { url } = await this.originalUrl(token, trackId);
    return this.api('GET', url, { headers });
  }

  // GET /tracks/{id}/stream of a ready track. Returns {trackUrl, hls, dash, progressive, ...}.
  async streamUrls(token, trackId) {
    const res = await this.api('GET', `/api/v1/tracks/${trackId}/stream`, { token });
    assert.equal(res.status, 200, `stream ${trackId}: ${res.status} ${res.text}`);
    return res.json;
  }
}

// The members of a track that change while it is processed in the background.
const kProcessingMembers = ['status', 'progress', 'error', 'durationMs', 'loudness', 'tags', 'updatedAt'];

// `actual` is the track `expected` was, possibly further along its processing: the same
// members, equal except for the processing state, which may only have moved forward.
export function assertSameTrack(actual, expected, what = 'track') {
  const context = `${what}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`;
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), context);
  const strip = (t) => Object.fromEntries(Object.entries(t).filter(([k]) => !kProcessingMembers.includes(k)));
  assert.deepEqual(strip(actual), strip(expected), context);
  if (actual.status === expected.status && actual.status === 'processing') {
    assert.ok(actual.progress >= expected.progress, `progress never goes back: ${context}`);
  } else if (actual.status !== expected.status) {
    assert.equal(expected.status, 'processing', `only a processing track changes status: ${context}`);
    assert.ok(['ready', 'failed'].includes(actual.status), context);
  }
  assert.ok(Date.parse(actual.updatedAt) >= Date.parse(expected.updatedAt), `updatedAt: ${context}`);
}

// Checks a problem+json error response. `status` may be a number or an array of accepted ones.
export function expectProblem(res, status, { field, detailIncludes } = {}) {
  const statuses = Array.isArray(status) ? status : [status];
  const context = `${res.status} ${res.text}`;
  assert.ok(statuses.includes(res.status), `expected status ${statuses.join('|')}, got ${context}`);
  const ct = res.headers.get ? res.headers.get('content-type') : res.headers['content-type'];
  assert.match(ct ?? '', /^application\/problem\+json/i, `content-type of ${context}`);
  const body = res.json ?? JSON.parse(res.text);
  assert.equal(typeof body, 'object', `problem body is an object: ${context}`);
  assert.equal(body.type, 'about:blank', `problem type: ${context}`);
  assert.equal(typeof body.title, 'string', `problem title: ${context}`);
  assert.ok(body.title.length > 0, `problem title non-empty: ${context}`);
  assert.equal(body.status, res.status, `problem status member: ${context}`);
  assert.equal(typeof body.detail, 'string', `problem detail: ${context}`);
  assert.ok(body.detail.length > 0, `problem detail non-empty: ${context}`);
  if (field !== undefined) assert.equal(body.field, field, `problem field: ${context}`);
  if (detailIncludes !== undefined) {
    const wanted = Array.isArray(detailIncludes) ? detailIncludes : [detailIncludes];
    assert.ok(wanted.some((w) => body.detail.toLowerCase().includes(w.toLowerCase())),
      `detail should mention ${wanted.join(' or ')}: ${context}`);
  }
  return body;
}

// One request over node:http on a fresh connection; the path is sent exactly as given.
// `body` may be a Buffer/string, or an async function (req) => void that writes and ends it.
// Resolves {status, headers, bytes, text, json} or {error} when the connection failed before
// a response arrived.
export function rawRequest(baseUrl, { method = 'GET', path = '/', headers = {}, body, timeoutMs = kRequestTimeoutMs } = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => { if (!settled) { settled = true; clearTimeout(timer); resolve(value); } };
    const req = http.request({ host: hostname, port, method, path, headers, agent: false });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      const done = () => {
        const bytes = Buffer.concat(chunks);
        const parsed = parseBody(bytes, res.headers['content-type']);
        finish({ status: res.statusCode, headers: new Headers(flatHeaders(res.headers)), bytes, ...parsed });
      };
      res.on('end', done);
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('error', (error) => finish({ error }));
    if (typeof body === 'function') {
      Promise.resolve(body(req)).catch((error) => { req.destroy(error); });
    } else {
      req.end(body);
    }
  });
}

function flatHeaders(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

// Writes raw bytes on a TCP connection, half-closes it, and collects what the server sends
// until it closes (or `timeoutMs`; or, with `stopAtStatus`, as soon as a status line arrived).
// Resolves {data: Buffer, status: number|null, closed, timedOut}.
export function rawTcp(baseUrl, payload, { timeoutMs = 5000, halfClose = true, stopAtStatus = false } = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks = [];
    let closed = false;
    let finished = false;
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (timedOut = false) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data.toString('latin1'));
      resolve({ data, status: m ? Number(m[1]) : null, closed, timedOut });
      socket.destroy();
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    socket.on('connect', () => {
      socket.write(payload);
      if (halfClose) socket.end();
    });
    socket.on('data', (c) => {
      chunks.push(c);
      if (stopAtStatus && /^HTTP\/1\.[01] \d{3}.*\r\n/.test(Buffer.concat(chunks).toString('latin1'))) done();
    });
    socket.on('error', () => { /* a reset by the server counts as closed */ });
    socket.on('close', () => { closed = true; done(); });
  });
}

// --- JWT and id helpers -------------------------------------------------------------------

export function b64url(input) {
  return Buffer.from(input).toString('base64url');
}

export function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: s,
  };
}

// A random, well-formed UUIDv7 (for "unknown id" requests).
export function randomUuidV7() {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const kUuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const kRfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

// Fails when any key or string value anywhere in `value` looks like a password or its hash.
export function assertNoSecrets(value, where = 'body') {
  const walk = (v, p) => {
    if (typeof v === 'string') {
      assert.ok(!/^\$argon2|^\$2[aby]\$|^\$scrypt/.test(v), `${where}${p} looks like a password hash`);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        assert.ok(!/pass|hash|salt/i.test(k), `${where}${p}.${k} must not be exposed`);
        walk(x, `${p}.${k}`);
      }
    }
  };
  walk(value, '');
}
