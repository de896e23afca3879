// The scaled-out topology for a test: deploy/local-cluster.sh run in a folder of its own on
// free ports (PostgreSQL primary and replica, s3rver, 2 API and 2 stream instances, a worker,
// HAProxy and the nginx edge), reached through the edge like any client would, and removed
// when the test process ends.
//
// tests/cluster/run.sh makes the edge's certificate and hands it to this process
// (EDGE_CERT, EDGE_KEY, NODE_EXTRA_CA_CERTS), so fetch() trusts https://localhost:<edge>.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '../../http/lib/client.mjs';
import { cadenzaBin, freePort } from '../../http/lib/server.mjs';

const kRepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const kClusterScript = path.join(kRepoRoot, 'deploy', 'local-cluster.sh');
const kUpTimeoutMs = 300_000;
const kLogTailBytes = 6000;
// The bucket local-cluster.sh creates (blob_store_url).
const kBucket = 'cadenza-media';

// The instances local-cluster.sh starts, by role.
export const kApiInstances = ['api1', 'api2'];
export const kStreamInstances = ['stream1', 'stream2'];

function runScript(command, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile('bash', [kClusterScript, ...command], { env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`local-cluster.sh ${command.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      });
  });
}

function readPorts(dir) {
  const ports = new Map();
  for (const line of fsSync.readFileSync(path.join(dir, 'ports'), 'utf8').split('\n')) {
    const match = /^([a-z0-9_]+)=(\d+)$/.exec(line.trim());
    if (match) ports.set(match[1], Number(match[2]));
  }
  return ports;
}

// One line of HAProxy's `show stat` CSV as an object keyed by its header's names.
function parseStatCsv(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift().replace(/^# /, '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((name, i) => [name, cells[i]]));
  });
}

const liveClusters = new Set();
// The test runner times a file out with SIGTERM: take the cluster down on the way out.
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(1));
process.on('exit', () => {
  for (const cluster of liveClusters) cluster.stopSync();
});

export class Cluster extends Client {
  constructor(dir, env) {
    const ports = readPorts(dir);
    super(`https://localhost:${ports.get('edge')}`);
    Object.assign(this, { dir, env, ports, readYourWrites: false, readPosition: '' });
  }

  // With `readYourWrites` set, the client behaves as the API asks of clients when reads may
  // come from replicas: it echoes the newest `Cadenza-Read-After` position a response of the
  // edge named, so a read on any instance sees what an earlier request wrote. Off by default:
  // requests then carry only what their callers give them.
  async api(method, target, options = {}) {
    if (!this.readYourWrites) return super.api(method, target, options);
    const url = new URL(target, this.url);
    const toCadenza = url.origin === this.url && !url.pathname.startsWith(`/${kBucket}/`);
    const headers = { ...(options.headers ?? {}) };
    if (toCadenza && this.readPosition) headers['cadenza-read-after'] = this.readPosition;
    const res = await super.api(method, target, { ...options, headers });
    const position = res.headers.get('cadenza-read-after');
    if (toCadenza && position) this.readPosition = position;
    return res;
  }

  port(name) {
    const port = this.ports.get(name);
    if (!port) throw new Error(`the cluster has no port named ${name}`);
    return port;
  }

  configFile(name) {
    return path.join(this.dir, 'etc', `${name}.toml`);
  }

  pid(name) {
    return Number(fsSync.readFileSync(path.join(this.dir, 'run', `${name}.pid`), 'utf8').trim());
  }

  // Runs local-cluster.sh with this cluster's folder (e.g. `status`).
  script(...command) {
    return runScript(command, this.env, kUpTimeoutMs);
  }

  // The end of a log file under the cluster's logs/ folder, for failure messages.
  logTail(name) {
    try {
      const text = fsSync.readFileSync(path.join(this.dir, 'logs', `${name}.log`), 'utf8');
      return text.slice(-kLogTailBytes);
    } catch {
      return '';
    }
  }

  // The edge's access log (nginx's combined format, one request a line).
  edgeAccessLog() {
    return fs.readFile(path.join(this.dir, 'nginx', 'access.log'), 'utf8');
  }

  // The size of the object `key` in the cluster's bucket, asked of the S3 server itself (not
  // through the edge), or null when there is no such object. s3rver checks the key id, not the
  // signature.
  async bucketObjectSize(key) {
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const encoded = key.split('/').map(encodeURIComponent).join('/');
    const res = await fetch(`http://127.0.0.1:${this.port('s3')}/${kBucket}/${encoded}`, {
      method: 'HEAD',
      headers: {
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-amz-date': date,
        authorization: `AWS4-HMAC-SHA256 Credential=S3RVER/${date.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
      },
    });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`HEAD ${key} on the S3 server: ${res.status}`);
    return Number(res.headers.get('content-length'));
  }

  // The ends of every log of the cluster (instances, S3 server, HAProxy, the edge's error log),
  // for a failing test's output.
  logReport() {
    const names = ['api1', 'api2', 'stream1', 'stream2', 'worker', 's3', 'haproxy'];
    const parts = names.map((name) => `--- ${name} ---\n${this.logTail(name)}`);
    try {
      const edge = fsSync.readFileSync(path.join(this.dir, 'nginx', 'error.log'), 'utf8');
      parts.push(`--- edge error.log ---\n${edge.slice(-kLogTailBytes)}`);
    } catch { /* no errors logged */ }
    return parts.join('\n');
  }

  // A command on HAProxy's admin socket (e.g. "show stat"); resolves its whole answer.
  haproxy(command) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path.join(this.dir, 'run', 'haproxy.sock'));
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.end(`${command}\n`));
      socket.on('data', (chunk) => { answer += chunk; });
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  // HAProxy's view of each instance: {api1: {status, sessions, responses2xx, ...}, ...}.
  async instanceStats() {
    const rows = parseStatCsv(await this.haproxy('show stat'));
    const stats = {};
    for (const row of rows) {
      if (row.svname === 'FRONTEND' || row.svname === 'BACKEND') continue;
      stats[row.svname] = {
        backend: row.pxname,
        status: row.status,
        sessions: Number(row.stot),
        responses2xx: Number(row.hrsp_2xx),
        responses3xx: Number(row.hrsp_3xx),
        responses4xx: Number(row.hrsp_4xx),
        responses5xx: Number(row.hrsp_5xx),
        address: row.addr,
      };
    }
    return stats;
  }

  // Creates an account with the CLI (on the cluster's shared database) and logs in through
  // the edge. Returns {user, token, email, password}.
  async createUser(role = 'admin') {
    const email = `${role}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = `pass-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const passwordFile = path.join(this.dir, `${email}.pw`);
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    execFileSync(cadenzaBin(), ['user', 'create', '--config', this.configFile('api1'), '--email', email,
      '--password-file', passwordFile, '--role', role], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    await fs.rm(passwordFile);
    const login = await this.api('POST', '/api/v1/auth/login', { json: { email, password } });
    if (login.status !== 200) throw new Error(`login through the edge failed: ${login.status} ${login.text}`);
    return { user: login.json.user, token: login.json.accessToken, email, password };
  }

  // One part of the cluster (api1 api2 stream1 stream2 worker s3 pg_primary pg_replica):
  // verb is stop, start, restart or kill (SIGKILL), as `local-cluster.sh VERB NAME` does it.
  part(verb, name) {
    return this.script(verb, name);
  }

  // One SQL statement on the primary as the postgres user; resolves its rows, each an array of
  // the columns' text (psql's unaligned output).
  psql(sql) {
    const root = fsSync.readFileSync(path.join(this.dir, 'pg.path'), 'utf8').trim();
    const args = ['-h', '127.0.0.1', '-p', String(this.port('pg_primary')), '-U', 'postgres', '-d', 'cadenza',
      '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql];
    const psql = path.join(this.env.PG_BIN ?? '/usr/lib/postgresql/15/bin', 'psql');
    const [file, argv] = process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', psql, ...args]] : [psql, args];
    return new Promise((resolve, reject) => {
      execFile(file, argv, { cwd: root, timeout: 30_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`psql ${sql}: ${error.message}\n${stderr}`));
        else resolve(stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')));
      });
    });
  }

  // A Cadenza instance's /readyz, asked directly (not through HAProxy): {status, json}.
  async readyz(name) {
    const res = await fetch(`http://127.0.0.1:${this.port(name)}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, json: await res.json() };
  }

  async stop() {
    if (!liveClusters.has(this)) return;
    liveClusters.delete(this);
    await runScript(['down'], this.env, kUpTimeoutMs);
    await fs.rm(path.dirname(this.dir), { recursive: true, force: true });
  }

  stopSync() {
    liveClusters.delete(this);
    try {
      execFileSync('bash', [kClusterScript, 'down'], { env: this.env, stdio: 'ignore', timeout: 120_000 });
    } catch { /* best effort at exit */ }
    fsSync.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}

// Starts the whole topology; resolves a Cluster whose Client methods go through the edge.
export async function startCluster() {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-cluster-'));
  const dir = path.join(parent, 'cluster');
  const env = {
    ...process.env,
    CLUSTER_DIR: dir,
    CADENZA_BIN: cadenzaBin(),
    EDGE_PORT: String(await freePort()),
  };
  try {
    await runScript(['up'], env, kUpTimeoutMs);
  } catch (error) {
    const logs = fsSync.existsSync(path.join(dir, 'logs')) ? fsSync.readdirSync(path.join(dir, 'logs')) : [];
    const tails = logs.map((f) => `--- ${f} ---\n${fsSync.readFileSync(path.join(dir, 'logs', f), 'utf8').slice(-kLogTailBytes)}`);
    try { execFileSync('bash', [kClusterScript, 'down'], { env, stdio: 'ignore', timeout: 120_000 }); } catch { /* already down */ }
    await fs.rm(parent, { recursive: true, force: true });
    throw new Error(`${error.message}\n${tails.join('\n')}`);
  }
  const cluster = new Cluster(dir, env);
  liveClusters.add(cluster);
  return cluster;
}
