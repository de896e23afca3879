import { describe, expect, it } from 'vitest';
import type { Track } from '../api/types';
import { currentEntry, enqueue, hasNext, hasPrevious, moveEntry, queueFrom, removeAt, emptyQueue } from './queue';

function track(id: string, status: Track['status'] = 'ready'): Track {
  return {
    id,
    albumId: 'album',
    title: id,
    trackNumber: null,
    sizeBytes: 1,
    status,
    progress: status === 'ready' ? 1 : 0,
    error: null,
    durationMs: 1000,
    loudness: null,
    createdAt: '',
    updatedAt: '',
  };
}

const ids = (state: { entries: { track: Track }[] }) => state.entries.map((entry) => entry.track.id);

describe('queueFrom', () => {
  it('keeps only playable tracks and starts on the chosen one', () => {
    const queue = queueFrom([track('a'), track('b', 'processing'), track('c'), track('d', 'failed')], 2);
    expect(ids(queue)).toEqual(['a', 'c']);
    expect(currentEntry(queue)?.track.id).toBe('c');
  });

  it('starts on the next playable track when the chosen one cannot play', () => {
    const queue = queueFrom([track('a'), track('b', 'processing'), track('c')], 1);
    expect(currentEntry(queue)?.track.id).toBe('c');
  });

  it('is empty without playable tracks', () => {
    expect(queueFrom([track('a', 'failed')]).current).toBe(-1);
  });
});

describe('enqueue', () => {
  it('appends and makes the first entry current on an empty queue', () => {
    const queue = enqueue(emptyQueue, [track('a'), track('b')]);
    expect(ids(queue)).toEqual(['a', 'b']);
    expect(queue.current).toBe(0);
  });

  it('keeps the current entry and gives duplicates their own keys', () => {
    const start = queueFrom([track('a'), track('b')], 1);
    const queue = enqueue(start, [track('a')]);
    expect(ids(queue)).toEqual(['a', 'b', 'a']);
    expect(queue.current).toBe(1);
    expect(new Set(queue.entries.map((entry) => entry.key)).size).toBe(3);
  });

  it('ignores tracks that are not ready', () => {
    const start = queueFrom([track('a')]);
    expect(enqueue(start, [track('x', 'processing')])).toBe(start);
  });
});

describe('removeAt', () => {
  const queue = queueFrom([track('a'), track('b'), track('c')], 1);

  it('shifts the current index when an earlier entry goes', () => {
    const next = removeAt(queue, 0);
    expect(ids(next)).toEqual(['b', 'c']);
    expect(currentEntry(next)?.track.id).toBe('b');
  });

  it('moves on to the following entry when the current one goes', () => {
    expect(currentEntry(removeAt(queue, 1))?.track.id).toBe('c');
  });

  it('has no current entry after removing the current last one', () => {
    const atEnd = queueFrom([track('a'), track('b')], 1);
    expect(removeAt(atEnd, 1).current).toBe(-1);
  });
});

describe('moveEntry', () => {
  it('moves an entry and the current one stays current', () => {
    const queue = queueFrom([track('a'), track('b'), track('c'), track('d')], 1);
    const moved = moveEntry(queue, 3, 0);
    expect(ids(moved)).toEqual(['d', 'a', 'b', 'c']);
    expect(currentEntry(moved)?.track.id).toBe('b');
    const current = moveEntry(queue, 1, 3);
    expect(ids(current)).toEqual(['a', 'c', 'd', 'b']);
    expect(current.current).toBe(3);
  });

  it('ignores positions outside the queue', () => {
    const queue = queueFrom([track('a'), track('b')]);
    expect(ids(moveEntry(queue, 0, 5))).toEqual(['a', 'b']);
  });
});

describe('hasNext / hasPrevious', () => {
  it('tell whether the queue goes on', () => {
    const queue = queueFrom([track('a'), track('b')], 0);
    expect(hasNext(queue)).toBe(true);
    expect(hasPrevious(queue)).toBe(false);
    const last = { ...queue, current: 1 };
    expect(hasNext(last)).toBe(false);
    expect(hasPrevious(last)).toBe(true);
  });
});
