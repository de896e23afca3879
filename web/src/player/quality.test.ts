import { describe, expect, it } from 'vitest';
import { codecFromString, qualityFromLevel, qualityFromUrl, qualityLabel } from './quality';

describe('quality', () => {
  it('reads the nominal rate from the rendition path', () => {
    expect(qualityFromUrl('http://h/media/tok/id/aac_160/playlist.m3u8')).toEqual({ codec: 'aac', kbps: 160, label: 'AAC 160 kbps' });
    expect(qualityFromUrl('/media/t/i/opus_96/playlist.m3u8')?.label).toBe('Opus 96 kbps');
    expect(qualityFromUrl('/media/t/i/mp3_320.mp3')?.label).toBe('MP3 320 kbps');
    expect(qualityFromUrl('/media/t/i/master.m3u8')).toBeNull();
  });

  it('prefers the path over BANDWIDTH, which includes overhead', () => {
    const level = { url: ['/m/t/i/opus_160/playlist.m3u8'], audioCodec: 'opus', bitrate: 626462, averageBitrate: 162581 };
    expect(qualityFromLevel(level)).toMatchObject({ codec: 'opus', kbps: 160 });
  });

  it('falls back to the codec and the nearest nominal rate', () => {
    expect(qualityFromLevel({ url: 'x/playlist.m3u8', audioCodec: 'mp4a.40.2', averageBitrate: 98788 })).toMatchObject({ codec: 'aac', kbps: 96 });
    expect(qualityFromLevel({ audioCodec: 'mp4a.40.2', bitrate: 335644 })?.label).toBe('AAC 320 kbps');
    expect(qualityFromLevel({ audioCodec: 'vorbis' })).toBeNull();
    expect(qualityFromLevel(undefined)).toBeNull();
  });

  it('names codecs', () => {
    expect(codecFromString('mp4a.40.2')).toBe('aac');
    expect(codecFromString('Opus')).toBe('opus');
    expect(codecFromString('mp4a.40.34')).toBe('mp3');
    expect(qualityLabel('aac', null)).toBe('AAC');
  });
});
