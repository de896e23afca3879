// Ingest through the API: real music goes processing -> ready with loudness, a text file fails
// with a reason, and a server killed (-9) in the middle of a transcode finishes the track after
// a restart, once, leaving no orphaned blobs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';

import { kOggFolder } from './lib/audio.mjs';
import { sleep, startServer, test, waitFor } from './lib/server.mjs';

const kReadyTimeoutMs = 90_000;
const kRenditions = ['aac_96', 'aac_160', 'aac_320', 'opus_96', 'opus_160', 'opus_320'];
const kProgressive = ['mp3_96.mp3', 'mp3_160.mp3', 'mp3_320.mp3'];

// The game's .ogg files, smallest first (empty when the package is not installed).
function oggFiles() {
  try {
    return fs.readdirSync(kOggFolder)
      .filter((n) => n.toLowerCase().endsWith('.ogg'))
      .map((n) => path.join(kOggFolder, n))
      .sort((a, b) => fs.statSync(a).size - fs.statSync(b).size);
  } catch {
    return [];
  }
}

const oggs = oggFiles();

function ffprobeDurationMs(file) {
  return new Promise((resolve, reject) => {
    execFile('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      (error, stdout) => (error ? reject(error) : resolve(Math.round(Number(stdout.trim()) * 1000))));
  });
}

// Polls the track until it leaves `processing` (or the time is up); returns the last body and
// every progress value seen on the way. Polls more often than the worker writes progress
// (every 2 s), so a transcode of minutes of audio shows values between 0 and 1.
async function waitUntilProcessed(server, token, id, timeoutMs = kReadyTimeoutMs) {
  const progress = [];
  let body;
  await waitFor(async () => {
    const res = await server.api('GET', `/api/v1/tracks/${id}`, { token });
    assert.equal(res.status, 200, res.text);
    body = res.json;
    progress.push(body.progress);
    return body.status !== 'processing';
  }, { timeoutMs, intervalMs: 250 });
  return { body, progress };
}

// The transcode attempts ("<job>-<n>") that have blobs of `trackId`'s renditions, sorted.
async function attemptsOf(srv, trackId) {
  const keys = await srv.blobs.list(`renditions/${trackId}/`);
  return [...new Set(keys.map((key) => key.split('/')[2]))].sort();
}

// The entries of the local store's folder for `key` ([] when it is gone), or null on S3,
// which has no folders: the local store removes the folders it empties, too.
function localFolder(srv, key) {
  if (srv.blobs.kind !== 'folder') return null;
  const dir = srv.blobs.file(key);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

// Everything under `dir` (files and folders), relative to it, sorted.
function tree(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  const walk = (d, rel) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(entry.isDirectory() ? `${r}/` : r);
      if (entry.isDirectory()) walk(path.join(d, entry.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

// The blobs of one committed transcode attempt: every CMAF rendition's init segment and
// contiguous media segments, and the three progressive MP3s, nothing else.
async function assertCompleteAttempt(srv, trackId, attempt) {
  const prefix = `renditions/${trackId}/${attempt}/`;
  const names = (await srv.blobs.list(prefix)).map((key) => key.slice(prefix.length));
  const entries = [...new Set(names.map((name) => name.split('/')[0]))].sort();
  assert.deepEqual(entries, [...kRenditions, ...kProgressive].sort(), `${prefix}: ${names}`);
  for (const name of kRenditions) {
    const files = names.filter((n) => n.startsWith(`${name}/`)).map((n) => n.slice(name.length + 1)).sort();
    assert.ok(files.includes('init.mp4'), `${name} has an init segment`);
    const segments = files.filter((f) => f !== 'init.mp4');
    assert.ok(segments.length > 0, `${name} has media segments`);
    segments.forEach((f, i) => assert.equal(f, `seg-${String(i).padStart(5, '0')}.m4s`, `${name}: ${files}`));
  }
  for (const file of kProgressive) {
    assert.ok(names.includes(file), `${file} is a blob of its own`);
    assert.ok((await srv.blobs.read(prefix + file)).length > 0, file);
  }
}

let server;
let artist;
let album;

before(async () => {
  assert.ok(oggs.length >= 2, `needs the singularity-music package in ${kOggFolder} (the test setup installs it)`);
  server = await startServer();
  artist = await server.registerUser('artist');
  album = await server.createAlbum(artist.token, (await server.createArtist(artist.token)).id);
});

after(async () => {
  await server?.close();
});

test('an uploaded Ogg Vorbis track becomes ready with its duration, loudness and tag title', async () => {
  const file = oggs[0];
  const { track } = await server.uploadTrack(artist.token, album.id, fs.readFileSync(file), { title: undefined });
  assert.equal(track.status, 'processing');
  assert.equal(track.progress, 0);
  assert.equal(track.error, null);
  assert.equal(track.durationMs, null);
  assert.equal(track.loudness, null);
  assert.equal(track.title, 'Untitled');

  const { body, progress } = await waitUntilProcessed(server, artist.token, track.id);
  assert.equal(body.status, 'ready', JSON.stringify(body));
  assert.equal(body.progress, 1);
  assert.equal(body.error, null);
  for (let i = 0; i < progress.length; i++) {
    assert.ok(progress[i] >= 0 && progress[i] <= 1, `progress within 0..1: ${progress}`);
    if (i > 0) assert.ok(progress[i] >= progress[i - 1], `progress never goes back: ${progress}`);
  }
  // 3.5 minutes of audio into nine renditions takes longer than one progress write: the worker
  // must have reported how far it got on the way, not only 0 and then 1.
  assert.ok(progress.some((p) => p > 0 && p < 1), `progress reported between 0 and 1: ${progress}`);
  const expectedMs = await ffprobeDurationMs(file);
  assert.equal(typeof body.durationMs, 'number');
  assert.ok(Math.abs(body.durationMs - expectedMs) <= 100, `durationMs ${body.durationMs} vs ${expectedMs}`);
  const { loudness } = body;
  assert.ok(loudness && typeof loudness === 'object', JSON.stringify(body));
  for (const k of ['integratedLufs', 'truePeakDb', 'gainDb']) assert.equal(typeof loudness[k], 'number', k);
  assert.ok(loudness.integratedLufs < 0 && loudness.integratedLufs > -70, `${loudness.integratedLufs} LUFS`);
  assert.ok(Math.abs(loudness.gainDb - (-14 - loudness.integratedLufs)) < 0.01, JSON.stringify(loudness));
  assert.equal(body.title, 'Awakening', 'the title tag replaces the placeholder');

  const attempts = await attemptsOf(server, track.id);
  assert.equal(attempts.length, 1, `one attempt's blobs: ${attempts}`);
  await assertCompleteAttempt(server, track.id, attempts[0]);
});

test('a text file uploaded as a track fails with a reason a person understands', async () => {
  const { track } = await server.uploadTrack(artist.token, album.id, Buffer.from('Shopping list: milk, eggs.\n'));
  assert.equal(track.status, 'processing');
  const { body } = await waitUntilProcessed(server, artist.token, track.id);
  assert.equal(body.status, 'failed', JSON.stringify(body));
  assert.equal(body.error, 'not an audio file');
  assert.equal(body.loudness, null);
  assert.deepEqual(await server.blobs.list(`renditions/${track.id}/`), [], 'no renditions stored');
  assert.deepEqual(localFolder(server, `renditions/${track.id}`) ?? [], [], 'no renditions folder');
});

test('a server killed during a transcode finishes the track once after a restart, without orphans', async () => {
  // A short lease so the restarted worker takes the dead one's job within seconds.
  const victim = await startServer({ args: ['--job-lease', '3'] });
  try {
    const owner = await victim.registerUser('artist');
    const own = await victim.createAlbum(owner.token, (await victim.createArtist(owner.token)).id);
    const file = oggs[1];  // the kill comes as soon as the transcode has begun
    const { track, trackUrl } = await victim.uploadTrack(owner.token, own.id, fs.readFileSync(file));
    const workDir = path.join(victim.dataDir, 'work');

    // Wait until the worker is transcoding (its scratch folder exists), then kill it.
    const attemptFolder = await waitFor(() => {
      const names = fs.existsSync(workDir) ? fs.readdirSync(workDir) : [];
      const found = names.find((n) => n.endsWith('-1') && fs.existsSync(path.join(workDir, n, 'out')));
      return found ?? null;
    }, { timeoutMs: 30_000, intervalMs: 20 });
    assert.ok(attemptFolder, `the worker started on the job\n${victim.logTail()}`);
    await victim.kill();
    const jobId = attemptFolder.slice(0, -2);
    const stored = await victim.blobs.list('renditions/');
    assert.ok(!stored.some((e) => e.endsWith('.mp3')), `killed before committing: ${stored}`);

    // What a worker killed while storing its output leaves behind.
    await victim.blobs.overwrite(`renditions/${track.id}/${jobId}-1/aac_96/seg-00000.m4s`,
      Buffer.from('partial output'));

    await victim.start();
    const { body } = await waitUntilProcessed(victim, owner.token, track.id);
    assert.equal(body.status, 'ready', JSON.stringify(body));
    assert.equal(body.progress, 1);

    // The janitor (every second in tests) removes the dead attempt's blobs; the scratch folder
    // of the dead attempt is gone too.
    const settled = await waitFor(async () => {
      const attempts = await attemptsOf(victim, track.id);
      return attempts.length === 1 && !attempts.includes(`${jobId}-1`) && tree(workDir).length === 0;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    assert.ok(settled, `blobs: ${await victim.blobs.list(`renditions/${track.id}/`)}\nwork: ${tree(workDir)}`);
    const [committed] = await attemptsOf(victim, track.id);
    assert.match(committed, new RegExp(`^${jobId}-[2-9]$`), 'the restarted worker redid the same job');
    await assertCompleteAttempt(victim, track.id, committed);

    // Only the original and the committed attempt's blobs remain in the whole store.
    const all = await victim.blobs.list();
    const committedPrefix = `renditions/${track.id}/${committed}/`;
    assert.deepEqual(all.filter((key) => !key.startsWith(committedPrefix)), [victim.blobs.keyOf(trackUrl)]);
    assert.deepEqual(localFolder(victim, 'renditions') ?? [track.id], [track.id]);
    assert.deepEqual(localFolder(victim, `renditions/${track.id}`) ?? [committed], [committed]);

    // Ready once: the job is not done again.
    await sleep(4000);
    const again = await victim.api('GET', `/api/v1/tracks/${track.id}`, { token: owner.token });
    assert.equal(again.json.status, 'ready');
    assert.deepEqual(await attemptsOf(victim, track.id), [committed]);
  } finally {
    await victim.close();
  }
});
