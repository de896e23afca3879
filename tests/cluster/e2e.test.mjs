// The scaled-out cluster end to end, as a client sees it: every request goes to the nginx edge
// (https, its self-signed certificate trusted through run.sh's EDGE_CERT), which routes API
// paths to the API instances, stream paths to the stream instances and the bucket's path to
// the object store. One cluster for the whole file; the tests run in order and build on one
// another (an artist's real track is uploaded, ingested by the worker, played, put in a
// playlist), and the last one checks from HAProxy's counters where the requests went.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { after, before, test as nodeTest } from 'node:test';

import { kOggFolder, uniqueStereoWav } from '../http/lib/audio.mjs';
import { expectProblem } from '../http/lib/client.mjs';
import { solidPng } from '../http/lib/hostile_images.mjs';
import {
  decodedSeconds, parseMasterPlaylist, parseMediaPlaylist, probeDurationSeconds,
} from '../http/lib/media.mjs';
import { waitForStatus } from '../http/lib/server.mjs';
import { kApiInstances, kStreamInstances, startCluster } from './lib/cluster.mjs';
import { hlsPlayback } from './lib/browser.mjs';

// How far a decoded or declared duration may be from the source's.
const kDurationToleranceS = 0.5;
// A 42 s track on a 2-core machine shared with the rest of the cluster.
const kIngestTimeoutMs = 300_000;

let cluster;
let artist;
let album;
let source;       // {file, bytes, seconds}
let track;        // the ready track made from `source`
let other;        // a second track, for the playlist
let stream;       // GET /tracks/{id}/stream of `track`

// The shortest piece of Debian's singularity-music (the folder holds a few short jingles
// beside the long pieces): a real Ogg Vorbis file that ingests quickly.
async function shortestOgg() {
  const files = [];
  const walk = async (dir) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.ogg')) files.push({ file, size: (await fs.stat(file)).size });
    }
  };
  await walk(kOggFolder).catch(() => {});
  assert.ok(files.length > 0, `no .ogg file in ${kOggFolder}: the test setup installs Debian's singularity-music`);
  files.sort((a, b) => a.size - b.size);
  return files[0].file;
}

function near(actual, expected, tolerance, what) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (±${tolerance})`);
}

// node:test's `test`, printing the cluster's log tails when a test fails.
function test(name, fn) {
  return nodeTest(name, async (t) => {
    try {
      return await fn(t);
    } catch (error) {
      if (cluster) console.error(cluster.logReport());
      throw error;
    }
  });
}

// Sessions and error answers per Cadenza instance from an instanceStats() snapshot, whatever
// HAProxy server lines point at the instance (by address: a backend may list an instance
// twice, e.g. as a backup).
function byInstance(stats) {
  const names = new Map([...kApiInstances, ...kStreamInstances].map((n) => [`127.0.0.1:${cluster.port(n)}`, n]));
  const out = Object.fromEntries([...names.values()].map((n) => [n, { sessions: 0, errors: 0 }]));
  for (const [server, row] of Object.entries(stats)) {
    const name = names.get(row.address);
    assert.ok(name, `HAProxy's ${row.backend}/${server} at ${row.address} is none of the instances`);
    out[name].sessions += row.sessions;
    out[name].errors += row.responses4xx + row.responses5xx;
  }
  return out;
}

// What each instance served between two instanceStats() snapshots.
function servedBetween(before, after) {
  const [then, now] = [byInstance(before), byInstance(after)];
  return Object.fromEntries(Object.entries(now).map(([name, n]) => [name, {
    sessions: n.sessions - then[name].sessions, errors: n.errors - then[name].errors,
  }]));
}

const edgePath = (url) => new URL(url).pathname;

const unescapeXml = (text) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The parts of an MPD this file checks: {type, seconds, representations: [{id, init,
// segments, timelineCount}]} (a SegmentList of absolute URLs per representation).
function parseMpd(text) {
  assert.match(text, /^<\?xml[^>]*\?>\s*<MPD\b/, text);
  const type = /<MPD[^>]*\btype="([^"]+)"/.exec(text)?.[1];
  const d = /<MPD[^>]*\bmediaPresentationDuration="PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?"/.exec(text);
  assert.ok(d, `mediaPresentationDuration: ${text}`);
  const seconds = Number(d[1] ?? 0) * 3600 + Number(d[2] ?? 0) * 60 + Number(d[3] ?? 0);
  const representations = [...text.matchAll(/<Representation\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/Representation>/g)]
    .map(([, id, body]) => ({
      id,
      init: unescapeXml(/<Initialization\b[^>]*\bsourceURL="([^"]+)"/.exec(body)?.[1] ?? ''),
      segments: [...body.matchAll(/<SegmentURL\b[^>]*\bmedia="([^"]+)"/g)].map((m) => unescapeXml(m[1])),
      timelineCount: [...body.matchAll(/<S\b([^>]*)\/>/g)]
        .reduce((n, m) => n + 1 + Number(/\br="(\d+)"/.exec(m[1])?.[1] ?? 0), 0),
    }));
  return { type, seconds, representations };
}


