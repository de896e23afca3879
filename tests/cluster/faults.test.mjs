// Faults of the scaled-out topology, one cluster for the file, each fault a test in order:
// an API instance killed under load, the worker killed mid-transcode, the read replica
// stopped, the primary restarted, the object store stopped. Each asserts what a client sees
// through the edge and prints its figures (requests, failures, longest answer, recovery time).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { findOggFile, uniqueStereoWav } from '../http/lib/audio.mjs';
import { solidPng } from '../http/lib/hostile_images.mjs';
import { parseMasterPlaylist, parseMediaPlaylist } from '../http/lib/media.mjs';
import { sleep, waitFor, waitForStatus } from '../http/lib/server.mjs';
import { startCluster } from './lib/cluster.mjs';
import { closedLoop, openLoop, summarize, timedRequest } from './lib/load.mjs';

const kProbeTimeoutMs = 5_000;
const kLeaseSeconds = 5;
// How long the primary stays down: HAProxy needs 2 failed checks (fall 2, 250 ms apart once
// failing) to find the instances unready, so the fail-open path is taken too.
const kPrimaryDownMs = 3_000;

let cluster;
let artist;
let album;
let track;  // a ready track: the reads' target and the cached segment's source

function report(t, what, figures) {
  t.diagnostic(`${what}: ${JSON.stringify(figures)}`);
}

// Cadenza's problem+json (src/http/problem.cc), not HAProxy's or nginx's HTML error page.
function assertCadenzaProblem(r, status, context) {
  const where = `${context}: ${r.status} ${r.contentType} ${r.text?.slice(0, 300) ?? r.error}`;
  assert.equal(r.status, status, where);
  assert.match(r.contentType, /^application\/problem\+json/, where);
  assert.equal(r.json?.type, 'about:blank', where);
  assert.equal(typeof r.json.title, 'string', where);
  assert.equal(r.json.status, status, where);
  assert.ok(typeof r.json.detail === 'string' && r.json.detail.length > 0, where);
  // Which dependency failed, never where it lives (the driver's words go to the log).
  assert.doesNotMatch(r.text, /127\.0\.0\.1|localhost|port \d/, where);
  return r.json;
}

// The HLS media playlist of a ready track's first variant: {playlist, url}.
async function mediaPlaylist(trackId) {
  const stream = await cluster.streamUrls(artist.token, trackId);
  const masterUrl = new URL(stream.hls, cluster.url);
  const master = await cluster.api('GET', masterUrl.href);
  assert.equal(master.status, 200, master.text);
  const variant = parseMasterPlaylist(master.text).variants[0];
  const url = new URL(variant.uri, masterUrl);
  const media = await cluster.api('GET', url.href);
  assert.equal(media.status, 200, media.text);
  return { playlist: parseMediaPlaylist(media.text), text: media.text, url };
}

// A track just created is read from the replica, which may not have replayed the insert yet
// (a client that wants its own write sends Cadenza-Read-After back): wait until it shows.
async function waitVisible(trackId) {
  const seen = await waitFor(async () => (await cluster.api('GET', `/api/v1/tracks/${trackId}`, { token: artist.token })).status === 200,
    { timeoutMs: 30_000, intervalMs: 100 });
  assert.ok(seen, `track ${trackId} shows on the replica`);
}

async function haproxyStatus(name) {
  return (await cluster.instanceStats())[name]?.status;
}

// A backend's retries and redispatches so far, from HAProxy's `show stat` (its BACKEND row).
async function backendRetries(backend) {
  const lines = (await cluster.haproxy('show stat')).split('\n');
  const header = lines[0].replace(/^# /, '').split(',');
  const row = lines.map((l) => l.split(',')).find((cells) => cells[0] === backend && cells[1] === 'BACKEND');
  const cell = (name) => Number(row?.[header.indexOf(name)] ?? NaN);
  return { retries: cell('wretr'), redispatches: cell('wredis') };
}

// Whether a process is alive (signal 0 checks without sending anything).
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  cluster = await startCluster();
  artist = await cluster.createUser('artist');
  album = await cluster.createAlbum(artist.token, (await cluster.createArtist(artist.token)).id);
  const uploaded = await cluster.uploadTrack(artist.token, album.id, uniqueStereoWav({ seconds: 12, sampleRate: 44100 }));
  await waitVisible(uploaded.track.id);
  track = await waitForStatus(cluster, artist.token, uploaded.track.id, 'ready', 180_000);
  const cover = await cluster.api('PUT', `/api/v1/albums/${album.id}/cover`, {
    token: artist.token, body: solidPng(400, 8), headers: { 'content-type': 'image/png' },
  });
  assert.equal(cover.status, 200, cover.text);
});

