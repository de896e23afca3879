// Client-side media tools for the streaming tests: the ffmpeg/ffprobe CLIs (which read HLS,
// DASH and MP3 over HTTP as a player would) and small HLS playlist parsers.
import { execFile } from 'node:child_process';

const kToolTimeoutMs = 120_000;

// Runs a command; resolves {stdout, stderr}, rejects with the command line and its stderr when
// it fails or does not finish within `timeoutMs`.
export function run(command, args, { timeoutMs = kToolTimeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `timed out after ${timeoutMs} ms` : `failed (${error.code ?? error.signal})`;
        reject(new Error(`${command} ${args.join(' ')} ${why}\n${stderr}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

// ffprobe's JSON for `target` (a file or a URL) with the given -show_entries.
export async function ffprobe(target, entries, extra = []) {
  const { stdout } = await run('ffprobe', ['-v', 'error', ...extra, '-show_entries', entries, '-of', 'json', target]);
  return JSON.parse(stdout);
}

// The container duration ffprobe reports, in seconds.
export async function probeDurationSeconds(target) {
  const duration = Number((await ffprobe(target, 'format=duration')).format?.duration);
  if (!Number.isFinite(duration)) throw new Error(`ffprobe found no duration in ${target}`);
  return duration;
}

// Decodes one audio stream of `target` to nothing with ffmpeg and returns the media time it
// reached, in seconds (the last `time=` of its progress report, 10 ms resolution).
export async function decodedSeconds(target, streamIndex = 0) {
  const { stderr } = await run('ffmpeg', ['-nostdin', '-hide_banner', '-i', target,
    '-map', `0:a:${streamIndex}`, '-f', 'null', '-']);
  const times = [...stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g)];
  if (times.length === 0) throw new Error(`ffmpeg reported no progress decoding ${target}\n${stderr}`);
  const [, h, m, s] = times[times.length - 1];
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

// Splits an HLS attribute list (KEY=value,KEY="quoted, value") into an object.
export function parseAttributes(list) {
  const out = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)(?:,|$)/g;
  let m;
  while ((m = re.exec(list)) !== null && m[0] !== '') {
    out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
  }
  return out;
}

// {lines, tags: {NAME: [values...]}, variants: [{attributes, uri}]} of a master playlist.
export function parseMasterPlaylist(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const tags = {};
  const variants = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^#(EXT[A-Z0-9-]*)(?::(.*))?$/.exec(lines[i]);
    if (!m) continue;
    (tags[m[1]] ??= []).push(m[2] ?? '');
    if (m[1] === 'EXT-X-STREAM-INF') variants.push({ attributes: parseAttributes(m[2] ?? ''), uri: lines[i + 1] });
  }
  return { lines, tags, variants };
}

// {lines, tags, segments: [{duration, durationText, uri}]} of a media playlist.
export function parseMediaPlaylist(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const tags = {};
  const segments = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^#(EXT[A-Z0-9-]*)(?::(.*))?$/.exec(lines[i]);
    if (!m) continue;
    (tags[m[1]] ??= []).push(m[2] ?? '');
    if (m[1] === 'EXTINF') {
      const durationText = (m[2] ?? '').split(',')[0];
      segments.push({ duration: Number(durationText), durationText, uri: lines[i + 1] });
    }
  }
  return { lines, tags, segments };
}
