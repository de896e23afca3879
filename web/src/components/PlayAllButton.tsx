import type { Track } from '../api/types';
import { useStore } from '../lib/store';
import { playTracks, togglePlay } from '../player/engine';
import { currentEntry, isPlayable } from '../player/queue';
import { player } from '../player/state';
import { Icon } from './icons';

/**
 * The large play button of an album or a playlist: plays `tracks` from the first, or pauses
 * when the track playing now is one of them.
 */
export function PlayAllButton({ tracks, name, testId }: { tracks: readonly Track[]; name: string; testId: string }) {
  const state = useStore(player);
  const current = currentEntry(state.queue);
  const playingThis = state.playing && !!current && tracks.some((track) => track.id === current.track.id);
  return (
    <button
      class="play-button play-button-large"
      data-testid={testId}
      aria-label={playingThis ? 'Pause' : `Play ${name}`}
      disabled={!tracks.some(isPlayable)}
      onClick={() => (playingThis ? togglePlay() : playTracks(tracks, 0))}
    >
      <Icon name={playingThis ? 'pause' : 'play'} size={26} />
    </button>
  );
}
