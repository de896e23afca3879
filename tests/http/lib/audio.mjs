// Real audio bytes for uploads: a RIFF/WAVE file holding a sine tone as 16-bit PCM (mono by
// default; with `channels: 2` the same tone on both channels).
import fs from 'node:fs';
import path from 'node:path';

export function makeWav({ seconds = 0.5, freq = 1000, sampleRate = 8000, amplitude = 0.4, channels = 1 } = {}) {
  const samples = Math.round(seconds * sampleRate);
  const blockAlign = 2 * channels;
  const dataBytes = samples * blockAlign;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);             // fmt chunk size
  b.writeUInt16LE(1, 20);              // PCM
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * blockAlign, 28); // byte rate
  b.writeUInt16LE(blockAlign, 32);
  b.writeUInt16LE(16, 34);             // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  const peak = Math.round(32767 * amplitude);
  for (let i = 0; i < samples; i++) {
    const value = Math.round(Math.sin((2 * Math.PI * freq * i) / sampleRate) * peak);
    for (let c = 0; c < channels; c++) b.writeInt16LE(value, 44 + blockAlign * i + 2 * c);
  }
  return b;
}

// A distinct tone per call, so two uploads never have the same bytes.
let toneCounter = 0;
export function uniqueWav(options = {}) {
  toneCounter += 1;
  return makeWav({ freq: 440 + 37 * toneCounter, amplitude: 0.2 + (toneCounter % 7) / 20, ...options });
}

// A distinct stereo tone: what the transcoder turns into every rendition (the tests that need
// a track to become ready use it).
export function uniqueStereoWav(options = {}) {
  return uniqueWav({ channels: 2, ...options });
}

export const kOggFolder = '/usr/share/games/singularity/music/';

// The first .ogg file of the game's music folder, or null when it is not installed.
export function findOggFile() {
  try {
    const names = fs.readdirSync(kOggFolder).filter((n) => n.toLowerCase().endsWith('.ogg')).sort();
    return names.length ? path.join(kOggFolder, names[0]) : null;
  } catch {
    return null;
  }
}
