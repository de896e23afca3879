// Adaptive streaming of real music, checked as a player would: an artist's lossless master
// (40 s of a singularity-music track, cut to FLAC) goes processing -> ready; ffprobe and ffmpeg
// read its HLS master, every media playlist, the DASH manifest and the progressive MP3s over
// HTTP and decode them to the source's duration; every rendition's bytes match its nominal
// bitrate; segments are immutable and cacheable; one media token covers exactly one track;
// processing and failed tracks cannot be streamed; a deleted track's media disappears.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { findOggFile, kOggFolder, makeWav, uniqueStereoWav } from './lib/audio.mjs';
import { expectProblem, kRfc3339 } from './lib/client.mjs';
import { testEngines } from './lib/engines.mjs';
import {
  decodedSeconds, ffprobe, parseMasterPlaylist, parseMediaPlaylist, probeDurationSeconds, run,
} from './lib/media.mjs';
import { startServer, test, waitFor, waitForStatus } from './lib/server.mjs';

const kCutStartSeconds = 30;
const kCutSeconds = 40;
const kReadyTimeoutMs = 120_000;
const kShortReadyTimeoutMs = 45_000;  // a 1 s file, counted from its upload
const kDurationToleranceS = 0.050;
const kBitrateTolerance = 0.10;
const kSegmentTargetS = 6;
const kManifestCache = 'private, max-age=60';
const kCmaf = {
  aac_96: { codec: 'aac', hlsCodec: 'mp4a.40.2', bps: 96_000 },
  aac_160: { codec: 'aac', hlsCodec: 'mp4a.40.2', bps: 160_000 },
  aac_320: { codec: 'aac', hlsCodec: 'mp4a.40.2', bps: 320_000 },
  opus_96: { codec: 'opus', hlsCodec: 'opus', bps: 96_000 },
  opus_160: { codec: 'opus', hlsCodec: 'opus', bps: 160_000 },
  opus_320: { codec: 'opus', hlsCodec: 'opus', bps: 320_000 },
};
const kProgressive = { mp3_96: 96_000, mp3_160: 160_000, mp3_320: 320_000 };
// On S3 the bucket serves every media byte: manifests name its pre-signed URLs, /stream hands
// them out for the progressive files, and a media file asked of Cadenza is a redirect there.
const onS3 = testEngines().s3;
// Media files never change (a redo writes new keys). Cadenza's own routes answer them for one
// listener's token (private); the bucket answers a URL that any holder may fetch, which a CDN
// in front must be allowed to keep (public).
const kImmutable = `${onS3 ? 'public' : 'private'}, max-age=31536000, immutable`;

let server;
let artist;
let listener;
let album;
let scratch;
const source = {};  // {file, bytes, seconds, title}: the FLAC master
const early = {};   // responses taken right after the master was created
let master;         // {track} the FLAC master's track as created
let other;          // {track, wav}: a short stereo track of the same artist
let mono;           // {track}: a mono WAV
let text;           // {track}: a text file uploaded as audio
let stream;         // the master's GET /stream body (once ready)
const fetched = {};  // rendition name -> {files: [{name, url, bytes, headers}], playlist}

