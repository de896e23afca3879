// Audio files an artist would upload, made at test start from Debian's singularity-music:
// short lossless cuts of real songs (keeping their tags, so each track gets its song's title),
// and a file that looks like FLAC to the upload but cannot be decoded.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

export const kMusicDir = '/usr/share/games/singularity/music';

function ffmpeg(args) {
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args],
      { timeout: 120_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`ffmpeg ${args.join(' ')}: ${stderr}`)) : resolve()));
  });
}

// `seconds` of SONG (a file name without .ogg) from `fromS` on, as DIR/SONG.flac with the
// song's tags (title, artist, ...) on the file.
export async function cutSong(dir, song, { fromS = 10, seconds = 30 } = {}) {
  const out = path.join(dir, `${song}.flac`);
  await ffmpeg(['-ss', String(fromS), '-i', path.join(kMusicDir, `${song}.ogg`), '-t', String(seconds),
    '-map_metadata', '0:s:0', '-vn', '-c:a', 'flac', out]);
  return out;
}

// A file that passes for FLAC (the "fLaC" magic and the metadata blocks of a real one) whose
// audio frames are replaced by noise bytes: accepted as an upload, refused by the transcoder.
// The noise is a fixed sequence so every run uploads the same bytes.
export async function undecodableFlac(validFlac, out, garbageBytes = 64 * 1024) {
  const bytes = await fs.readFile(validFlac);
  let offset = 4;  // after "fLaC"
  for (;;) {
    const last = bytes[offset] & 0x80;
    const length = bytes.readUIntBE(offset + 1, 3);
    offset += 4 + length;
    if (last) break;
  }
  const noise = Buffer.alloc(garbageBytes);
  let state = 0x2545f491;
  for (let i = 0; i < noise.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    noise[i] = state >>> 24;
  }
  await fs.writeFile(out, Buffer.concat([bytes.subarray(0, offset), noise]));
  return out;
}

// A square cover image (PNG) drawn by ffmpeg.
export async function coverImage(dir, name = 'cover.png') {
  const out = path.join(dir, name);
  await ffmpeg(['-f', 'lavfi', '-i', 'gradients=s=640x640:c0=0x203060:c1=0xe07030:seed=7', '-frames:v', '1', '-pix_fmt', 'rgb24', out]);
  return out;
}
