// The transcoder sandbox seen from outside: an upload in a codec Cadenza does not decode fails
// with a reason a person understands, the CLI refuses it the same way, and the child's
// subcommand stays out of --help.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { runCli, startServer, test, waitForStatus } from './lib/server.mjs';

let scratch;
let adpcm;

function ffmpeg(args) {
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], (error, stdout, stderr) =>
      (error ? reject(new Error(`ffmpeg ${args.join(' ')}: ${stderr}`)) : resolve()));
  });
}

before(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cadenza-sandbox-'));
  adpcm = path.join(scratch, 'adpcm.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'adpcm_ms', adpcm]);
});

after(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

test('an upload in an unsupported codec fails with the codec named', async () => {
  const server = await startServer();
  try {
    const artist = await server.registerUser('artist');
    const album = await server.createAlbum(artist.token, (await server.createArtist(artist.token)).id);
    const { track } = await server.uploadTrack(artist.token, album.id, await fs.readFile(adpcm));
    const body = await waitForStatus(server, artist.token, track.id, 'failed');
    assert.equal(body.error, 'unsupported audio codec: adpcm_ms');
  } finally {
    await server.close();
  }
});

test('the CLI transcodes in the sandbox and refuses the same file the same way', async () => {
  const out = path.join(scratch, 'out');
  const refused = await runCli(['transcode', adpcm, '--out', out]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /unsupported audio codec: adpcm_ms/);

  const flac = path.join(scratch, 'tone.flac');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-ac', '2', '-c:a', 'flac', flac]);
  const done = await runCli(['transcode', flac, '--out', out, '--threads', '2'], { timeoutMs: 120_000 });
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /input: flac\/flac, 44100 Hz, 2 channel\(s\)/);
  assert.match(done.stdout, /mp3_320 +progressive/);
});

test('the child subcommand is not offered in --help', async () => {
  const help = await runCli(['--help']);
  assert.match(help.stdout, /^ +transcode /m);
  assert.doesNotMatch(help.stdout, /^ +sandbox-transcode/m);
});