after(async () => {
  await cluster?.stop();
});

test('kill -9 of an API instance under load: HAProxy retries on the other one', async (t) => {
  const url = `${cluster.url}/api/v1/tracks/${track.id}`;
  const load = closedLoop({ clients: 24, durationMs: 12_000, nextUrl: () => url, token: artist.token, timeoutMs: 10_000 });
  await sleep(4_000);
  const killed = cluster.pid('api1');
  const retriesBefore = await backendRetries('api');
  await cluster.part('kill', 'api1');
  const summary = summarize(await load);
  const retriesAfter = await backendRetries('api');
  report(t, 'api1 killed under load', {
    killedPid: killed, ...summary, failedPercent: Number((100 * summary.failed / summary.total).toFixed(3)),
    haproxyRetries: retriesAfter.retries - retriesBefore.retries,
    haproxyRedispatches: retriesAfter.redispatches - retriesBefore.redispatches,
  });
  assert.ok(summary.total > 500, `the load ran: ${summary.total} requests`);
  assert.equal(summary.timedOut, 0, JSON.stringify(summary));
  assert.ok(summary.failed / summary.total < 0.001, JSON.stringify(summary));
  assert.equal(await haproxyStatus('api1'), 'DOWN');

  const restarted = performance.now();
  await cluster.part('start', 'api1');
  const up = await waitFor(async () => (await haproxyStatus('api1')) === 'UP', { timeoutMs: 30_000, intervalMs: 100 });
  assert.ok(up, `HAProxy marks api1 UP again: ${JSON.stringify(await cluster.instanceStats())}`);
  report(t, 'api1 back UP in HAProxy', { ms: Math.round(performance.now() - restarted) });
  const stats = await cluster.instanceStats();
  assert.notEqual(cluster.pid('api1'), killed);
  assert.equal(stats.api2.status, 'UP');
});