function near(actual, expected, tolerance, what) {
  assert.ok(Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

function withinBitrate(measuredBps, nominalBps, what) {
  assert.ok(Math.abs(measuredBps - nominalBps) <= nominalBps * kBitrateTolerance,
    `${what}: ${Math.round(measuredBps)} bps is not within 10% of ${nominalBps} bps`);
}

// {token, trackId} of a URL under /media/<token>/<trackId>/.
function mediaParts(url) {
  const m = /^\/media\/([^/]+)\/([^/]+)\//.exec(new URL(url).pathname);
  assert.ok(m, `${url} is a media URL`);
  return { token: m[1], trackId: m[2] };
}

function mediaUrl(token, trackId, rest) {
  return `${server.url}/media/${token}/${trackId}/${rest}`;
}

// On S3: `url` is the bucket's pre-signed URL of the track's rendition file `rest`
// ("renditions/<track>/<attempt>/<rest>").
function assertBucketMedia(url, trackId, rest) {
  const { endpoint, bucket } = server.blobs;
  assert.ok(url.startsWith(`${endpoint}/${bucket}/`), url);
  assert.match(server.blobs.keyOf(url), new RegExp(`^renditions/${trackId}/[^/]+/${rest.replace('.', '\\.')}$`), url);
}

before(async () => {
  const ogg = findOggFile();
  assert.ok(ogg, `no .ogg file in ${kOggFolder}: the test setup installs Debian's singularity-music`);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cadenza-media-'));

  // 40 s from the middle of the track, sample-exact, as FLAC with the track's tags.
  const rate = Number((await ffprobe(ogg, 'stream=sample_rate', ['-select_streams', 'a:0'])).streams[0].sample_rate);
  source.file = path.join(scratch, 'master.flac');
  await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', ogg, '-map', '0:a:0', '-map_metadata', '0:s:0',
    '-af', `atrim=start_sample=${kCutStartSeconds * rate}:end_sample=${(kCutStartSeconds + kCutSeconds) * rate}`,
    '-c:a', 'flac', source.file]);
  source.bytes = fs.readFileSync(source.file);
  const probed = await ffprobe(source.file, 'format=duration:format_tags=title');
  source.seconds = Number(probed.format.duration);
  source.title = Object.entries(probed.format.tags ?? {}).find(([k]) => k.toLowerCase() === 'title')?.[1];
  assert.ok(source.title, `${ogg} has a title tag`);

  server = await startServer();
  [artist, listener] = await Promise.all([server.registerUser('artist'), server.registerUser('listener')]);
  album = await server.createAlbum(artist.token, (await server.createArtist(artist.token)).id);

  // The master first, with no title: it comes from the tags. Its /stream is asked for at once,
  // long before 40 s of audio can have been encoded nine times.
  master = await server.uploadTrack(artist.token, album.id, source.bytes, { title: undefined });
  early.stream = await server.api('GET', `/api/v1/tracks/${master.track.id}/stream`, { token: listener.token });
  early.original = await server.api('GET', `/api/v1/tracks/${master.track.id}/original`, { token: artist.token });

  const wav = uniqueStereoWav({ seconds: 1, sampleRate: 44100 });
  other = { wav, ...(await server.uploadTrack(artist.token, album.id, wav)) };
  mono = await server.uploadTrack(artist.token, album.id, makeWav({ seconds: 1, sampleRate: 44100, freq: 523 }));
  mono.uploadedAt = Date.now();
  text = await server.uploadTrack(artist.token, album.id, Buffer.from('Shopping list: milk, eggs, flour.\n'));
});

