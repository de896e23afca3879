import { useState } from 'preact/hooks';
import { playlists as playlistApi } from '../api/endpoints';
import { Icon } from '../components/icons';
import { PageState } from '../components/PageState';
import { playlistsChanged } from '../components/PlaylistPicker';
import { reportError, toast } from '../lib/toast';
import { useLoad } from '../lib/use-load';

export function LibraryPage() {
  const { data, error, loading, reload, setData } = useLoad(() => playlistApi.mine(), []);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);

  const create = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      toast('Give the playlist a name first.', 'error');
      return;
    }
    setBusy(true);
    try {
      const created = await playlistApi.create(trimmed);
      const { entries: _entries, ...playlist } = created;
      setData((current) => ({ items: [playlist, ...(current?.items ?? [])], nextCursor: current?.nextCursor ?? null }));
      playlistsChanged.update((value) => value + 1);
      setName('');
      toast(`Created ${playlist.name}`);
    } catch (failure) {
      reportError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="library-page">
      <h1 class="page-title">Your library</h1>
      <form class="inline-form" onSubmit={create}>
        <input
          data-testid="playlist-create-name"
          placeholder="New playlist name"
          aria-label="New playlist name"
          value={name}
          maxLength={200}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button class="button button-primary" data-testid="playlist-create" type="submit" disabled={busy}>
          <Icon name="plus" size={18} /> Create playlist
        </button>
      </form>
      {!data ? (
        <PageState loading={loading} error={error} onRetry={reload} />
      ) : data.items.length === 0 ? (
        <p class="empty">You have no playlists yet. Create one above, or add a track to a new playlist from any track list.</p>
      ) : (
        <ul class="playlist-list">
          {data.items.map((playlist) => (
            <li key={playlist.id}>
              <a class="playlist-link" data-testid="playlist-link" data-playlist-id={playlist.id} href={`/playlists/${playlist.id}`}>
                <span class="playlist-icon" aria-hidden="true">
                  <Icon name="music" size={24} />
                </span>
                <span class="playlist-link-text">
                  <span class="playlist-link-name">{playlist.name}</span>
                  <span class="playlist-link-sub">Playlist{playlist.public ? ' · Public' : ''}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
