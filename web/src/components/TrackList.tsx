import type { ComponentChildren } from 'preact';
import { useAlbumContext } from '../api/cache';
import type { Track } from '../api/types';
import { formatDurationMs } from '../lib/format';
import { useStore } from '../lib/store';
import { addToQueue, playTracks, togglePlay } from '../player/engine';
import { currentEntry, isPlayable } from '../player/queue';
import { player } from '../player/state';
import { Cover } from './Cover';
import { Icon } from './icons';
import { openPlaylistPicker } from './PlaylistPicker';
import { toast } from '../lib/toast';

export function TrackStatusBadge({ track }: { track: Track }) {
  if (track.status === 'ready') return null;
  if (track.status === 'failed') {
    return (
      <span class="badge badge-failed" title={track.error ?? undefined}>
        Failed
      </span>
    );
  }
  return <span class="badge badge-processing">Processing {Math.round(track.progress * 100)}%</span>;
}

export interface TrackRowProps {
  track: Track;
  /** The whole list, so that playing one row queues the rest after it. */
  list: readonly Track[];
  index: number;
  number?: number | string;
  showArtwork?: boolean;
  showAlbum?: boolean;
  /** More controls at the end of the row (playlist entries add move and remove). */
  children?: ComponentChildren;
}

export function TrackRow({ track, list, index, number, showArtwork, showAlbum, children }: TrackRowProps) {
  const state = useStore(player);
  const { album, artist } = useAlbumContext(showArtwork || showAlbum ? track.albumId : undefined);
  const ready = isPlayable(track);
  const isCurrent = currentEntry(state.queue)?.track.id === track.id;
  const isPlaying = isCurrent && state.playing;

  const onPlay = () => {
    if (isCurrent) togglePlay();
    else playTracks(list, index);
  };
  const onQueue = () => {
    addToQueue([track]);
    toast(`Added “${track.title}” to the queue`);
  };

  return (
    <div
      class={`track-row${isCurrent ? ' is-current' : ''}${ready ? '' : ' is-unavailable'}`}
      data-testid="track-row"
      data-track-id={track.id}
      data-status={track.status}
      onDblClick={(event) => {
        if (ready && !(event.target as Element).closest('button, a, input')) onPlay();
      }}
    >
      <div class="tr-lead">
        <span class="tr-number">{isPlaying ? <span class="eq" aria-hidden="true"><i /><i /><i /></span> : number ?? index + 1}</span>
        <button
          class="tr-play icon-button"
          data-testid="track-play"
          disabled={!ready}
          aria-label={isPlaying ? `Pause ${track.title}` : `Play ${track.title}`}
          title={ready ? undefined : 'Not playable yet'}
          onClick={onPlay}
        >
          <Icon name={isPlaying ? 'pause' : 'play'} size={18} />
        </button>
      </div>
      {showArtwork && (
        <Cover cover={album?.cover} seed={track.albumId} label={album?.title ?? track.title} displayPx={40} className="tr-art" />
      )}
      <div class="tr-main">
        <span class="tr-title" data-testid="track-title">
          {track.title}
        </span>
        <span class="tr-sub">
          <TrackStatusBadge track={track} />
          {artist && <a href={`/artists/${artist.id}`}>{artist.name}</a>}
        </span>
      </div>
      {showAlbum && (
        <div class="tr-album">{album && <a href={`/albums/${album.id}`}>{album.title}</a>}</div>
      )}
      <span class="tr-duration" data-testid="track-duration">
        {formatDurationMs(track.durationMs)}
      </span>
      <div class="tr-actions">
        <button
          class="icon-button"
          data-testid="track-queue"
          disabled={!ready}
          aria-label={`Add ${track.title} to the queue`}
          title="Add to queue"
          onClick={onQueue}
        >
          <Icon name="addQueue" size={18} />
        </button>
        <button
          class="icon-button"
          data-testid="track-add-to-playlist"
          aria-label={`Add ${track.title} to a playlist`}
          title="Add to playlist"
          onClick={(event) => openPlaylistPicker([track.id], event.currentTarget as HTMLElement)}
        >
          <Icon name="plus" size={18} />
        </button>
        {children}
      </div>
    </div>
  );
}

export function TrackList({
  tracks,
  showArtwork,
  showAlbum,
  numbering = 'index',
  empty,
}: {
  tracks: readonly Track[];
  showArtwork?: boolean;
  showAlbum?: boolean;
  numbering?: 'index' | 'trackNumber';
  empty?: string;
}) {
  if (tracks.length === 0) return <p class="empty">{empty ?? 'No tracks.'}</p>;
  return (
    <div class={`track-list${showAlbum ? ' with-album' : ''}${showArtwork ? ' with-art' : ''}`}>
      <TrackListHeader showAlbum={showAlbum} showArtwork={showArtwork} />
      {tracks.map((track, index) => (
        <TrackRow
          key={track.id}
          track={track}
          list={tracks}
          index={index}
          number={numbering === 'trackNumber' ? track.trackNumber ?? '–' : index + 1}
          showArtwork={showArtwork}
          showAlbum={showAlbum}
        />
      ))}
    </div>
  );
}

export function TrackListHeader({ showAlbum, showArtwork }: { showAlbum?: boolean; showArtwork?: boolean }) {
  return (
    <div class="track-list-header" aria-hidden="true">
      <span class="tr-lead">#</span>
      {showArtwork && <span class="tr-art" />}
      <span class="tr-main">Title</span>
      {showAlbum && <span class="tr-album">Album</span>}
      <span class="tr-duration">
        <Icon name="clock" size={16} />
      </span>
      <span class="tr-actions" />
    </div>
  );
}
