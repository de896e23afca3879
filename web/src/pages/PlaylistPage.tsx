import { useEffect, useRef, useState } from 'preact/hooks';
import { playlists as playlistApi } from '../api/endpoints';
import { session } from '../api/session';
import type { PlaylistWithEntries } from '../api/types';
import { Icon } from '../components/icons';
import { PageState } from '../components/PageState';
import { PlayAllButton } from '../components/PlayAllButton';
import { playlistsChanged } from '../components/PlaylistPicker';
import { TrackListHeader, TrackRow } from '../components/TrackList';
import { confirmAction } from '../lib/confirm';
import { formatTime, plural } from '../lib/format';
import { moveItem } from '../lib/reorder';
import { useReorderDrag } from '../lib/reorder-drag';
import { navigate } from '../lib/router';
import { useStore } from '../lib/store';
import { reportError, toast } from '../lib/toast';
import { useLoad } from '../lib/use-load';

function RenameForm({ playlist, onDone }: { playlist: PlaylistWithEntries; onDone: (renamed?: string) => void }) {
  const [name, setName] = useState(playlist.name);
  const input = useRef<HTMLInputElement>(null);
  const saving = useRef(false);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const save = async () => {
    if (saving.current) return;
    const trimmed = name.trim();
    if (!trimmed || trimmed === playlist.name) {
      onDone();
      return;
    }
    saving.current = true;
    try {
      const renamed = await playlistApi.rename(playlist.id, trimmed);
      onDone(renamed.name);
    } catch (error) {
      reportError(error);
      saving.current = false;
    }
  };
  return (
    <input
      ref={input}
      class="title-input"
      data-testid="playlist-rename-input"
      aria-label="Playlist name"
      value={name}
      maxLength={200}
      onInput={(event) => setName(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          void save();
        } else if (event.key === 'Escape') {
          onDone();
        }
      }}
      onBlur={() => void save()}
    />
  );
}

export function PlaylistPage({ id }: { id: string }) {
  const changed = useStore(playlistsChanged);
  const { data: playlist, error, loading, reload, setData } = useLoad(() => playlistApi.get(id), [id], changed);
  const me = useStore(session);
  const [renaming, setRenaming] = useState(false);
  const [busy, setBusy] = useState(false);

  const move = async (from: number, to: number) => {
    if (!playlist || busy) return;
    // Show the new order at once; the server's answer (the order that a reload shows) replaces it.
    const entries = moveItem(playlist.entries, from, to).map((entry, position) => ({ ...entry, position }));
    setData({ ...playlist, entries });
    setBusy(true);
    try {
      setData(await playlistApi.move(playlist.id, from, to));
    } catch (failure) {
      reportError(failure);
      reload();
    } finally {
      setBusy(false);
    }
  };
  const drag = useReorderDrag((from, to) => void move(from, to), !busy);

  if (!playlist) return <PageState loading={loading} error={error} onRetry={reload} />;

  const owned = me?.user.id === playlist.ownerId;
  const tracks = playlist.entries.map((entry) => entry.track);
  const totalSeconds = tracks.reduce((sum, track) => sum + (track.durationMs ?? 0) / 1000, 0);

  const remove = async (position: number) => {
    setBusy(true);
    try {
      setData(await playlistApi.removeEntry(playlist.id, position));
    } catch (failure) {
      reportError(failure);
    } finally {
      setBusy(false);
    }
  };

  const deletePlaylist = async () => {
    const ok = await confirmAction('Delete playlist?', `“${playlist.name}” will be deleted. The tracks stay in the catalogue.`);
    if (!ok) return;
    try {
      await playlistApi.remove(playlist.id);
      playlistsChanged.update((value) => value + 1);
      toast(`Deleted ${playlist.name}`);
      navigate('/library', { replace: true });
    } catch (failure) {
      reportError(failure);
    }
  };

  return (
    <div class="playlist-page">
      <header class="hero">
        <div class="hero-cover playlist-cover" aria-hidden="true">
          <Icon name="music" size={72} />
        </div>
        <div class="hero-text">
          <span class="hero-kind">{playlist.public ? 'Public playlist' : 'Playlist'}</span>
          {renaming ? (
            <RenameForm
              playlist={playlist}
              onDone={(renamed) => {
                setRenaming(false);
                if (renamed) {
                  setData({ ...playlist, name: renamed });
                  playlistsChanged.update((value) => value + 1);
                }
              }}
            />
          ) : (
            <h1 class="hero-title" data-testid="playlist-name">
              {playlist.name}
            </h1>
          )}
          <p class="hero-meta">
            {plural(playlist.entries.length, 'track')}
            {totalSeconds > 0 && <span> · {formatTime(totalSeconds)}</span>}
          </p>
        </div>
      </header>
      <div class="action-bar">
        <PlayAllButton tracks={tracks} name={playlist.name} testId="playlist-play" />
        {owned && (
          <>
            <button class="button button-ghost" data-testid="playlist-rename" onClick={() => setRenaming(true)} disabled={renaming}>
              <Icon name="edit" size={16} /> Rename
            </button>
            <button class="button button-ghost" data-testid="playlist-delete" onClick={deletePlaylist}>
              <Icon name="trash" size={16} /> Delete
            </button>
          </>
        )}
      </div>
      {playlist.entries.length === 0 ? (
        <p class="empty">This playlist is empty. Add tracks with the + button on any track.</p>
      ) : (
        <div class={`track-list with-art with-album${owned ? ' with-entry-actions' : ''}`}>
          <TrackListHeader showArtwork showAlbum />
          <ol class="playlist-entries">
            {playlist.entries.map((entry, index) => (
              <li
                key={`${entry.position}-${entry.track.id}`}
                class={`playlist-entry ${drag.itemClass(index)}`}
                data-testid="playlist-entry"
                data-track-id={entry.track.id}
                data-position={entry.position}
                {...(owned ? drag.itemProps(index) : {})}
              >
                <TrackRow track={entry.track} list={tracks} index={index} showArtwork showAlbum>
                  {owned && (
                    <>
                      <button
                        class="icon-button"
                        data-testid="playlist-entry-up"
                        aria-label="Move up"
                        title="Move up"
                        disabled={busy || index === 0}
                        onClick={() => void move(index, index - 1)}
                      >
                        <Icon name="up" size={18} />
                      </button>
                      <button
                        class="icon-button"
                        data-testid="playlist-entry-down"
                        aria-label="Move down"
                        title="Move down"
                        disabled={busy || index === playlist.entries.length - 1}
                        onClick={() => void move(index, index + 1)}
                      >
                        <Icon name="down" size={18} />
                      </button>
                      <button
                        class="icon-button"
                        data-testid="playlist-entry-remove"
                        aria-label={`Remove ${entry.track.title} from the playlist`}
                        title="Remove from playlist"
                        disabled={busy}
                        onClick={() => void remove(entry.position)}
                      >
                        <Icon name="trash" size={18} />
                      </button>
                    </>
                  )}
                </TrackRow>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
