import { moveItem } from '../lib/reorder';
import type { Track } from '../api/types';

/** One queued play of a track; the key tells apart two plays of the same track. */
export interface QueueEntry {
  key: string;
  track: Track;
}

export interface QueueState {
  entries: QueueEntry[];
  /** Index of the entry being played (or paused), -1 when none. */
  current: number;
}

export const emptyQueue: QueueState = { entries: [], current: -1 };

let nextKey = 0;
function entryFor(track: Track): QueueEntry {
  nextKey += 1;
  return { key: `q${nextKey}`, track };
}

export function isPlayable(track: Track): boolean {
  return track.status === 'ready';
}

/**
 * A new queue of the playable tracks of `tracks`, positioned on `tracks[start]` (or on the first
 * playable track after it when that one cannot be played).
 */
export function queueFrom(tracks: readonly Track[], start = 0): QueueState {
  const entries: QueueEntry[] = [];
  let current = -1;
  tracks.forEach((track, index) => {
    if (!isPlayable(track)) return;
    if (current === -1 && index >= start) current = entries.length;
    entries.push(entryFor(track));
  });
  if (current === -1 && entries.length > 0) current = 0;
  return { entries, current };
}

export function enqueue(state: QueueState, tracks: readonly Track[]): QueueState {
  const added = tracks.filter(isPlayable).map(entryFor);
  if (added.length === 0) return state;
  const entries = [...state.entries, ...added];
  return { entries, current: state.current === -1 ? state.entries.length : state.current };
}

/** Removes an entry; removing the current one makes the entry after it current (if any). */
export function removeAt(state: QueueState, index: number): QueueState {
  if (index < 0 || index >= state.entries.length) return state;
  const entries = state.entries.filter((_, i) => i !== index);
  let current = state.current;
  if (index < current) current -= 1;
  else if (index === current && current >= entries.length) current = -1;
  return { entries, current };
}

/** Moves an entry so that it ends up at `to`; the current entry stays current wherever it goes. */
export function moveEntry(state: QueueState, from: number, to: number): QueueState {
  const entries = moveItem(state.entries, from, to);
  if (entries.length === 0 || from === to) return state;
  const currentKey = state.entries[state.current]?.key;
  const current = currentKey === undefined ? -1 : entries.findIndex((entry) => entry.key === currentKey);
  return { entries, current };
}

export function hasNext(state: QueueState): boolean {
  return state.current >= 0 && state.current < state.entries.length - 1;
}

export function hasPrevious(state: QueueState): boolean {
  return state.current > 0;
}

export function currentEntry(state: QueueState): QueueEntry | undefined {
  return state.entries[state.current];
}
