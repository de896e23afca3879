// Request loops for fault tests: a closed-loop load (N clients, each sending its next request
// when the last one is answered) and an open-loop probe (one request every interval, whatever
// the previous ones are doing). Every request has a client timeout, so a hang shows up as a
// recorded outcome instead of a stuck test.
import { sleep } from '../../http/lib/server.mjs';

const kDefaultTimeoutMs = 5_000;

// One request; never rejects. Resolves {status, contentType, text, json, ms, error, timedOut}.
export async function timedRequest(url, { token, method = 'GET', timeoutMs = kDefaultTimeoutMs } = {}) {
  const started = performance.now();
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  try {
    const res = await fetch(url, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return {
      status: res.status, contentType: res.headers.get('content-type') ?? '', text, json,
      ms: performance.now() - started,
    };
  } catch (error) {
    const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
    return { status: 0, error: String(error.cause ?? error), timedOut, ms: performance.now() - started };
  }
}

const isOk = (r) => r.status >= 200 && r.status < 300;

// Sums up outcomes: {total, failed, timedOut, maxMs, byStatus, failures (the first few)}.
export function summarize(results) {
  const byStatus = {};
  let maxMs = 0;
  for (const r of results) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    maxMs = Math.max(maxMs, r.ms);
  }
  const failures = results.filter((r) => !isOk(r));
  return {
    total: results.length,
    failed: failures.length,
    timedOut: results.filter((r) => r.timedOut).length,
    maxMs: Math.round(maxMs),
    byStatus,
    failures: failures.slice(0, 5).map((r) => ({ status: r.status, error: r.error, body: r.text?.slice(0, 300) })),
  };
}

// `clients` loops, each requesting `nextUrl()` back to back until `durationMs` has passed.
// Resolves every outcome.
export async function closedLoop({ clients, durationMs, nextUrl, token, timeoutMs }) {
  const deadline = Date.now() + durationMs;
  const results = [];
  const loop = async () => {
    while (Date.now() < deadline) results.push(await timedRequest(nextUrl(), { token, timeoutMs }));
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return results;
}

// Starts one request every `intervalMs` (without waiting for earlier ones) until stop() is
// called; stop() resolves every outcome once the requests in flight have settled, in the
// order they were sent, each with `at` (ms since the probe started).
export function openLoop({ intervalMs, nextUrl, token, timeoutMs }) {
  const started = performance.now();
  const pending = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const at = performance.now() - started;
      pending.push(timedRequest(nextUrl(), { token, timeoutMs }).then((r) => ({ ...r, at: Math.round(at) })));
      await sleep(intervalMs);
    }
  })();
  return {
    count: () => pending.length,
    async stop() {
      running = false;
      await done;
      return Promise.all(pending);
    },
  };
}
