// Starts and stops a real `cadenza serve` process on a free port with its own temp data dir.
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test as nodeTest } from 'node:test';

import { blobsOf } from './blobs.mjs';
import { Client } from './client.mjs';
import { engineEnvironment } from './engines.mjs';

const kHealthTimeoutMs = 10_000;
const kStopTimeoutMs = 30_000;
const kLogTailLines = 150;

// Every server this process started and has not stopped: their logs are printed when a test
// fails, and they are killed if the process exits without stopping them.
const liveServers = new Set();
process.on('exit', () => {
  for (const server of liveServers) {
    try { server.proc?.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

export function cadenzaBin() {
  const bin = process.env.CADENZA_BIN;
  if (!bin) throw new Error('CADENZA_BIN must point at the built cadenza binary');
  return path.resolve(bin);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Resolves like `promise`, or with null after `ms`; the timer never outlives the race (a
// pending timer would keep the test process alive).
function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Polls `predicate` every `intervalMs` until it returns a truthy value or `timeoutMs` passes.
// Returns the last value (falsy on timeout).
export async function waitFor(predicate, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

// Polls GET /api/v1/tracks/{id} until the track's status is `status` and returns that body.
// Fails at once when the track settles in another state (ready or failed), and after
// `timeoutMs` when it never gets there, quoting the last body seen.
export async function waitForStatus(server, token, id, status, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.api('GET', `/api/v1/tracks/${id}`, { token });
    assert.equal(res.status, 200, `GET /api/v1/tracks/${id}: ${res.status} ${res.text}`);
    const body = res.json;
    if (body.status === status) return body;
    if (body.status !== 'processing') {
      assert.fail(`track ${id} became ${body.status}, not ${status}: ${res.text}`);
    }
    if (Date.now() >= deadline) {
      assert.fail(`track ${id} is not ${status} after ${timeoutMs} ms: ${res.text}`);
    }
    await sleep(200);
  }
}

// Runs `cadenza ARGS...`; resolves {code, signal, stdout, stderr} (never rejects on a non-zero
// exit; rejects when the binary cannot be started or does not finish in time).
export function runCli(args, { timeoutMs = 30_000, input, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(cadenzaBin(), args,
      { timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, ...(env ?? {}) } },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, signal: null, stdout, stderr });
        if (error.killed) return reject(new Error(`cadenza ${args.join(' ')} timed out\n${stderr}`));
        if (typeof error.code === 'string') return reject(error);
        resolve({ code: error.code ?? null, signal: error.signal ?? null, stdout, stderr });
      });
    if (input !== undefined) child.stdin.end(input);
  });
}

// The routes printed by `cadenza routes`: [{method, pattern, access}], access being "public",
// "authenticated" or "role:<least role>". Log lines ("[2026-01-01 12:00:00.000] [info] ...")
// are skipped; any other line that is not a route fails the assertion.
export function parseRoutes(stdout) {
  return stdout.split('\n').map((l) => l.trim())
    .filter((l) => l && !/^\[\d{4}-\d{2}-\d{2}[ T]/.test(l))
    .map((line) => {
      const m = /^([A-Z]+) (\/[\x21-\x7e]*) (public|authenticated|role:[a-z]+)$/.exec(line);
      assert.ok(m, `cadenza routes prints "METHOD PATTERN ACCESS", got: ${JSON.stringify(line)}`);
      return { method: m[1], pattern: m[2], access: m[3] };
    });
}

class LogBuffer {
  constructor() { this.lines = []; this.partial = ''; }
  push(chunk) {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop();
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > kLogTailLines) this.lines.shift();
    }
  }
  tail() { return [...this.lines, this.partial].filter((l) => l !== '').join('\n'); }
}

export class CadenzaServer extends Client {
  constructor({ dataDir, scratchDir, port, extraArgs, env, ownsDataDir }) {
    super(`http://127.0.0.1:${port}`);
    this.dataDir = dataDir;
    this.scratchDir = scratchDir;
    this.port = port;
    this.extraArgs = extraArgs;
    this.env = env;
    this.ownsDataDir = ownsDataDir;
    this.proc = null;
    this.exitInfo = null;
    this.log = new LogBuffer();
    this.starts = 0;
    allServers.add(this);
  }

  get running() { return this.proc !== null && this.exitInfo === null; }

