// Open-loop HTTP load: requests leave on a fixed schedule whatever the server does, and each
// latency is measured from the moment its request was due, so a slow answer also counts
// against the requests queued behind it (no coordinated omission).
//
//   node bench/open_loop.mjs --url URL --requests FILE [--token T] [--rate N] [--seconds S]
//
// FILE holds one JSON object per line: {"group": "prefix-2", "path": "/api/v1/search?q=ra"},
// sent in a fixed shuffled order, round and round.
// Prints one JSON line per group and one for all: count, errors, p50/p95/p99/max in ms.
import http from 'node:http';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    requests: { type: 'string' },
    token: { type: 'string', default: '' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
  },
});
const base = new URL(opt.url);
const list = fs.readFileSync(opt.requests, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
// A fixed shuffle, so that a run shorter than the list still samples every kind of request
// and two runs send the same sequence.
let state = 42;
const random = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
for (let i = list.length - 1; i > 0; i -= 1) {
  const j = Math.floor(random() * (i + 1));
  [list[i], list[j]] = [list[j], list[i]];
}
const rate = Number(opt.rate);
const total = Math.round(rate * Number(opt.seconds));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(opt.connections) });
const headers = opt.token ? { authorization: `Bearer ${opt.token}` } : {};

function send(path) {
  return new Promise((resolve) => {
    const req = http.get({ host: base.hostname, port: base.port, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
  });
}

const samples = new Map();  // group -> {ms: [], errors}
function record(group, ms, ok) {
  if (!samples.has(group)) samples.set(group, { ms: [], errors: 0 });
  const s = samples.get(group);
  s.ms.push(ms);
  if (!ok) s.errors += 1;
}

const start = performance.now() + 50;
const pending = [];
for (let i = 0; i < total; i += 1) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const { group, path } = list[i % list.length];
  pending.push(send(path).then((status) => record(group, performance.now() - due, status === 200)));
}
await Promise.all(pending);
agent.destroy();

function summary(group, ms, errors) {
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  const r = (x) => Math.round(x * 100) / 100;
  return { group, count: ms.length, errors, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(ms[ms.length - 1]) };
}
const all = { ms: [], errors: 0 };
for (const [group, s] of [...samples].sort()) {
  console.log(JSON.stringify(summary(group, [...s.ms], s.errors)));
  all.ms.push(...s.ms);
  all.errors += s.errors;
}
console.log(JSON.stringify({ ...summary('all', all.ms, all.errors), rate, seconds: Number(opt.seconds) }));