after(async () => {
  await server?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('while a track is processing /stream is 409 and its original is already kept', async () => {
  assert.equal(master.track.status, 'processing');
  assert.equal(master.track.progress, 0);
  assert.equal(master.track.title, 'Untitled', 'no title until the tags are read');
  expectProblem(early.stream, 409, { detailIncludes: 'processed' });
  assert.equal(early.original.status, 200, early.original.text);
  assert.equal(early.original.json.sizeBytes, source.bytes.length);
  const original = await server.api('GET', early.original.json.url);
  assert.equal(original.status, 200);
  // The type is sniffed from the bytes, not taken from the upload (on S3 the URL names it).
  assert.equal(original.headers.get('content-type'), 'audio/flac');
  assert.ok(original.bytes.equals(source.bytes), 'the original is kept byte-exact');
});

test('a 40 s FLAC master becomes ready with its duration, loudness and tag title', async () => {
  const progress = [];
  let body;
  const deadline = Date.now() + kReadyTimeoutMs;
  for (;;) {
    const res = await server.api('GET', `/api/v1/tracks/${master.track.id}`, { token: listener.token });
    assert.equal(res.status, 200, res.text);
    body = res.json;
    progress.push(body.progress);
    if (body.status !== 'processing' || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(body.status, 'ready', JSON.stringify(body));
  assert.equal(body.progress, 1);
  assert.equal(body.error, null);
  for (let i = 0; i < progress.length; i++) {
    assert.ok(progress[i] >= 0 && progress[i] <= 1, `progress within 0..1: ${progress}`);
    if (i > 0) assert.ok(progress[i] >= progress[i - 1], `progress never goes back: ${progress}`);
  }
  assert.equal(typeof body.durationMs, 'number');
  near(body.durationMs, source.seconds * 1000, kDurationToleranceS * 1000, 'durationMs');
  const { loudness } = body;
  assert.ok(loudness && typeof loudness === 'object', JSON.stringify(body));
  assert.deepEqual(Object.keys(loudness).sort(), ['gainDb', 'integratedLufs', 'truePeakDb']);
  assert.ok(loudness.integratedLufs > -70 && loudness.integratedLufs < 0, `${loudness.integratedLufs} LUFS`);
  assert.ok(loudness.truePeakDb > -70 && loudness.truePeakDb < 3, `${loudness.truePeakDb} dBTP`);
  assert.ok(loudness.truePeakDb > loudness.integratedLufs, 'music peaks above its average loudness');
  near(loudness.gainDb, -14 - loudness.integratedLufs, 0.01, 'gainDb normalises to -14 LUFS');
  assert.equal(body.title, source.title, 'the title tag replaces the placeholder');
  assert.deepEqual(Object.keys(body.tags).sort(), ['album', 'artist', 'date', 'title', 'trackNumber']);
  assert.equal(body.tags.title, source.title, 'the file\'s tags are offered');
  assert.ok(typeof body.tags.artist === 'string' && body.tags.artist.length > 0,
            `the artist tag is offered: ${JSON.stringify(body.tags)}`);
  master.ready = body;
});

test('GET /stream gives the HLS, DASH and progressive URLs under one media token', async () => {
  assert.ok(master.ready, 'the master is ready');
  const res = await server.api('GET', `/api/v1/tracks/${master.track.id}/stream`, { token: listener.token });
  assert.equal(res.status, 200, res.text);
  stream = res.json;
  assert.deepEqual(Object.keys(stream).sort(),
    ['albumId', 'dash', 'expiresAt', 'hls', 'loudness', 'progressive', 'title', 'trackUrl']);
  assert.equal(stream.albumId, album.id);
  assert.equal(stream.title, source.title);
  assert.match(stream.expiresAt, kRfc3339);
  assert.ok(Date.parse(stream.expiresAt) > Date.now(), 'the URLs have not expired');
  assert.deepEqual(stream.loudness, master.ready.loudness);
  assert.equal(stream.trackUrl, stream.hls, 'trackUrl is the adaptive default');
  const { token, trackId } = mediaParts(stream.hls);
  assert.equal(trackId, master.track.id);
  assert.equal(stream.hls, mediaUrl(token, trackId, 'master.m3u8'));
  assert.equal(stream.dash, mediaUrl(token, trackId, 'manifest.mpd'));
  if (onS3) {
    assert.deepEqual(Object.keys(stream.progressive).sort(), Object.keys(kProgressive).sort());
    for (const [name, url] of Object.entries(stream.progressive)) assertBucketMedia(url, trackId, `${name}.mp3`);
  } else {
    assert.deepEqual(stream.progressive, Object.fromEntries(
      Object.keys(kProgressive).map((name) => [name, mediaUrl(token, trackId, `${name}.mp3`)])));
  }
});

test('the HLS master lists the six variants with bandwidths and codecs', async () => {
  assert.ok(stream, 'stream URLs were issued');
  const res = await server.api('GET', stream.hls);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^(application\/vnd\.apple\.mpegurl|audio\/mpegurl)/i);
  assert.equal(res.headers.get('cache-control'), kManifestCache);
  const playlist = parseMasterPlaylist(res.text);
  assert.equal(playlist.lines[0], '#EXTM3U');
  assert.equal(playlist.tags['EXT-X-VERSION']?.length, 1, res.text);
  assert.ok(Number(playlist.tags['EXT-X-VERSION'][0]) >= 7, `EXT-X-VERSION 7 or more: ${res.text}`);
  const names = playlist.variants.map((v) => new URL(v.uri, stream.hls).pathname.split('/').slice(-2, -1)[0]);
  assert.deepEqual([...names].sort(), Object.keys(kCmaf).sort(), res.text);
  for (const [i, variant] of playlist.variants.entries()) {
    const name = names[i];
    const a = variant.attributes;
    assert.equal(new URL(variant.uri, stream.hls).href, mediaUrl(mediaParts(stream.hls).token, master.track.id, `${name}/playlist.m3u8`));
    assert.equal(a.CODECS, kCmaf[name].hlsCodec, `${name} CODECS`);
    assert.match(a.BANDWIDTH ?? '', /^\d+$/, `${name} BANDWIDTH`);
    assert.match(a['AVERAGE-BANDWIDTH'] ?? '', /^\d+$/, `${name} AVERAGE-BANDWIDTH`);
    assert.ok(Number(a.BANDWIDTH) >= Number(a['AVERAGE-BANDWIDTH']), `${name}: the peak is not below the average`);
    withinBitrate(Number(a['AVERAGE-BANDWIDTH']), kCmaf[name].bps, `${name} AVERAGE-BANDWIDTH`);
    fetched[name] = { averageBandwidth: Number(a['AVERAGE-BANDWIDTH']) };
  }
});

test('media playlists: VOD, version 7, target duration, init map and exact segment durations', async () => {
  assert.equal(Object.keys(fetched).length, 6, 'the master was read');
  for (const name of Object.keys(kCmaf)) {
    const url = new URL(`${name}/playlist.m3u8`, stream.hls).href;
    const res = await server.api('GET', url);
    assert.equal(res.status, 200, `${name}: ${res.text}`);
    assert.match(res.headers.get('content-type'), /^(application\/vnd\.apple\.mpegurl|audio\/mpegurl)/i);
    assert.equal(res.headers.get('cache-control'), kManifestCache);
    const p = parseMediaPlaylist(res.text);
    const where = `${name}:\n${res.text}`;
    assert.equal(p.lines[0], '#EXTM3U', where);
    assert.ok(Number(p.tags['EXT-X-VERSION']?.[0]) >= 7, where);
    assert.deepEqual(p.tags['EXT-X-PLAYLIST-TYPE'], ['VOD'], where);
    assert.equal(p.tags['EXT-X-TARGETDURATION']?.length, 1, where);
    const target = Number(p.tags['EXT-X-TARGETDURATION'][0]);
    assert.ok(Number.isInteger(target) && target >= 1 && target <= 7, `TARGETDURATION ${target}: ${where}`);
    if (onS3) {
      assert.equal(p.tags['EXT-X-MAP']?.length, 1, where);
      assertBucketMedia(/^URI="([^"]+)"$/.exec(p.tags['EXT-X-MAP'][0])[1], master.track.id, `${name}/init.mp4`);
    } else {
      assert.deepEqual(p.tags['EXT-X-MAP'], ['URI="init.mp4"'], where);
    }
    assert.equal(p.lines[p.lines.length - 1], '#EXT-X-ENDLIST', where);
    assert.ok(p.segments.length >= Math.floor(source.seconds / (kSegmentTargetS + 0.5)), where);
    let total = 0;
    p.segments.forEach((s, i) => {
      assert.match(s.durationText, /^\d+\.\d+$/, `EXTINF with decimals: ${where}`);
      assert.ok(s.duration > 0, where);
      assert.ok(s.duration <= kSegmentTargetS + 0.5, `segment ${i} lasts ${s.duration} s: ${where}`);
      assert.ok(s.duration <= target + 0.5, `segment ${i} (${s.duration} s) fits TARGETDURATION: ${where}`);
      const segmentName = `seg-${String(i).padStart(5, '0')}.m4s`;
      if (onS3) assertBucketMedia(s.uri, master.track.id, `${name}/${segmentName}`);
      else assert.equal(s.uri, segmentName, where);
      total += s.duration;
    });
    near(total, source.seconds, kDurationToleranceS, `${name}: the EXTINFs add up to the source`);
    fetched[name].playlist = p;
  }
});

test('each CMAF rendition served over HTTP averages its nominal bitrate (within 10%)', async (t) => {
  for (const name of Object.keys(kCmaf)) {
    assert.ok(fetched[name]?.playlist, `${name} playlist was read`);
    // Each file by its name under Cadenza's /media/ (on S3 a redirect to the bucket). On S3 the
    // playlist names the bucket's URLs: a player fetches those, so they are checked too.
    const { segments } = fetched[name].playlist;
    const files = ['init.mp4', ...segments.map((s) => s.uri.split('?')[0].split('/').pop())];
    fetched[name].files = [];
    let bytes = 0;
    for (const file of files) {
      const url = new URL(`${name}/${file}`, stream.hls).href;
      const res = await server.getMedia(url);
      assert.equal(res.status, 200, `${name}/${file}: ${res.status} ${res.text}`);
      assert.match(res.headers.get('content-type'), /^audio\/mp4/, `${name}/${file}`);
      assert.equal(res.headers.get('cache-control'), kImmutable, `${name}/${file}`);
      if (onS3 && file !== 'init.mp4') {
        const listed = await server.api('GET', segments[files.indexOf(file) - 1].uri);
        assert.equal(listed.status, 200, `${name}/${file} as listed`);
        assert.match(listed.headers.get('content-type'), /^audio\/mp4/, `${name}/${file} as listed`);
        assert.equal(listed.headers.get('cache-control'), kImmutable, `${name}/${file} as listed`);
        assert.ok(listed.bytes.equals(res.bytes), `${name}/${file}: the same bytes either way`);
      }
      assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/, `${name}/${file} has an opaque ETag`);
      assert.equal(Number(res.headers.get('content-length')), res.bytes.length);
      assert.ok(res.bytes.length > 0, `${name}/${file} is not empty`);
      bytes += res.bytes.length;
      fetched[name].files.push({ file, url, bytes: res.bytes, etag: res.headers.get('etag') });
    }
    const measured = (bytes * 8) / source.seconds;
    t.diagnostic(`${name}: ${files.length} files, ${bytes} bytes, ${Math.round(measured)} bps`);
    withinBitrate(measured, kCmaf[name].bps, `${name} init + segments`);
    withinBitrate(fetched[name].averageBandwidth, measured, `${name} AVERAGE-BANDWIDTH vs the bytes served`);
    const etags = new Set(fetched[name].files.map((f) => f.etag));
    assert.equal(etags.size, files.length, `${name}: every file has its own ETag`);
  }
});

test('ffprobe and ffmpeg read the HLS master and every media playlist over HTTP', async (t) => {
  assert.ok(stream, 'stream URLs were issued');
  near(await probeDurationSeconds(stream.hls), source.seconds, kDurationToleranceS, 'ffprobe duration of the master');
  const probed = await ffprobe(stream.hls, 'stream=codec_name,channels,sample_rate');
  const codecs = probed.streams.map((s) => s.codec_name).sort();
  assert.deepEqual(codecs, ['aac', 'aac', 'aac', 'opus', 'opus', 'opus'], JSON.stringify(probed.streams));
  for (const [name, spec] of Object.entries(kCmaf)) {
    const url = new URL(`${name}/playlist.m3u8`, stream.hls).href;
    const probedSeconds = await probeDurationSeconds(url);
    near(probedSeconds, source.seconds, kDurationToleranceS, `ffprobe duration of ${name}`);
    const streams = (await ffprobe(url, 'stream=codec_name,channels')).streams;
    assert.deepEqual(streams.map((s) => s.codec_name), [spec.codec], `${name} codec`);
    assert.equal(streams[0].channels, 2, `${name} keeps the stereo of the source`);
    const decoded = await decodedSeconds(url);
    t.diagnostic(`${name}: source ${source.seconds} s, ffprobe ${probedSeconds} s, decoded ${decoded} s`);
    near(decoded, source.seconds, kDurationToleranceS, `decoded duration of ${name}`);
  }
});

// On S3: every representation of `mpd` is its Initialization and SegmentURLs, fetched from the
// bucket as listed, which together decode to the source's duration in the representation's codec.
async function assertDashListsPlayableFiles(mpd) {
  const unescape = (url) => url.replaceAll('&amp;', '&');
  const representations = mpd.split('<Representation ').slice(1);
  assert.equal(representations.length, Object.keys(kCmaf).length, mpd);
  for (const representation of representations) {
    const id = /^id="([^"]+)"/.exec(representation)[1];
    const init = /<Initialization sourceURL="([^"]+)"/.exec(representation)?.[1];
    const media = [...representation.matchAll(/<SegmentURL media="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(init && media.length > 0, `${id} lists its files: ${representation}`);
    const parts = [];
    for (const url of [init, ...media].map(unescape)) {
      assertBucketMedia(url, master.track.id, `${id}/${url === unescape(init) ? 'init.mp4' : 'seg-\\d{5}.m4s'}`);
      const res = await server.api('GET', url);
      assert.equal(res.status, 200, `${id}: ${url}`);
      parts.push(res.bytes);
    }
    const file = path.join(scratch, `dash-${id}.mp4`);
    fs.writeFileSync(file, Buffer.concat(parts));
    const streams = (await ffprobe(file, 'stream=codec_name')).streams;
    assert.deepEqual(streams.map((s) => s.codec_name), [kCmaf[id].codec], `${id} codec`);
    near(await decodedSeconds(file), source.seconds, kDurationToleranceS, `decoded duration of DASH ${id}`);
  }
}

