// Real PostgreSQL and S3 servers for the black-box tests, started by the test process itself:
// a PostgreSQL 15 cluster (initdb in a temp folder, a free port) and s3rver (npm), each with
// its own folder, stopped and removed when the process exits.
//
// With CADENZA_TEST_ENGINES=postgres,s3 (either or both) every server that startServer()
// starts uses them: its own database on the shared cluster, its own bucket on the shared S3
// server. Unset, servers use the embedded defaults (SQLite and a folder in data_dir).
import { execFile, spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kPgBin = process.env.CADENZA_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const kS3Launcher = fileURLToPath(new URL('../../s3/s3rver.mjs', import.meta.url));
// s3rver's built-in key pair (it checks the key id, not the signature).
export const kS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function testEngines() {
  const names = (process.env.CADENZA_TEST_ENGINES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (name !== 'postgres' && name !== 's3') throw new Error(`CADENZA_TEST_ENGINES: unknown engine ${name}`);
  }
  return { postgres: names.includes('postgres'), s3: names.includes('s3') };
}

async function freePort() {
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

function run(file, args, { asUser } = {}) {
  const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: 60_000, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const cleanups = [];
// A test runner that times a file out sends SIGTERM: stop the servers on the way out.
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(1));
process.on('exit', () => {
  for (const cleanup of cleanups.reverse()) {
    try { cleanup(); } catch { /* best effort at exit */ }
  }
});

// PostgreSQL refuses to run as root: then the cluster runs as the `postgres` user (Debian's
// package creates it) on a folder that user owns.
export class PostgresCluster {
  static async start() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-pg-'));
    const asUser = process.getuid() === 0 ? 'postgres' : undefined;
    if (asUser) {
      const uid = Number(execFileSync('id', ['-u', asUser]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', asUser]).toString().trim());
      await fs.chown(dir, uid, gid);
    }
    const data = path.join(dir, 'data');
    const port = await freePort();
    await run(`${kPgBin}/initdb`, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8',
      '--locale=C', '--no-sync'], { asUser });
    const options = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'",
      '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
      '-c max_connections=300'].join(' ');
    await run(`${kPgBin}/pg_ctl`, ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w',
      '-t', '60', 'start'], { asUser });
    const cluster = new PostgresCluster(dir, data, port, asUser);
    cleanups.push(() => cluster.stopSync());
    return cluster;
  }

  constructor(dir, data, port, asUser) {
    Object.assign(this, { dir, data, port, asUser, databases: 0 });
  }

  url(database) {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase() {
    const name = `cadenza_${process.pid}_${++this.databases}`;
    await run(`${kPgBin}/psql`, ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', 'postgres',
        '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`]);
    return this.url(name);
  }

  stopSync() {
    const [cmd, argv] = this.asUser
      ? ['runuser', ['-u', this.asUser, '--', `${kPgBin}/pg_ctl`, '-D', this.data, '-m', 'immediate', 'stop']]
      : [`${kPgBin}/pg_ctl`, ['-D', this.data, '-m', 'immediate', 'stop']];
    try { execFileSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 }); } catch { /* already down */ }
    fsSync.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class S3Server {
  static async start() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-s3-'));
    // The launcher stops when its standard input closes: it never outlives this process.
    const proc = spawn(process.execPath, [kS3Launcher, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk) => { stderr += chunk; });
    const port = await new Promise((resolve, reject) => {
      let stdout = '';
      proc.stdout.on('data', (chunk) => {
        stdout += chunk;
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n')) resolve(JSON.parse(line).port);
      });
      proc.on('exit', (code) => reject(new Error(`s3rver exited (${code}): ${stderr}`)));
    });
    // The test process may end while the server runs: its exit handler stops it.
    for (const handle of [proc, proc.stdin, proc.stdout, proc.stderr]) handle.unref();
    const server = new S3Server(dir, port, proc);
    cleanups.push(() => server.stopSync());
    return server;
  }

  constructor(dir, port, proc) {
    Object.assign(this, { dir, port, proc, buckets: 0, endpoint: `http://127.0.0.1:${port}` });
  }

  // A new empty bucket (s3rver checks the key id of a request, not its signature).
  async createBucket() {
    const name = `cadenza-${process.pid}-${++this.buckets}`;
    const res = await fetch(`${this.endpoint}/${name}`, {
      method: 'PUT',
      headers: {
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
        authorization: `AWS4-HMAC-SHA256 Credential=${kS3Credentials.accessKeyId}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
      },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`creating bucket ${name}: ${res.status} ${text}`);
    return name;
  }

  stopSync() {
    try { this.proc.kill('SIGKILL'); } catch { /* gone */ }
    fsSync.rmSync(this.dir, { recursive: true, force: true });
  }
}

let pgCluster = null;
let s3Server = null;

// The settings (as CADENZA_* variables) that point one new server at its own database and
// bucket on the engines CADENZA_TEST_ENGINES names; {} with none.
export async function engineEnvironment() {
  const engines = testEngines();
  const env = {};
  if (engines.postgres) {
    // One cluster per process, even when servers start side by side.
    pgCluster ??= PostgresCluster.start();
    env.CADENZA_DATABASE_URL = await (await pgCluster).createDatabase();
  }
  if (engines.s3) {
    s3Server ??= S3Server.start();
    const s3 = await s3Server;
    env.CADENZA_BLOB_STORE_URL = `s3://${await s3.createBucket()}`;
    env.CADENZA_S3_ENDPOINT = s3.endpoint;
    env.CADENZA_S3_PATH_STYLE = 'true';
    env.CADENZA_S3_ACCESS_KEY_ID = kS3Credentials.accessKeyId;
    env.CADENZA_S3_SECRET_ACCESS_KEY = kS3Credentials.secretAccessKey;
  }
  return env;
}
