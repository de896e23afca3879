import type { Track } from '../api/types';

/** The server's play order: track number ascending, tracks without one last, then oldest first. */
export function sortTracks(tracks: Track[]): Track[] {
  return [...tracks].sort((a, b) => {
    if (a.trackNumber !== b.trackNumber) {
      if (a.trackNumber === null) return 1;
      if (b.trackNumber === null) return -1;
      return a.trackNumber - b.trackNumber;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
