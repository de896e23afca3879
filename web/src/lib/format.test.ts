import { describe, expect, it } from 'vitest';
import { fileTitle, formatDurationMs, formatTime } from './format';
import { moveItem } from './reorder';
import { sortTracks } from './track-order';

describe('formatTime', () => {
  it('writes m:ss and h:mm:ss', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(5.9)).toBe('0:05');
    expect(formatTime(65)).toBe('1:05');
    expect(formatTime(3723)).toBe('1:02:03');
  });

  it('treats unknown values as zero', () => {
    expect(formatTime(Number.NaN)).toBe('0:00');
    expect(formatTime(-3)).toBe('0:00');
    expect(formatTime(undefined)).toBe('0:00');
  });

  it('formats milliseconds and shows unknown durations as a dash', () => {
    expect(formatDurationMs(282240)).toBe('4:42');
    expect(formatDurationMs(null)).toBe('–:––');
  });
});

describe('fileTitle', () => {
  it('drops the extension only', () => {
    expect(fileTitle('Through Space.flac')).toBe('Through Space');
    expect(fileTitle('01. Intro.v2.mp3')).toBe('01. Intro.v2');
    expect(fileTitle('.hidden')).toBe('.hidden');
    expect(fileTitle('  .flac')).toBe('Untitled');
    expect(fileTitle(`${'x'.repeat(300)}.wav`)).toHaveLength(200);
  });
});

describe('moveItem', () => {
  it('moves an item to where it should end up', () => {
    expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(['a', 'b', 'c', 'd'], 3, 1)).toEqual(['a', 'd', 'b', 'c']);
    expect(moveItem(['a', 'b'], 0, 9)).toEqual(['a', 'b']);
  });
});

describe('sortTracks', () => {
  it('orders like the server: number ascending, unnumbered last, then by id', () => {
    const make = (id: string, trackNumber: number | null) => ({ id, trackNumber }) as Parameters<typeof sortTracks>[0][number];
    const sorted = sortTracks([make('c', null), make('b', 2), make('a', null), make('d', 1), make('e', 2)]);
    expect(sorted.map((track) => track.id)).toEqual(['d', 'b', 'e', 'a', 'c']);
  });
});