test('ffprobe and ffmpeg read the DASH manifest over HTTP', async () => {
  assert.ok(stream, 'stream URLs were issued');
  const res = await server.api('GET', stream.dash);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/dash\+xml/);
  assert.equal(res.headers.get('cache-control'), kManifestCache);
  const mpd = res.text;
  assert.match(mpd, /<MPD[^>]*type="static"/, mpd);
  const declared = /mediaPresentationDuration="PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?"/.exec(mpd);
  assert.ok(declared, `mediaPresentationDuration: ${mpd}`);
  const seconds = Number(declared[1] ?? 0) * 3600 + Number(declared[2] ?? 0) * 60 + Number(declared[3] ?? 0);
  near(seconds, source.seconds, kDurationToleranceS, 'mediaPresentationDuration');
  const sets = mpd.split('<AdaptationSet').slice(1);
  assert.equal(sets.length, 2, `one adaptation set per codec: ${mpd}`);
  const ids = [...mpd.matchAll(/<Representation[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...ids].sort(), Object.keys(kCmaf).sort(), mpd);
  for (const set of sets) {
    const setIds = [...set.matchAll(/<Representation[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(setIds.map((id) => kCmaf[id].codec)).size, 1, `one codec per adaptation set: ${setIds}`);
    // The bucket's URLs are signed one by one: listed, not made from a template.
    assert.match(set, onS3 ? /<SegmentList[^>]*>/ : /<SegmentTemplate[^>]*>/);
    assert.match(set, /<SegmentTimeline>/);
  }

  if (onS3) {
    // FFmpeg 5.1's DASH demuxer truncates SegmentList URLs longer than about its manifest
    // URL ("invalid:truncated"), which the bucket's signed URLs are: each representation is
    // read the way a DASH player reads it instead, from the URLs listed, and decoded whole.
    await assertDashListsPlayableFiles(mpd);
    return;
  }
  near(await probeDurationSeconds(stream.dash), source.seconds, kDurationToleranceS, 'ffprobe duration of the MPD');
  const probed = await ffprobe(stream.dash, 'stream=index,codec_name:stream_tags=id');
  const byId = Object.fromEntries(probed.streams.map((s, i) => [s.tags?.id, { ...s, audioIndex: i }]));
  assert.deepEqual(Object.keys(byId).sort(), Object.keys(kCmaf).sort(), JSON.stringify(probed.streams));
  for (const [name, spec] of Object.entries(kCmaf)) {
    assert.equal(byId[name].codec_name, spec.codec, `${name} codec in the MPD`);
    near(await decodedSeconds(stream.dash, byId[name].audioIndex), source.seconds, kDurationToleranceS,
      `decoded duration of DASH ${name}`);
  }
});

test('progressive MP3s: duration within 50 ms and bitrate within 10%', async (t) => {
  assert.ok(stream, 'stream URLs were issued');
  for (const [name, bps] of Object.entries(kProgressive)) {
    const url = stream.progressive[name];
    const res = await server.api('GET', url);
    assert.equal(res.status, 200, `${name}: ${res.text}`);
    assert.equal(res.headers.get('content-type'), 'audio/mpeg');
    assert.equal(res.headers.get('cache-control'), kImmutable);
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/, `${name} has an opaque ETag`);
    t.diagnostic(`${name}: ${res.bytes.length} bytes, ${Math.round((res.bytes.length * 8) / source.seconds)} bps`);
    withinBitrate((res.bytes.length * 8) / source.seconds, bps, `${name} file size`);
    const streams = (await ffprobe(url, 'stream=codec_name,channels')).streams;
    assert.deepEqual(streams.map((s) => s.codec_name), ['mp3'], name);
    near(await probeDurationSeconds(url), source.seconds, kDurationToleranceS, `ffprobe duration of ${name}`);
    near(await decodedSeconds(url), source.seconds, kDurationToleranceS, `decoded duration of ${name}`);
  }
});

test('segments are immutable: ETag and 304 on If-None-Match; Range gives 206', async () => {
  assert.ok(fetched.aac_160?.files, 'the segments were fetched');
  const segment = fetched.aac_160.files[2];
  // On S3 the bucket answers conditional and ranged requests (through Cadenza's redirect).
  const get = (url, headers) => server.getMedia(url, { headers });
  const again = await get(segment.url);
  assert.equal(again.headers.get('etag'), segment.etag, 'the ETag is stable');
  assert.ok(again.bytes.equals(segment.bytes), 'the bytes are stable');

  const cached = await get(segment.url, { 'if-none-match': segment.etag });
  assert.equal(cached.status, 304);
  assert.equal(cached.bytes.length, 0);
  if (!onS3) {  // s3rver's 304 carries no ETag and matches one tag only, unlike S3
    assert.equal(cached.headers.get('etag'), segment.etag);
    const listed = await get(segment.url, { 'if-none-match': `"nope", ${segment.etag}` });
    assert.equal(listed.status, 304, 'a list of entity tags is matched too');
  }
  const stale = await get(segment.url, { 'if-none-match': '"some-other-version"' });
  assert.equal(stale.status, 200);
  assert.ok(stale.bytes.equals(segment.bytes));

  const size = segment.bytes.length;
  const ranged = await get(segment.url, { range: 'bytes=100-199' });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get('content-range'), `bytes 100-199/${size}`);
  assert.ok(ranged.bytes.equals(segment.bytes.subarray(100, 200)));
  if (!onS3) {  // s3rver reads "bytes=-N" as the first N + 1 bytes, unlike S3
    const tail = await get(segment.url, { range: 'bytes=-64' });
    assert.equal(tail.status, 206);
    assert.ok(tail.bytes.equals(segment.bytes.subarray(size - 64)));
  }
  const init = fetched.opus_96.files[0];
  const initRange = await get(init.url, { range: 'bytes=0-7' });
  assert.equal(initRange.status, 206);
  assert.ok(initRange.bytes.equals(init.bytes.subarray(0, 8)));
  const mp3 = await get(stream.progressive.mp3_96, { range: 'bytes=1000-' });
  assert.equal(mp3.status, 206);
  assert.match(mp3.headers.get('content-range') ?? '', /^bytes 1000-\d+\/\d+$/);
  const unsatisfiable = await get(segment.url, { range: `bytes=${size}-` });
  assert.equal(unsatisfiable.status, 416);
  if (!onS3) assert.equal(unsatisfiable.headers.get('content-range'), `bytes */${size}`);
});

