export type Codec = 'aac' | 'opus' | 'mp3';

export interface Quality {
  codec: Codec;
  /** Nominal bit rate of the rendition in kbit/s, null when unknown (native players). */
  kbps: number | null;
  label: string;
}

/** The fields of an hls.js Level that tell its codec and rate. */
export interface LevelLike {
  url?: string | string[];
  audioCodec?: string;
  codecSet?: string;
  bitrate?: number;
  averageBitrate?: number;
}

// The server names renditions <codec>_<kbps> (aac_160/playlist.m3u8); that is the nominal rate,
// which BANDWIDTH (a peak including container overhead) is not.
const RENDITION_PATH = /\/(aac|opus|mp3)_(\d+)(?:\/|\.mp3)/;
const NOMINAL_RATES = [96, 160, 320];

export function codecFromString(codecs: string | undefined): Codec | null {
  const value = (codecs ?? '').toLowerCase();
  if (value.includes('opus')) return 'opus';
  if (value.includes('mp4a.40.34') || value.includes('mp3')) return 'mp3';
  if (value.includes('mp4a')) return 'aac';
  return null;
}

export function qualityLabel(codec: Codec, kbps: number | null): string {
  const name = codec === 'opus' ? 'Opus' : codec.toUpperCase();
  return kbps ? `${name} ${kbps} kbps` : name;
}

export function makeQuality(codec: Codec, kbps: number | null): Quality {
  return { codec, kbps, label: qualityLabel(codec, kbps) };
}

function nearestNominal(bitsPerSecond: number): number {
  const kbps = bitsPerSecond / 1000;
  return NOMINAL_RATES.reduce((best, rate) => (Math.abs(rate - kbps) < Math.abs(best - kbps) ? rate : best));
}

export function qualityFromUrl(url: string): Quality | null {
  const match = RENDITION_PATH.exec(url);
  return match ? makeQuality(match[1] as Codec, Number(match[2])) : null;
}

export function qualityFromLevel(level: LevelLike | undefined): Quality | null {
  if (!level) return null;
  const urls = Array.isArray(level.url) ? level.url : level.url ? [level.url] : [];
  for (const url of urls) {
    const fromUrl = qualityFromUrl(url);
    if (fromUrl) return fromUrl;
  }
  const codec = codecFromString(level.audioCodec || level.codecSet);
  if (!codec) return null;
  const rate = level.averageBitrate || level.bitrate;
  return makeQuality(codec, rate ? nearestNominal(rate) : null);
}
