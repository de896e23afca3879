import { rememberAlbums, rememberArtists } from '../api/cache';
import { catalog } from '../api/endpoints';
import { session } from '../api/session';
import { AlbumGrid } from '../components/AlbumCard';
import { PageState } from '../components/PageState';
import { TrackList } from '../components/TrackList';
import { useStore } from '../lib/store';
import { useLoad } from '../lib/use-load';

function greeting(): string {
  const hour = new Date().getHours();
  if (hour < 5) return 'Good night';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export function HomePage() {
  const current = useStore(session);
  const { data, error, loading, reload } = useLoad(async () => {
    const [albums, artists, tracks] = await Promise.all([
      catalog.newestAlbums(48),
      catalog.newestArtists(),
      catalog.newestTracks(12),
    ]);
    rememberArtists(artists.items);
    rememberAlbums(albums.items);
    return { albums: albums.items, tracks: tracks.items.filter((track) => track.status === 'ready').slice(0, 8) };
  }, []);

  return (
    <div class="home">
      <h1 class="page-title">
        {greeting()}
        {current ? `, ${current.user.displayName}` : ''}
      </h1>
      <section class="section" data-testid="home-new-releases" aria-labelledby="new-releases">
        <div class="section-head">
          <h2 id="new-releases">New releases</h2>
          <a class="section-link" href="/search">
            Browse all
          </a>
        </div>
        {data ? (
          data.albums.length > 0 ? (
            <AlbumGrid albums={data.albums} />
          ) : (
            <p class="empty">No releases yet. Artists can publish albums from the studio.</p>
          )
        ) : (
          <PageState loading={loading} error={error} onRetry={reload} />
        )}
      </section>
      {data && data.tracks.length > 0 && (
        <section class="section" aria-labelledby="new-tracks">
          <div class="section-head">
            <h2 id="new-tracks">Fresh tracks</h2>
          </div>
          <TrackList tracks={data.tracks} showArtwork showAlbum />
        </section>
      )}
    </div>
  );
}