test('one media token covers one track: other tracks, tampered tokens and unknown files are refused', async () => {
  assert.ok(stream, 'stream URLs were issued');
  await waitForStatus(server, artist.token, other.track.id, 'ready', kReadyTimeoutMs);
  const otherStream = await server.streamUrls(listener.token, other.track.id);
  const a = mediaParts(stream.hls);
  const b = mediaParts(otherStream.hls);
  assert.notEqual(a.token, b.token);
  assert.equal((await server.getMedia(mediaUrl(b.token, b.trackId, 'aac_96/seg-00000.m4s'))).status, 200);

  // A's token on B's files and the other way round.
  for (const rest of ['master.m3u8', 'manifest.mpd', 'aac_96/playlist.m3u8', 'aac_96/init.mp4', 'aac_96/seg-00000.m4s', 'mp3_160.mp3']) {
    expectProblem(await server.api('GET', mediaUrl(a.token, b.trackId, rest)), 403);
    expectProblem(await server.api('GET', mediaUrl(b.token, a.trackId, rest)), 403);
  }

  // Tampered tokens: the signature, the signed payload, garbage.
  const [payload, signature] = a.token.split('.');
  assert.ok(payload && signature, `token ${a.token} is <payload>.<signature>`);
  const flip = (s) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  const decoded = Buffer.from(payload, 'base64url').toString('utf8');
  const longer = decoded.replace(/\d{13}/, (ms) => String(Number(ms) + 3_600_000));
  assert.notEqual(longer, decoded, `the payload ${decoded} carries the expiry`);
  const tampered = [
    `${payload}.${flip(signature)}`,
    `${Buffer.from(longer, 'utf8').toString('base64url')}.${signature}`,
    `${flip(payload)}.${signature}`,
    signature,
    'not-a-token',
  ];
  for (const token of tampered) {
    for (const rest of ['master.m3u8', 'aac_96/seg-00000.m4s']) {
      expectProblem(await server.api('GET', mediaUrl(token, a.trackId, rest)), 403);
    }
  }

  // Names the track does not have.
  const last = fetched.aac_96.playlist.segments.length;
  for (const rest of [
    `aac_96/seg-${String(last).padStart(5, '0')}.m4s`, 'aac_96/seg-99999.m4s', 'aac_96/seg-0.m4s',
    'aac_96/segment.m4s', 'aac_97/playlist.m3u8', 'flac_96/init.mp4', 'mp3_160/playlist.m3u8', 'mp3_128.mp3',
    'aac_96.mp3', 'master.m3u', 'nothing',
  ]) {
    expectProblem(await server.api('GET', mediaUrl(a.token, a.trackId, rest)), 404);
  }
});

