import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchResults } from '../api/types';
import { createDebouncedSearch, hitContext, hitToTrack, isSearchable, moveActive, searchPath, suggestionsOf } from './search';

describe('searchPath', () => {
  it('trims and encodes the query and adds only what is set', () => {
    expect(searchPath({ q: '  a&b c  ' })).toBe('/search?q=a%26b+c');
    expect(searchPath({ q: 'x', types: ['track', 'album'], limit: 5, cursor: 'dHJhY2s6NQ' })).toBe(
      '/search?q=x&types=track%2Calbum&limit=5&cursor=dHJhY2s6NQ',
    );
  });

  it('sends nothing for blank or over-long queries', () => {
    expect(searchPath({ q: '' })).toBeNull();
    expect(searchPath({ q: ' \t ' })).toBeNull();
    expect(isSearchable('a'.repeat(200))).toBe(true);
    expect(isSearchable('a'.repeat(201))).toBe(false);
    // 200 bytes, not characters: 101 two-byte letters are too many.
    expect(isSearchable('ö'.repeat(100))).toBe(true);
    expect(isSearchable('ö'.repeat(101))).toBe(false);
  });
});

const results: SearchResults = {
  query: 'blue',
  tracks: {
    items: [{ id: 't1', title: 'Blue', artist: { id: 'r1', name: 'Ray' }, album: { id: 'a1', title: 'Sky' }, cover: null, durationMs: 1000, playCount: 3 }],
    nextCursor: null,
  },
  albums: { items: [{ id: 'a2', title: 'Blues', artist: { id: 'r1', name: 'Ray' }, cover: { '96': '/covers/a2/v/96.jpg' }, playCount: 0 }], nextCursor: 'x' },
  artists: { items: [{ id: 'r2', name: 'Blue Note', playCount: 9 }], nextCursor: null },
  playlists: { items: [{ id: 'p1', name: 'Blue mood', ownerId: 'u1' }], nextCursor: null },
};

describe('hits', () => {
  it('turns a track hit into a playable track of its album', () => {
    const track = hitToTrack(results.tracks!.items[0]);
    expect(track).toMatchObject({ id: 't1', albumId: 'a1', title: 'Blue', status: 'ready', durationMs: 1000 });
  });

  it('collects the albums and artists the hits name, once each', () => {
    const { albums, artists } = hitContext(results);
    expect(albums.map((a) => [a.id, a.artistId, a.title])).toEqual([['a1', 'r1', 'Sky'], ['a2', 'r1', 'Blues']]);
    expect(artists.map((a) => [a.id, a.name])).toEqual([['r1', 'Ray'], ['r2', 'Blue Note']]);
  });

  it('suggests tracks, artists, albums and playlists with where each opens', () => {
    expect(suggestionsOf(results).map((s) => [s.kind, s.label, s.href])).toEqual([
      ['track', 'Blue', '/albums/a1'],
      ['artist', 'Blue Note', '/artists/r2'],
      ['album', 'Blues', '/albums/a2'],
      ['playlist', 'Blue mood', '/playlists/p1'],
    ]);
    expect(suggestionsOf({ query: 'x' })).toEqual([]);
  });
});

describe('moveActive', () => {
  it('moves down and up through the list and back to the typed text', () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(0, 1, 3)).toBe(1);
    expect(moveActive(2, 1, 3)).toBe(-1);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(0, -1, 3)).toBe(-1);
    expect(moveActive(-1, 1, 0)).toBe(-1);
  });
});

describe('createDebouncedSearch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks once typing pauses, for the last text only', async () => {
    const run = vi.fn(async (q: string) => `hits for ${q}`);
    const onResult = vi.fn();
    const search = createDebouncedSearch({ run, onResult, delayMs: 150 });
    search.update('b');
    await vi.advanceTimersByTimeAsync(100);
    search.update('bl');
    await vi.advanceTimersByTimeAsync(100);
    search.update('blu');
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0][0]).toBe('blu');
    expect(onResult).toHaveBeenCalledWith('blu', 'hits for blu');
  });

  it('aborts the request in flight when the text changes, and drops its answer', async () => {
    const signals: AbortSignal[] = [];
    const resolvers: ((value: string) => void)[] = [];
    const run = vi.fn((q: string, signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((resolve) => resolvers.push(() => resolve(`hits for ${q}`)));
    });
    const onResult = vi.fn();
    const search = createDebouncedSearch({ run, onResult, delayMs: 150 });
    search.update('old');
    await vi.advanceTimersByTimeAsync(150);
    expect(run).toHaveBeenCalledTimes(1);
    search.update('new');
    expect(signals[0].aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(150);
    resolvers[1]('');
    resolvers[0]('');  // the old answer arrives last, and is not delivered
    await vi.runAllTimersAsync();
    expect(onResult).toHaveBeenCalledTimes(1);
    expect(onResult).toHaveBeenCalledWith('new', 'hits for new');
  });

  it('clears at once for a blank query without asking', async () => {
    const run = vi.fn(async () => 'x');
    const onResult = vi.fn();
    const search = createDebouncedSearch({ run, onResult });
    search.update('   ');
    expect(onResult).toHaveBeenCalledWith('   ', null);
    await vi.runAllTimersAsync();
    expect(run).not.toHaveBeenCalled();
  });

  it('reports failures but not aborts, and cancel stops everything', async () => {
    const run = vi.fn(async () => {
      throw new Error('boom');
    });
    const onError = vi.fn();
    const onResult = vi.fn();
    const search = createDebouncedSearch({ run, onResult, onError });
    search.update('x');
    await vi.runAllTimersAsync();
    expect(onError).toHaveBeenCalledTimes(1);
    search.update('y');
    search.cancel();
    await vi.runAllTimersAsync();
    expect(run).toHaveBeenCalledTimes(1);
  });
});
