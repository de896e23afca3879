import { rememberAlbums, useAlbumContext } from '../api/cache';
import { catalog } from '../api/endpoints';
import { Cover } from '../components/Cover';
import { Icon } from '../components/icons';
import { PageState } from '../components/PageState';
import { PlayAllButton } from '../components/PlayAllButton';
import { TrackList } from '../components/TrackList';
import { formatTime, plural, releaseYear } from '../lib/format';
import { toast } from '../lib/toast';
import { useLoad } from '../lib/use-load';
import { usePoll } from '../lib/use-poll';
import { addToQueue } from '../player/engine';
import { isPlayable } from '../player/queue';

export function AlbumPage({ id }: { id: string }) {
  const { data: album, error, loading, reload, setData } = useLoad(async () => {
    const loaded = await catalog.album(id);
    rememberAlbums([loaded]);
    return loaded;
  }, [id]);
  const { artist } = useAlbumContext(album?.id);

  const processing = !!album?.tracks.some((track) => track.status === 'processing');
  // New uploads become playable while the page is open.
  usePoll(processing, 3000, async () => setData(await catalog.album(id)));

  if (!album) return <PageState loading={loading} error={error} onRetry={reload} />;

  const playable = album.tracks.filter(isPlayable);
  const totalSeconds = album.tracks.reduce((sum, track) => sum + (track.durationMs ?? 0) / 1000, 0);

  return (
    <div class="album-page">
      <header class="hero">
        <Cover cover={album.cover} seed={album.id} label={album.title} displayPx={232} testId="album-cover" className="hero-cover" lazy={false} />
        <div class="hero-text">
          <span class="hero-kind">Album</span>
          <h1 class="hero-title" data-testid="album-title">
            {album.title}
          </h1>
          <p class="hero-meta">
            <a href={`/artists/${album.artistId}`} data-testid="album-artist" class="hero-artist">
              {artist?.name ?? 'Artist'}
            </a>
            {album.releaseDate && <span> · {releaseYear(album.releaseDate)}</span>}
            <span> · {plural(album.tracks.length, 'track')}</span>
            {totalSeconds > 0 && <span> · {formatTime(totalSeconds)}</span>}
          </p>
        </div>
      </header>
      <div class="action-bar">
        <PlayAllButton tracks={album.tracks} name={album.title} testId="album-play" />
        <button
          class="button button-ghost"
          disabled={playable.length === 0}
          onClick={() => {
            addToQueue(album.tracks);
            toast(`Added ${plural(playable.length, 'track')} to the queue`);
          }}
        >
          <Icon name="addQueue" size={18} /> Add to queue
        </button>
      </div>
      <TrackList tracks={album.tracks} empty="This album has no tracks yet." />
    </div>
  );
}