test('a text file uploaded as audio fails with "not an audio file" and /stream is 422', async () => {
  const body = await waitForStatus(server, artist.token, text.track.id, 'failed', kReadyTimeoutMs);
  assert.equal(body.error, 'not an audio file');
  assert.equal(body.loudness, null);
  assert.equal(body.durationMs, null);
  expectProblem(await server.api('GET', `/api/v1/tracks/${text.track.id}/stream`, { token: listener.token }), 422,
    { detailIncludes: 'the track could not be processed: not an audio file' });
  const original = await server.fetchOriginal(artist.token, text.track.id);
  assert.equal(original.status, 200, 'the original of a failed track is kept');
});

test('a mono WAV is processed into every rendition like any other input', async () => {
  const left = Math.max(1000, kShortReadyTimeoutMs - (Date.now() - mono.uploadedAt));
  await waitForStatus(server, artist.token, mono.track.id, 'ready', left);
  const urls = await server.streamUrls(listener.token, mono.track.id);
  const res = await server.api('GET', urls.hls);
  assert.equal(res.status, 200, res.text);
  assert.equal(parseMasterPlaylist(res.text).variants.length, 6, res.text);
  near(await decodedSeconds(new URL('opus_320/playlist.m3u8', urls.hls).href), 1, kDurationToleranceS,
    'decoded duration of the mono opus_320');
});

