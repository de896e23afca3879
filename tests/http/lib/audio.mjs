// Real audio bytes for uploads: a RIFF/WAVE file holding a sine tone as 16-bit mono PCM.
import fs from 'node:fs';
import path from 'node:path';

export function makeWav({ seconds = 0.5, freq = 1000, sampleRate = 8000, amplitude = 0.4 } = {}) {
  const samples = Math.round(seconds * sampleRate);
  const dataBytes = samples * 2;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);             // fmt chunk size
  b.writeUInt16LE(1, 20);              // PCM
  b.writeUInt16LE(1, 22);              // mono
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28); // byte rate
  b.writeUInt16LE(2, 32);              // block align
  b.writeUInt16LE(16, 34);             // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  const peak = Math.round(32767 * amplitude);
  for (let i = 0; i < samples; i++) {
    b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * freq * i) / sampleRate) * peak), 44 + 2 * i);
  }
  return b;
}

// A distinct tone per call, so two uploads never have the same bytes.
let toneCounter = 0;
export function uniqueWav(options = {}) {
  toneCounter += 1;
  return makeWav({ freq: 440 + 37 * toneCounter, amplitude: 0.2 + (toneCounter % 7) / 20, ...options });
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