  async start() {
    if (this.running) throw new Error('server already running');
    const args = ['serve', '--data-dir', this.dataDir, '--listen', `127.0.0.1:${this.port}`,
      '--janitor-interval', '1', ...this.extraArgs];
    this.starts += 1;
    this.log.push(Buffer.from(`=== start #${this.starts}: cadenza ${args.join(' ')}\n`));
    const proc = spawn(cadenzaBin(), args, {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.exitInfo = null;
    liveServers.add(this);
    proc.stdout.on('data', (c) => this.log.push(c));
    proc.stderr.on('data', (c) => this.log.push(c));
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.log.push(Buffer.from(`=== exited code=${code} signal=${signal}\n`));
        liveServers.delete(this);
        resolve(this.exitInfo);
      });
      proc.on('error', (err) => {
        this.exitInfo = { code: null, signal: null, error: err };
        liveServers.delete(this);
        resolve(this.exitInfo);
      });
    });
    const deadline = Date.now() + kHealthTimeoutMs;
    for (;;) {
      if (this.exitInfo) {
        throw new Error(`cadenza serve exited before it was healthy (${JSON.stringify(this.exitInfo)})\n`
          + this.log.tail());
      }
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return this;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`cadenza serve did not answer /healthz within ${kHealthTimeoutMs} ms\n${this.log.tail()}`);
      }
      await sleep(50);
    }
  }

  // Sends `signal` and waits for the process to exit. Returns the exit code (null when the
  // process died of a signal). Kills it with SIGKILL and throws if it does not exit in time.
  async stop(signal = 'SIGTERM', { timeoutMs = kStopTimeoutMs } = {}) {
    if (!this.proc) return null;
    if (!this.exitInfo) {
      this.proc.kill(signal);
      const info = await within(this.exited, timeoutMs);
      if (!info) {
        await this.kill();
        throw new Error(`cadenza serve did not exit within ${timeoutMs} ms after ${signal}\n${this.log.tail()}`);
      }
    }
    return this.exitInfo.code;
  }

  // Waits for the process to exit on its own (after a signal sent elsewhere). Returns
  // {code, signal}, or null when it is still running after `timeoutMs`.
  async waitForExit(timeoutMs = kStopTimeoutMs) {
    if (!this.proc) return null;
    return within(this.exited, timeoutMs);
  }

  signal(name) {
    this.proc.kill(name);
  }

  async kill() {
    if (this.proc && !this.exitInfo) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  async restart() {
    await this.stop();
    await this.start();
    return this;
  }

  // Stops the process and removes the temp folders.
  async close() {
    try {
      await this.stop();
    } finally {
      await this.kill();
      if (this.ownsDataDir) await fs.rm(this.dataDir, { recursive: true, force: true });
      await fs.rm(this.scratchDir, { recursive: true, force: true });
    }
  }

  logTail() { return this.log.tail(); }

  // What the server's blob store holds, whichever store it is (lib/blobs.mjs): read(key),
  // exists(key), list(prefix), remove(key), overwrite(key, bytes), keyOf(url); kind is
  // 'folder' or 's3'.
  get blobs() {
    this.blobs_ ??= blobsOf(this.dataDir, this.env);
    return this.blobs_;
  }

  // GET of a media or cover URL as a player makes it. A store that serves clients itself (S3)
  // has Cadenza answer its files with a 302 to the store: that redirect is followed, once,
  // with the same headers. On the local store the answer is Cadenza's own, never followed.
  async getMedia(url, { headers = {} } = {}) {
    const res = await this.api('GET', url, { headers });
    if (this.blobs.kind !== 's3' || res.status !== 302) return res;
    return this.api('GET', res.headers.get('location'), { headers });
  }

  // The local store's file that holds the blob behind a trackUrl/uploadUrl (".../blobs/<key>?...").
  blobFile(anyBlobUrl) {
    const key = decodeURIComponent(new URL(anyBlobUrl).pathname.replace(/^\/blobs\//, ''));
    return path.join(this.dataDir, 'blobs', ...key.split('/'));
  }

  blobExists(anyBlobUrl) {
    return fsSync.existsSync(this.blobFile(anyBlobUrl));
  }

  // Runs a CLI command against this server's data dir: `cadenza <args> --data-dir DIR`.
  cli(args, options) {
    return runCli([...args, '--data-dir', this.dataDir], { env: this.env, ...options });
  }

  // Creates an admin with the CLI and logs in. Returns {user, token, email, password}.
  async createAdmin() {
    const n = ++adminCounter;
    const email = `admin-${process.pid}-${Date.now()}-${n}@example.com`;
    const password = `admin-pass-${n}-${Math.random().toString(36).slice(2)}`;
    const passwordFile = path.join(this.scratchDir, `admin-${n}.pw`);
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const out = await runCli(['user', 'create', '--data-dir', this.dataDir, '--email', email,
      '--password-file', passwordFile, '--role', 'admin'], { env: this.env });
    if (out.code !== 0) {
      throw new Error(`cadenza user create failed (${out.code}): ${out.stdout}\n${out.stderr}`);
    }
    const login = await this.api('POST', '/api/v1/auth/login', { json: { email, password } });
    if (login.status !== 200) {
      throw new Error(`admin login failed: ${login.status} ${login.text}`);
    }
    return { user: login.json.user, token: login.json.accessToken, email, password };
  }
}

let adminCounter = 0;
// The engine settings (CADENZA_TEST_ENGINES) each data dir was started with.
const engineEnvByDataDir = new Map();

// Servers ever created in this process (their logs are useful even after they stopped).
const allServers = new Set();

// opts: {args: [...extra serve flags], env: {...}, dataDir: reuse an existing folder}
export async function startServer(opts = {}) {
  const ownsDataDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-http-data-'));
  const scratchDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-http-scratch-'));
  const port = opts.port ?? await freePort();
  // A data dir started again keeps its database and bucket on the test engines.
  if (!engineEnvByDataDir.has(dataDir)) engineEnvByDataDir.set(dataDir, await engineEnvironment());
  const server = new CadenzaServer({
    dataDir, scratchDir, port, extraArgs: opts.args ?? [],
    // Suites sign up many accounts from 127.0.0.1; the sign-up limit's own tests lower it.
    env: { CADENZA_REGISTRATIONS_PER_ADDRESS: '1000000', ...engineEnvByDataDir.get(dataDir),
      ...(opts.env ?? {}) },
    ownsDataDir,
  });
  try {
    await server.start();
  } catch (err) {
    await server.kill();
    if (ownsDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(scratchDir, { recursive: true, force: true });
    throw err;
  }
  return server;
}

function dumpLogs(testName) {
  for (const server of allServers) {
    const tail = server.logTail();
    if (tail) {
      console.error(`--- server ${server.url} log tail (test "${testName}" failed) ---\n${tail}\n---`);
    }
  }
}

// node:test's `test`, printing the servers' log tails when the test fails.
export function test(name, ...rest) {
  const fn = rest.pop();
  const options = rest[0] ?? {};
  return nodeTest(name, options, async (t) => {
    try {
      return await fn(t);
    } catch (err) {
      dumpLogs(name);
      throw err;
    }
  });
}
