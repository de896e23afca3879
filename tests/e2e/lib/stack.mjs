// The system under test: a real `cadenza serve` and the web app it serves.
//
// Default: cadenza serves the built app itself at `/` (the binary in CADENZA_BIN embeds it, or
// E2E_WEB_DIR names a built app folder passed as --web-dir); the browser talks to the server's
// own origin.
// E2E_VITE=1: the app comes from Vite's dev server over web/, which proxies the API and media
// paths to cadenza; cadenza's --public-url is Vite's origin so every URL it hands out (upload,
// media, covers) stays on the one origin the browser uses.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer, freePort, test as serverTest } from '../../http/lib/server.mjs';
import { allowStoreOrigin } from './browser.mjs';
import { allowOriginsOnBucket, storeOf } from './store.mjs';

export { freePort };

const kRepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const kWebDir = path.join(kRepoRoot, 'web');
const kViteStartTimeoutMs = 60_000;
const kLogTailLines = 80;

export function stackMode() {
  return process.env.E2E_VITE === '1' ? 'vite' : 'serve';
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// GET `url` and answer {status, type, text}, or null when nothing listens yet.
async function probe(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  } catch {
    return null;
  }
}

class ViteDevServer {
  constructor(port, apiUrl) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.lines = [];
    // Its own process group: npm starts a shell that starts node, and stopping must reach all.
    this.proc = spawn('npm', ['--prefix', kWebDir, 'run', 'dev', '--',
      '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      env: { ...process.env, CADENZA_API: apiUrl, BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.lines.push(line);
        if (this.lines.length > kLogTailLines) this.lines.shift();
      }
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.exitInfo = null;
    this.exited.then((info) => { this.exitInfo = info; });
  }

  async ready() {
    const deadline = Date.now() + kViteStartTimeoutMs;
    for (;;) {
      if (this.exitInfo) throw new Error(`vite exited (${JSON.stringify(this.exitInfo)})\n${this.logTail()}`);
      const res = await probe(`${this.url}/`);
      if (res && res.status === 200) return;
      if (Date.now() > deadline) throw new Error(`vite did not answer within ${kViteStartTimeoutMs} ms\n${this.logTail()}`);
      await sleep(200);
    }
  }

  async stop() {
    if (this.exitInfo) return;
    try { process.kill(-this.proc.pid, 'SIGTERM'); } catch { return; }
    const timer = setTimeout(() => { try { process.kill(-this.proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await this.exited;
    clearTimeout(timer);
  }

  logTail() { return this.lines.join('\n'); }
}

const liveVites = new Set();
process.on('exit', () => {
  for (const vite of liveVites) {
    try { process.kill(-vite.proc.pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

// On the test engines the bucket is another origin: it gets the CORS configuration an operator
// sets for the app's public origin, and the browser guard lets pages reach it. Returns the
// store ({endpoint, origin, bucket}) or null.
async function openStoreTo(server, appOrigin) {
  const store = storeOf(server);
  if (!store) return null;
  await allowOriginsOnBucket(store, [appOrigin]);
  allowStoreOrigin(store.origin);
  return store;
}

// Starts cadenza (and Vite in dev mode). Returns {server, baseUrl, origin, store, mode, close()};
// `store` is the object store on the test engines, null with the folder. `args` are extra
// `cadenza serve` flags.
export async function startStack({ args = [] } = {}) {
  const mode = stackMode();
  if (mode === 'vite') return startWithVite(args);

  const webDirArgs = process.env.E2E_WEB_DIR ? ['--web-dir', path.resolve(process.env.E2E_WEB_DIR)] : [];
  const server = await startServer({ args: [...webDirArgs, ...args] });
  const home = await probe(`${server.url}/`);
  if (!home || home.status !== 200 || !/^text\/html/i.test(home.type)) {
    await server.close();
    throw new Error(`${process.env.CADENZA_BIN} does not serve the web app at / (answered `
      + `${home?.status} ${home?.type}); build it with the app, set E2E_WEB_DIR, or run with E2E_VITE=1`);
  }
  const origin = new URL(server.url).origin;
  const store = await openStoreTo(server, origin).catch(async (err) => {
    await server.close();
    throw err;
  });
  return {
    mode, server, baseUrl: server.url, origin, store,
    logTail: () => server.logTail(),
    close: () => server.close(),
  };
}

async function startWithVite(args) {
  if (!fs.existsSync(path.join(kWebDir, 'node_modules'))) {
    throw new Error(`${kWebDir}/node_modules is missing: run npm --prefix ${kWebDir} ci`);
  }
  const vitePort = await freePort();
  const viteOrigin = `http://127.0.0.1:${vitePort}`;
  const server = await startServer({ args: ['--public-url', viteOrigin, ...args] });
  const store = await openStoreTo(server, viteOrigin).catch(async (err) => {
    await server.close();
    throw err;
  });
  const vite = new ViteDevServer(vitePort, server.url);
  liveVites.add(vite);
  try {
    await vite.ready();
  } catch (err) {
    await vite.stop();
    liveVites.delete(vite);
    await server.close();
    throw err;
  }
  return {
    mode: 'vite', server, vite, baseUrl: viteOrigin, origin: viteOrigin, store,
    logTail: () => `${server.logTail()}\n--- vite ---\n${vite.logTail()}`,
    close: async () => {
      try { await vite.stop(); } finally { liveVites.delete(vite); await server.close(); }
    },
  };
}

// node:test's `test`; when it fails, the servers' log tails (cadenza's, via the HTTP suite's
// wrapper, and Vite's) are printed.
export function test(name, ...rest) {
  const fn = rest.pop();
  const options = rest[0] ?? {};
  return serverTest(name, options, async (t) => {
    try {
      return await fn(t);
    } catch (err) {
      for (const vite of liveVites) console.error(`--- vite ${vite.url} log tail ---\n${vite.logTail()}\n---`);
      throw err;
    }
  });
}