test('deleting a ready track: its media URLs stop working and its renditions leave the store', async () => {
  assert.ok(fetched.aac_96?.files, 'the segments were fetched');
  const prefix = `renditions/${master.track.id}/`;
  assert.ok((await server.blobs.list(prefix)).length > 0, `${prefix} holds the renditions`);
  const originalKey = server.blobs.keyOf(master.trackUrl);
  assert.ok(await server.blobs.exists(originalKey));

  const del = await server.api('DELETE', `/api/v1/tracks/${master.track.id}`, { token: artist.token });
  assert.equal(del.status, 200, del.text);
  // Cadenza's URLs stop at once. On S3 the progressive URL is the bucket's: it stops when the
  // janitor has removed the file (below).
  const cadenzaUrls = [stream.hls, stream.dash, new URL('aac_96/playlist.m3u8', stream.hls).href,
    fetched.aac_96.files[0].url, fetched.aac_96.files[1].url];
  if (!onS3) cadenzaUrls.push(stream.progressive.mp3_320);
  for (const url of cadenzaUrls) {
    expectProblem(await server.api('GET', url), [403, 404, 410]);
  }
  expectProblem(await server.api('GET', `/api/v1/tracks/${master.track.id}/stream`, { token: listener.token }), [404, 410]);

  const gone = await waitFor(async () => (await server.blobs.list(prefix)).length === 0, { timeoutMs: 20_000, intervalMs: 200 });
  assert.ok(gone, `the janitor left ${await server.blobs.list(prefix)}`);
  assert.ok(await waitFor(async () => !(await server.blobs.exists(originalKey)), { timeoutMs: 20_000, intervalMs: 200 }),
    'the original leaves the store too');
  if (onS3) assert.equal((await server.api('GET', stream.progressive.mp3_320)).status, 404, 'the bucket has no such file');
  // The other track's media is untouched.
  const otherStream = await server.streamUrls(listener.token, other.track.id);
  assert.equal((await server.api('GET', otherStream.progressive.mp3_96)).status, 200);
});
