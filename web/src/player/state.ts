import { createStore } from '../lib/store';
import type { Quality } from './quality';
import { emptyQueue, type QueueState } from './queue';

export interface PlayerState {
  queue: QueueState;
  /** The element is playing, or was asked to and is waiting for data. */
  playing: boolean;
  /** Waiting for the stream URLs or for media data. */
  loading: boolean;
  /** The rendition being heard, from the player's current level. */
  quality: Quality | null;
  /** Gain applied through Web Audio in dB; 0 with normalisation off. */
  gainDb: number;
  queueOpen: boolean;
  /** The bar stays once something was queued, even if the queue is emptied again. */
  shown: boolean;
}

export const player = createStore<PlayerState>({
  queue: emptyQueue,
  playing: false,
  loading: false,
  quality: null,
  gainDb: 0,
  queueOpen: false,
  shown: false,
});

/** Position and length of the current track in seconds; apart because it changes several times a second. */
export const position = createStore<{ time: number; duration: number }>({ time: 0, duration: 0 });

export function toggleQueuePanel(open?: boolean): void {
  player.update((state) => ({ ...state, queueOpen: open ?? !state.queueOpen }));
}