before(async () => {
  cluster = await startCluster();
  // Reads may be served by the replica: a client echoes the position of its last write.
  cluster.readYourWrites = true;
});

after(async () => {
  await cluster?.stop();
});

test('an artist uploads a real track through the edge straight to the bucket; the worker ingests it', async () => {
  const file = await shortestOgg();
  source = { file, bytes: await fs.readFile(file), seconds: await probeDurationSeconds(file) };

  artist = await cluster.registerUser('artist');
  album = await cluster.createAlbum(artist.token, (await cluster.createArtist(artist.token)).id);

  const slot = await cluster.api('GET', '/api/v1/tracks/upload-url', { token: artist.token });
  assert.equal(slot.status, 200, slot.text);
  const { uploadUrl, trackUrl, method } = slot.json;
  assert.equal(method, 'PUT');
  const upload = new URL(uploadUrl);
  assert.equal(upload.origin, cluster.url, `the upload URL is the edge's: ${uploadUrl}`);
  assert.match(upload.pathname, /^\/cadenza-media\/originals\/[^/]+/, uploadUrl);
  assert.match(upload.search, /X-Amz-Signature=[0-9a-f]{64}/, uploadUrl);

  // The bytes go edge -> object store: no Cadenza instance takes part in the PUT.
  const beforePut = await cluster.instanceStats();
  const put = await fetch(uploadUrl, { method: 'PUT', body: source.bytes });
  assert.equal(put.status, 200, await put.text());
  const duringPut = servedBetween(beforePut, await cluster.instanceStats());
  for (const name of [...kApiInstances, ...kStreamInstances]) {
    assert.equal(duringPut[name].sessions, 0, `${name} took part in the upload: ${JSON.stringify(duringPut)}`);
  }
  const putLine = (await cluster.edgeAccessLog()).split('\n')
    .find((l) => l.includes(`"PUT ${upload.pathname}`));
  assert.ok(putLine, 'the edge logged the PUT to the bucket');
  assert.match(putLine, /" 200 /, putLine);
  const stored = await cluster.bucketObjectSize(decodeURIComponent(upload.pathname.replace(/^\/cadenza-media\//, '')));
  assert.equal(stored, source.bytes.length, 'the bucket holds the uploaded bytes');

  const created = await cluster.api('POST', '/api/v1/tracks', {
    token: artist.token, json: { albumId: album.id, title: path.basename(file, '.ogg'), trackUrl },
  });
  assert.equal(created.status, 201, created.text);
  for (const name of kApiInstances) {
    assert.ok(!cluster.logTail(name).includes(' PUT /'), `no upload byte passed through ${name}`);
  }

  // No retry of HAProxy's 503s: its checks give /readyz time to answer while the worker keeps
  // the store busy (deploy/haproxy/haproxy.cfg), so a group never loses every instance here.
  track = await waitForStatus(cluster, artist.token, created.json.id, 'ready', kIngestTimeoutMs);
  near(track.durationMs / 1000, source.seconds, kDurationToleranceS, 'the ingested duration');
  other = (await cluster.uploadTrack(artist.token, album.id, uniqueStereoWav({ seconds: 2 }), { title: 'Second' })).track;
});

test('HLS, DASH and progressive playback come through the edge, media bytes from the bucket path', async () => {
  assert.ok(track, 'the track was ingested');
  stream = await cluster.streamUrls(artist.token, track.id);
  assert.ok(stream.hls.startsWith(`${cluster.url}/media/`), `the HLS master is the edge's: ${stream.hls}`);
  assert.ok(stream.dash.startsWith(`${cluster.url}/media/`), `the DASH manifest is the edge's: ${stream.dash}`);

  const master = await cluster.api('GET', stream.hls);
  assert.equal(master.status, 200, master.text);
  assert.match(master.headers.get('content-type'), /mpegurl/i);
  const { variants } = parseMasterPlaylist(master.text);
  assert.ok(variants.length >= 1, master.text);
  const bucketPrefix = `${cluster.url}/cadenza-media/renditions/${track.id}/`;
  const segmentUrls = [];
  for (const variant of variants) {
    const url = new URL(variant.uri, stream.hls).href;
    assert.ok(url.startsWith(`${cluster.url}/media/`), `media playlist through the edge: ${url}`);
    const media = await cluster.api('GET', url);
    assert.equal(media.status, 200, `${url}: ${media.status} ${media.text}`);
    const playlist = parseMediaPlaylist(media.text);
    assert.ok(playlist.segments.length >= 2, media.text);
    for (const segment of playlist.segments) {
      assert.ok(segment.uri.startsWith(bucketPrefix), `segment through the edge's bucket path: ${segment.uri}`);
    }
    const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(media.text);
    assert.ok(map && map[1].startsWith(bucketPrefix), `init segment through the edge: ${map?.[1]}`);
    near(playlist.segments.reduce((s, x) => s + x.duration, 0), source.seconds, kDurationToleranceS,
      `the segments of ${url} add up to the track`);
    segmentUrls.push(...playlist.segments.map((x) => x.uri));
  }

  // ffmpeg as a player: its https does not check certificates unless told to (tls_verify=0).
  near(await decodedSeconds(stream.hls), source.seconds, kDurationToleranceS, 'ffmpeg decoded the HLS stream');

  // The DASH manifest lists every segment's signed bucket URL (a SegmentList): it parses, and
  // one representation's init segment and segments, fetched through the edge and joined, are
  // the whole track. (Debian's ffmpeg 5.1 cannot read it itself: its DASH demuxer sizes URLs by
  // the manifest's own URL and truncates the longer signed ones to "invalid:truncated".)
  const dash = await cluster.api('GET', stream.dash);
  assert.equal(dash.status, 200, dash.text);
  assert.match(dash.headers.get('content-type'), /^application\/dash\+xml/);
  const mpd = parseMpd(dash.text);
  assert.equal(mpd.type, 'static', dash.text);
  near(mpd.seconds, source.seconds, kDurationToleranceS, 'mediaPresentationDuration');
  assert.ok(mpd.representations.length >= 1, dash.text);
  for (const representation of mpd.representations) {
    for (const url of [representation.init, ...representation.segments]) {
      assert.ok(url.startsWith(bucketPrefix), `DASH ${representation.id} through the edge's bucket path: ${url}`);
    }
    assert.equal(representation.segments.length, representation.timelineCount, `${representation.id}: one URL per timeline entry`);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-cluster-e2e-'));
  try {
    const representation = mpd.representations[0];
    const parts = [];
    for (const url of [representation.init, ...representation.segments]) {
      const res = await cluster.api('GET', url);
      assert.equal(res.status, 200, `${url}: ${res.status}`);
      parts.push(res.bytes);
    }
    const joined = path.join(dir, `${representation.id}.mp4`);
    await fs.writeFile(joined, Buffer.concat(parts));
    near(await decodedSeconds(joined), source.seconds, kDurationToleranceS, `the DASH ${representation.id} segments decoded`);

    // A progressive rendition downloads whole through the edge.
    const progressive = Object.entries(stream.progressive);
    assert.ok(progressive.length >= 1, JSON.stringify(stream.progressive));
    const [name, href] = progressive[0];
    assert.ok(href.startsWith(bucketPrefix), `progressive ${name} through the edge's bucket path: ${href}`);
    const download = await fetch(href);
    assert.equal(download.status, 200, `${href}: ${download.status}`);
    const file = path.join(dir, `${name}.mp3`);
    await fs.writeFile(file, Buffer.from(await download.arrayBuffer()));
    near(await probeDurationSeconds(file), source.seconds, 1, `the ${name} download`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }

  // The edge caches what it fetched from the bucket: a segment nobody fetched yet (none of the
  // players above, by the edge's access log) is a miss the first time and a hit the second.
  const accessLog = await cluster.edgeAccessLog();
  const fresh = segmentUrls.filter((u) => !accessLog.includes(`GET ${edgePath(u)}${new URL(u).search} `));
  assert.ok(fresh.length > 0, `a segment no player fetched: ${segmentUrls.join('\n')}`);
  const first = await cluster.api('GET', fresh[0]);
  const second = await cluster.api('GET', fresh[0]);
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(first.headers.get('x-cache-status'), 'MISS', `the first fetch of ${fresh[0]}`);
  assert.equal(second.headers.get('x-cache-status'), 'HIT', `the second fetch of ${fresh[0]}`);
  for (const res of [first, second]) {  // the bucket shares the app's origin at the edge
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy') ?? '', /^sandbox/);
  }
  assert.ok(second.bytes.equals(first.bytes) && first.bytes.length > 0, 'the cached segment is the same bytes');
});

test('a cover is put through the edge, handed out from the bucket path and cached there', async () => {
  assert.ok(album, 'the album exists');
  const put = await cluster.api('PUT', `/api/v1/albums/${album.id}/cover`, {
    token: artist.token, body: solidPng(400, 8), headers: { 'content-type': 'image/png' },
  });
  assert.equal(put.status, 200, put.text);
  // Cover URLs are relative: the web app is served by the same origin.
  const url = new URL(put.json.cover['300'], cluster.url).href;
  assert.ok(url.startsWith(`${cluster.url}/covers/`), `a cover URL on the edge: ${put.json.cover['300']}`);
  // /covers goes to a stream instance, which sends the client to the store's signed URL.
  const redirect = await cluster.api('GET', url);
  assert.equal(redirect.status, 302, redirect.text);
  const location = redirect.headers.get('location');
  assert.ok(location.startsWith(`${cluster.url}/cadenza-media/covers/`), `through the edge's bucket path: ${location}`);
  const first = await cluster.api('GET', location);
  const second = await cluster.api('GET', location);
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(first.bytes.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
  assert.equal(first.headers.get('x-cache-status'), 'MISS', `the first fetch of ${location}`);
  assert.equal(second.headers.get('x-cache-status'), 'HIT', `the second fetch of ${location}`);
  assert.ok(second.bytes.equals(first.bytes), 'the cached cover is the same bytes');
});

test('hls.js in headless Chromium plays the track from the edge', async () => {
  assert.ok(stream, 'stream URLs were issued');
  const played = await hlsPlayback(cluster.url, stream.hls, { seconds: 3 });
  assert.equal(played.pageStatus, 200, 'the edge serves the web app at /');
  assert.ok(played.currentTime >= 3, `currentTime ${played.currentTime}`);
  assert.match(played.src, /^blob:/, 'hls.js feeds the element through Media Source Extensions');
  assert.deepEqual(played.errors, [], 'no hls.js or page error');
  const segments = played.requests.filter((u) => u.startsWith(`${cluster.url}/cadenza-media/renditions/${track.id}/`));
  assert.ok(segments.length >= 2, `segments from the edge's bucket path: ${played.requests.join('\n')}`);
  assert.ok(played.requests.some((u) => u.startsWith(`${cluster.url}/media/`)), 'playlists from the edge');
  assert.deepEqual(played.requests.filter((u) => !u.startsWith(`${cluster.url}/`) && !u.startsWith('blob:')), [],
    'nothing from elsewhere');
});

test('playlists: create, add, reorder, remove and read back through the edge', async () => {
  assert.ok(track && other, 'the tracks exist');
  const listener = await cluster.registerUser('listener');
  const token = listener.token;
  const read = async (id) => {
    const res = await cluster.api('GET', `/api/v1/playlists/${id}`, { token });
    assert.equal(res.status, 200, res.text);
    return res.json.entries.map((e) => [e.position, e.track.id]);
  };
  const created = await cluster.api('POST', '/api/v1/playlists', { token, json: { name: 'Through the edge' } });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const add = await cluster.api('POST', `/api/v1/playlists/${id}/tracks`, { token, json: { trackIds: [track.id, other.id, track.id] } });
  assert.equal(add.status, 200, add.text);
  assert.deepEqual(await read(id), [[0, track.id], [1, other.id], [2, track.id]]);
  const move = await cluster.api('POST', `/api/v1/playlists/${id}/move`, { token, json: { from: 1, to: 0 } });
  assert.equal(move.status, 200, move.text);
  assert.deepEqual(await read(id), [[0, other.id], [1, track.id], [2, track.id]]);
  const remove = await cluster.api('DELETE', `/api/v1/playlists/${id}/tracks/2`, { token });
  assert.equal(remove.status, 200, remove.text);
  assert.deepEqual(await read(id), [[0, other.id], [1, track.id]]);
  const rename = await cluster.api('PATCH', `/api/v1/playlists/${id}`, { token, json: { name: 'Renamed' } });
  assert.equal(rename.status, 200, rename.text);
  const mine = await cluster.api('GET', '/api/v1/playlists?mine=true', { token });
  assert.equal(mine.status, 200, mine.text);
  const listed = (mine.json.items ?? mine.json.playlists ?? mine.json).find?.((p) => p.id === id);
  assert.equal(listed?.name, 'Renamed', `my playlists: ${mine.text}`);
  const entry = (await cluster.api('GET', `/api/v1/playlists/${id}`, { token })).json.entries[1];
  assert.equal(entry.track.title, track.title);
});

test('requests spread over both instances of each group and never cross groups', async () => {
  assert.ok(track && stream, 'the track plays');
  const startStats = await cluster.instanceStats();
  let apiRequests = 0;
  let streamRequests = 0;
  const expectOk = (res, what) => assert.equal(res.status, 200, `${what}: ${res.status} ${res.text}`);
  for (let i = 0; i < 6; i++) {
    expectOk(await cluster.api('GET', `/api/v1/tracks/${track.id}`, { token: artist.token }), 'track');
    apiRequests += 1;
  }
  for (let i = 0; i < 3; i++) {
    const urls = await cluster.streamUrls(artist.token, track.id);
    streamRequests += 1;
    const master = await cluster.api('GET', urls.hls);
    expectOk(master, urls.hls);
    const variant = new URL(parseMasterPlaylist(master.text).variants[0].uri, urls.hls).href;
    expectOk(await cluster.api('GET', variant), variant);
    expectOk(await cluster.api('GET', urls.dash), urls.dash);
    streamRequests += 3;
  }
  const served = servedBetween(startStats, await cluster.instanceStats());
  const context = JSON.stringify(served);
  for (const name of [...kApiInstances, ...kStreamInstances]) {
    assert.ok(served[name].sessions > 0, `${name} served none of the requests: ${context}`);
    assert.equal(served[name].errors, 0, `${name} answered an error: ${context}`);
  }
  // Each group's instances got exactly that group's requests: none crossed over.
  const sum = (names) => names.reduce((n, name) => n + served[name].sessions, 0);
  assert.equal(sum(kApiInstances), apiRequests, `the API instances got exactly the ${apiRequests} API requests: ${context}`);
  assert.equal(sum(kStreamInstances), streamRequests, `the stream instances got exactly the ${streamRequests} stream requests: ${context}`);

  // Asked directly, each instance refuses the other group's routes with a 421 problem.
  const direct = (name, target) => cluster.api('GET', `http://127.0.0.1:${cluster.port(name)}${target}`, { token: artist.token });
  for (const name of kStreamInstances) {
    expectProblem(await direct(name, `/api/v1/tracks/${track.id}`), 421, { detailIncludes: 'catalog' });
    expectProblem(await direct(name, '/api/v1/playlists'), 421, { detailIncludes: 'playlists' });
    expectOk(await direct(name, edgePath(stream.hls)), `${name} serves the master`);
  }
  for (const name of kApiInstances) {
    expectProblem(await direct(name, `/api/v1/tracks/${track.id}/stream`), 421, { detailIncludes: 'stream' });
    expectProblem(await direct(name, edgePath(stream.hls)), 421, { detailIncludes: 'stream' });
    expectOk(await direct(name, `/api/v1/tracks/${track.id}`), `${name} serves the catalog`);
  }
});

test('the edge speaks HTTP/2', async () => {
  assert.ok(process.env.EDGE_CERT, 'run.sh hands over the edge certificate in EDGE_CERT');
  const session = http2.connect(cluster.url, { ca: await fs.readFile(process.env.EDGE_CERT) });
  try {
    await new Promise((resolve, reject) => { session.once('connect', resolve); session.once('error', reject); });
    assert.equal(session.alpnProtocol, 'h2');
    const { status, body } = await new Promise((resolve, reject) => {
      const req = session.request({ ':path': `/api/v1/tracks/${track.id}`, authorization: `Bearer ${artist.token}` });
      let status;
      const chunks = [];
      req.on('response', (headers) => { status = headers[':status']; });
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200, body);
    assert.equal(JSON.parse(body).id, track.id);
  } finally {
    session.close();
  }
});