test('kill -9 of the worker mid-transcode: another worker run takes the job after its lease', async (t) => {
  const file = findOggFile();
  assert.ok(file, 'the singularity-music package provides the Ogg files');
  // A short lease, so that the killed worker's job is free again within seconds.
  fs.appendFileSync(cluster.configFile('worker'), `job_lease = "${kLeaseSeconds}s"\n`);
  await cluster.part('restart', 'worker');

  const { track: created } = await cluster.uploadTrack(artist.token, album.id, fs.readFileSync(file), { title: 'Killed mid-transcode' });
  await waitVisible(created.id);
  const started = await waitFor(async () => {
    const res = await cluster.api('GET', `/api/v1/tracks/${created.id}`, { token: artist.token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'processing', `the track is still processing when the worker dies: ${res.text}`);
    return res.json.progress > 0 && res.json;
  }, { timeoutMs: 120_000, intervalMs: 100 });
  assert.ok(started, 'the worker reports progress on the track');
  const job = async () => {
    const rows = await cluster.psql(`SELECT attempts, lease_owner FROM jobs WHERE subject_id = '${created.id}'`);
    return rows[0] && { attempts: Number(rows[0][0]), owner: rows[0][1] };
  };
  const leased = await job();
  assert.equal(leased.attempts, 1, JSON.stringify(leased));
  await cluster.part('kill', 'worker');
  const killedAt = performance.now();
  await cluster.part('start', 'worker');
  const again = await waitFor(async () => {
    const now = await job();
    return now && now.attempts > leased.attempts && now;
  }, { timeoutMs: 120_000, intervalMs: 200 });
  assert.ok(again, 'the job is leased again');
  const releasedSeconds = (performance.now() - killedAt) / 1000;
  const ready = await waitForStatus(cluster, artist.token, created.id, 'ready', 300_000);
  const seconds = (performance.now() - killedAt) / 1000;
  report(t, 'worker killed mid-transcode', {
    progressWhenKilled: started.progress, leaseSeconds: kLeaseSeconds,
    leasedAgainAfterKillSeconds: Number(releasedSeconds.toFixed(1)), readyAfterKillSeconds: Number(seconds.toFixed(1)),
    durationMs: ready.durationMs,
  });
  assert.match(cluster.logTail('worker'), new RegExp(`track ${created.id} is ready \\(job [^,]+, attempt 2\\)`));
  assert.ok(Math.abs(ready.durationMs - 327_272) < 1_000, `the whole track: ${ready.durationMs} ms`);

  const { playlist, text } = await mediaPlaylist(created.id);
  assert.ok(playlist.segments.length >= 10, text);
  const total = playlist.segments.reduce((sum, s) => sum + s.duration, 0);
  assert.ok(Math.abs(total - 327.27) < 1, `the segments cover the track: ${total} s`);
  for (const segment of [playlist.segments[0], playlist.segments.at(-1)]) {
    const res = await cluster.api('GET', segment.uri);
    assert.equal(res.status, 200, `${segment.uri}: ${res.status} ${res.text.slice(0, 200)}`);
    assert.ok(res.bytes.length > 1000, `${segment.uri}: ${res.bytes.length} bytes`);
  }
});

test('the read replica stopped and started: reads go on without an error', async (t) => {
  const urls = [`/api/v1/tracks/${track.id}`, '/api/v1/tracks', `/api/v1/albums/${album.id}`, '/api/v1/artists']
    .map((p) => `${cluster.url}${p}`);
  let next = 0;
  const probeStarted = performance.now();
  const probe = openLoop({ intervalMs: 50, nextUrl: () => urls[next++ % urls.length], token: artist.token, timeoutMs: kProbeTimeoutMs });
  const replicaUsable = async (usable) => {
    const { json } = await cluster.readyz('api1');
    return json.replicas?.length === 1 && json.replicas[0].usable === usable && json;
  };
  assert.ok(await waitFor(() => replicaUsable(true), { timeoutMs: 30_000 }), 'the replica is in use at first');
  await sleep(1_000);

  await cluster.part('stop', 'pg_replica');
  const stoppedAt = performance.now();
  const left = await waitFor(() => replicaUsable(false), { timeoutMs: 30_000, intervalMs: 100 });
  assert.ok(left, `readyz reports the replica unusable: ${JSON.stringify((await cluster.readyz('api1')).json)}`);
  const leftMs = performance.now() - stoppedAt;
  assert.equal((await cluster.readyz('api2')).status, 200, 'an instance stays ready without its replica');
  await sleep(3_000);

  await cluster.part('start', 'pg_replica');
  const startedAt = performance.now();
  const back = await waitFor(() => replicaUsable(true), { timeoutMs: 60_000, intervalMs: 200 });
  assert.ok(back, `readyz reports the replica usable again: ${JSON.stringify((await cluster.readyz('api1')).json)}`);
  const backMs = performance.now() - startedAt;
  await sleep(1_000);
  const results = await probe.stop();
  const summary = summarize(results);
  // The probes sent while the replica was down (from its stop until it was usable again).
  const during = results.filter((r) => r.at >= stoppedAt - probeStarted && r.at <= startedAt + backMs - probeStarted);
  report(t, 'replica stopped and started', {
    ...summary, duringOutage: during.length, unusableAfterMs: Math.round(leftMs), usableAgainAfterMs: Math.round(backMs),
  });
  assert.ok(during.length >= 20, `probes were sent while the replica was down: ${during.length}`);
  assert.equal(summary.failed, 0, JSON.stringify(summary));
});

test('the primary restarted (down 3 s): every probe is answered, failures are Cadenza 503 problems, service resumes', async (t) => {
  const url = `${cluster.url}/api/v1/tracks/${track.id}`;
  const instances = ['api1', 'api2'].map((name) => ({ name, pid: cluster.pid(name) }));
  const probe = openLoop({ intervalMs: 50, nextUrl: () => url, token: artist.token, timeoutMs: kProbeTimeoutMs });
  await sleep(2_000);
  // Stopped, held down long enough for HAProxy to find every instance unready, then started:
  // a restart with an outage long enough that probes are sure to land in it.
  const stopStarted = performance.now();
  await cluster.part('stop', 'pg_primary');
  const downFrom = performance.now() - stopStarted;
  await sleep(kPrimaryDownMs);
  const startFrom = performance.now() - stopStarted;
  await cluster.part('start', 'pg_primary');
  const startedMs = performance.now() - stopStarted;
  const resumed = await waitFor(async () => (await timedRequest(url, { token: artist.token })).status === 200,
    { timeoutMs: 60_000, intervalMs: 100 });
  const resumedMs = performance.now() - stopStarted;
  await sleep(2_000);
  const results = await probe.stop();
  const summary = summarize(results);
  const unavailable = results.filter((r) => r.status === 503);
  report(t, 'primary stopped and started', {
    total: summary.total, failed: summary.failed, timedOut: summary.timedOut, byStatus: summary.byStatus,
    downForMs: Math.round(startFrom - downFrom), answered200AgainAfterStopMs: Math.round(resumedMs),
    startTookMs: Math.round(startedMs - startFrom), max503Ms: Math.round(Math.max(...unavailable.map((r) => r.ms))),
    maxMs: summary.maxMs, detail: unavailable[0]?.json?.detail,
  });
  assert.ok(resumed, 'a request succeeds after the restart without anyone stepping in');
  assert.equal(summary.timedOut, 0, `no probe hung past ${kProbeTimeoutMs} ms: ${JSON.stringify(summary)}`);
  assert.ok(unavailable.length > 0, `probes landed in the outage: ${JSON.stringify(summary.byStatus)}`);
  for (const r of results) {
    if (r.status !== 200) assertCadenzaProblem(r, 503, `probe at ${r.at} ms`);
  }
  assert.match(unavailable[0].json.detail, /database/);
  assert.equal(results.at(-1).status, 200, 'the last probes succeed again');
  for (const { name, pid } of instances) {
    assert.equal(cluster.pid(name), pid, `${name} was not restarted`);
    assert.ok(alive(pid), `${name} (pid ${pid}) is still running`);
  }
});

// The bucket's objects, asked of s3rver directly (it checks the key id, not signatures).
function s3(method, objectPath) {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return fetch(`http://127.0.0.1:${cluster.port('s3')}/cadenza-media/${objectPath}`, {
    method,
    headers: {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=S3RVER/${date.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
    },
    signal: AbortSignal.timeout(10_000),
  });
}

test('the object store stopped: uploads get 503 problems, cached segments still play, no row points at a missing blob', async (t) => {
  const { playlist } = await mediaPlaylist(track.id);
  const cached = playlist.segments[0].uri;
  const first = await cluster.api('GET', cached);
  assert.equal(first.status, 200);
  const second = await cluster.api('GET', cached);
  assert.equal(second.status, 200);
  assert.equal(second.headers.get('x-cache-status'), 'HIT');
  const uncached = playlist.segments.at(-1).uri;
  const slotBefore = await cluster.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  assert.equal(slotBefore.status, 200, slotBefore.text);
  const coverKey = async () => (await cluster.psql(`SELECT cover_key FROM albums WHERE id = '${album.id}'`))[0]?.[0];
  const coverBefore = await coverKey();
  assert.ok(coverBefore, 'the album has a cover');

  await cluster.part('stop', 's3');
  try {
    const during = {};
    // /readyz fails on every instance now: HAProxy marks them all DOWN and still sends them
    // the requests (its fallback servers), so what follows is answered by Cadenza.
    const allDown = await waitFor(async () => {
      const stats = await cluster.instanceStats();
      return ['api1', 'api2', 'stream1', 'stream2'].every((name) => stats[name].status === 'DOWN');
    }, { timeoutMs: 15_000, intervalMs: 100 });
    assert.ok(allDown, `HAProxy sees every instance unready: ${JSON.stringify(await cluster.instanceStats())}`);
    // An upload: the bucket is reached through the edge, which says the store is unavailable.
    const put = await timedRequest(slotBefore.json.uploadUrl, { method: 'PUT', timeoutMs: kProbeTimeoutMs });
    during.put = { status: put.status, body: put.text?.slice(0, 200) };
    assert.equal(put.status, 503, JSON.stringify(during.put));
    assert.match(put.contentType, /^application\/problem\+json/);
    // Claiming needs the bucket: Cadenza says so.
    const claim = await cluster.api('POST', '/api/v1/tracks', {
      token: artist.token, json: { albumId: album.id, title: 'During the outage', trackUrl: slotBefore.json.trackUrl },
      timeoutMs: 30_000,
    });
    const claimProblem = assertCadenzaProblem({ ...claim, contentType: claim.headers.get('content-type') ?? '' }, 503, 'claim');
    during.claim = { status: claim.status, detail: claimProblem.detail };
    // A cover comes through an instance, which cannot store it: a problem, and the album
    // keeps its cover (checked below).
    const cover = await cluster.api('PUT', `/api/v1/albums/${album.id}/cover`, {
      token: artist.token, body: solidPng(300, 8), headers: { 'content-type': 'image/png' }, timeoutMs: 30_000,
    });
    const coverProblem = assertCadenzaProblem({ ...cover, contentType: cover.headers.get('content-type') ?? '' }, 503, 'cover');
    during.cover = { status: cover.status, detail: coverProblem.detail };
    const slot = await cluster.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
    during.uploadUrl = { status: slot.status, detail: slot.json?.detail };
    // A segment nobody fetched before cannot be had; the one fetched before is served by the edge.
    const missing = await timedRequest(uncached, { timeoutMs: kProbeTimeoutMs });
    during.uncachedSegment = { status: missing.status, body: missing.text?.slice(0, 200) };
    assert.equal(missing.status, 503, JSON.stringify(during.uncachedSegment));
    const stale = await cluster.api('GET', cached);
    during.cachedSegment = { status: stale.status, cache: stale.headers.get('x-cache-status'), bytes: stale.bytes.length };
    assert.equal(stale.status, 200);
    assert.deepEqual(stale.bytes, first.bytes);
    // Reads of the catalog need no bucket.
    const read = await cluster.api('GET', `/api/v1/tracks/${track.id}`, { token: artist.token });
    during.trackRead = read.status;
    assert.equal(read.status, 200, read.text);
    const stream = await cluster.api('GET', `/api/v1/tracks/${track.id}/stream`, { token: artist.token });
    during.newStream = { status: stream.status, detail: stream.json?.detail };
    // A stream's URLs are signed without the store and its playlists come from the database:
    // a player gets them, and the edge serves whatever segments it holds.
    assert.equal(stream.status, 200, stream.text);
    const master = await cluster.api('GET', new URL(stream.json.hls, cluster.url).href);
    during.masterPlaylist = master.status;
    assert.equal(master.status, 200, master.text);
    report(t, 'object store down', during);
  } finally {
    await cluster.part('start', 's3');
  }

  // After the outage: every key a row holds is in the bucket.
  const keys = (await cluster.psql(`
    SELECT blob_key FROM tracks UNION ALL SELECT blob_key FROM renditions
    UNION ALL SELECT blob_key FROM rendition_segments`)).map(([key]) => key);
  const covers = (await cluster.psql('SELECT cover_key FROM albums WHERE cover_key IS NOT NULL')).map(([key]) => key);
  assert.ok(keys.length > 20, `rows hold blob keys: ${keys.length}`);
  const missingKeys = [];
  for (const key of keys) {
    const res = await s3('HEAD', key.split('/').map(encodeURIComponent).join('/'));
    if (res.status !== 200) missingKeys.push(`${key}: ${res.status}`);
  }
  for (const prefix of covers) {
    const res = await s3('GET', `?list-type=2&prefix=${encodeURIComponent(prefix)}`);
    const listed = [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)];
    if (res.status !== 200 || listed.length === 0) missingKeys.push(`${prefix}*: ${res.status}, ${listed.length} objects`);
  }
  report(t, 'blob keys after the outage', { keys: keys.length, covers: covers.length, missing: missingKeys.length });
  assert.equal(covers.length, 1);
  assert.equal(await coverKey(), coverBefore, 'the failed cover upload left the cover as it was');
  assert.deepEqual(missingKeys, []);
  const replay = await cluster.api('GET', uncached);
  assert.equal(replay.status, 200, 'the store serves again');
});
