import { useState } from 'preact/hooks';
import { useAlbumContext } from '../api/cache';
import { formatTime } from '../lib/format';
import { changeSettings, settings } from '../lib/settings';
import { useStore } from '../lib/store';
import { next, previous, seek, togglePlay } from '../player/engine';
import { currentEntry, hasNext, hasPrevious } from '../player/queue';
import { player, position, toggleQueuePanel } from '../player/state';
import { Cover } from './Cover';
import { Icon } from './icons';

function SeekBar() {
  const { time, duration } = useStore(position);
  // While the user drags, show where they are going rather than where playback is.
  const [dragValue, setDragValue] = useState<number | null>(null);
  const shown = dragValue ?? time;
  const max = duration > 0 ? duration : 0;
  const percent = max > 0 ? Math.min(100, (shown / max) * 100) : 0;
  return (
    <div class="seek">
      <span class="seek-time" data-testid="player-time">
        {formatTime(shown)}
      </span>
      <input
        class="range"
        type="range"
        data-testid="player-seek"
        aria-label="Seek"
        min={0}
        max={max}
        step="any"
        value={shown}
        disabled={max === 0}
        style={{ '--fill': `${percent}%` }}
        onInput={(event) => setDragValue(Number(event.currentTarget.value))}
        onChange={(event) => {
          seek(Number(event.currentTarget.value));
          setDragValue(null);
        }}
      />
      <span class="seek-time" data-testid="player-duration">
        {formatTime(duration)}
      </span>
    </div>
  );
}

function VolumeControl() {
  const { volume } = useStore(settings);
  const [lastAudible, setLastAudible] = useState(volume || 0.8);
  const toggleMute = () => {
    if (volume > 0) {
      setLastAudible(volume);
      changeSettings({ volume: 0 });
    } else {
      changeSettings({ volume: lastAudible });
    }
  };
  return (
    <div class="volume">
      <button class="icon-button" aria-label={volume > 0 ? 'Mute' : 'Unmute'} onClick={toggleMute}>
        <Icon name={volume > 0 ? 'volume' : 'mute'} size={18} />
      </button>
      <input
        class="range"
        type="range"
        data-testid="player-volume"
        aria-label="Volume"
        min={0}
        max={1}
        step={0.01}
        value={volume}
        style={{ '--fill': `${volume * 100}%` }}
        onInput={(event) => changeSettings({ volume: Number(event.currentTarget.value) })}
      />
    </div>
  );
}

export function PlayerBar() {
  const state = useStore(player);
  const entry = currentEntry(state.queue);
  const track = entry?.track;
  const { album, artist } = useAlbumContext(track?.albumId);
  if (!state.shown) return null;
  const playState = state.playing ? 'playing' : 'paused';

  return (
    <>
      <footer class="player-bar" data-testid="player-bar" data-gain-db={String(state.gainDb)}>
        <div class="player-now">
          {track ? (
            <a href={`/albums/${track.albumId}`} class="player-art-link" aria-label={album ? `Open ${album.title}` : 'Open album'}>
              <Cover cover={album?.cover} seed={track.albumId} label={album?.title ?? track.title} displayPx={56} lazy={false} />
            </a>
          ) : (
            <div class="cover cover-empty" />
          )}
          <div class="player-meta">
            <span class="player-title" data-testid="player-title">
              {track?.title ?? 'Nothing playing'}
            </span>
            <span class="player-artist" data-testid="player-artist">
              {artist ? <a href={`/artists/${artist.id}`}>{artist.name}</a> : '\u00a0'}
            </span>
          </div>
        </div>

        <div class="player-center">
          <div class="player-controls">
            <button
              class="icon-button"
              data-testid="player-prev"
              aria-label="Previous"
              disabled={!track}
              onClick={previous}
              title={hasPrevious(state.queue) ? 'Previous' : 'Restart'}
            >
              <Icon name="prev" size={20} />
            </button>
            <button
              class={`play-button${state.loading && state.playing ? ' is-loading' : ''}`}
              data-testid="player-play"
              data-state={playState}
              aria-label={state.playing ? 'Pause' : 'Play'}
              disabled={!track}
              onClick={togglePlay}
            >
              <Icon name={state.playing ? 'pause' : 'play'} size={20} />
            </button>
            <button
              class="icon-button"
              data-testid="player-next"
              aria-label="Next"
              disabled={!hasNext(state.queue)}
              onClick={next}
            >
              <Icon name="next" size={20} />
            </button>
          </div>
          <SeekBar />
        </div>

        <div class="player-side">
          {state.quality && (
            <span
              class="quality"
              data-testid="player-quality"
              data-codec={state.quality.codec}
              data-kbps={state.quality.kbps ?? undefined}
              title={state.gainDb ? `Loudness normalised (${state.gainDb > 0 ? '+' : ''}${state.gainDb.toFixed(1)} dB)` : 'Quality being played'}
            >
              {state.quality.label}
            </span>
          )}
          <button
            class={`icon-button${state.queueOpen ? ' is-active' : ''}`}
            data-testid="player-queue-toggle"
            aria-label="Queue"
            aria-pressed={state.queueOpen}
            title="Queue"
            onClick={() => toggleQueuePanel()}
          >
            <Icon name="queue" size={20} />
          </button>
          <VolumeControl />
        </div>
      </footer>
    </>
  );
}
