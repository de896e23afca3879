import { rememberAlbums, rememberArtists } from '../api/cache';
import { browse, catalog } from '../api/endpoints';
import { AlbumGrid } from '../components/AlbumCard';
import { ArtistAvatar } from '../components/ArtistCard';
import { PageState } from '../components/PageState';
import { TrackList } from '../components/TrackList';
import { plural } from '../lib/format';
import { useLoad } from '../lib/use-load';

const ARTIST_TOP_TRACKS = 5;

export function ArtistPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useLoad(async () => {
    const [artist, albums, top] = await Promise.all([
      catalog.artist(id),
      catalog.artistAlbums(id),
      browse.topTracks(id, ARTIST_TOP_TRACKS).catch(() => ({ items: [], nextOffset: null })),
    ]);
    rememberArtists([artist]);
    rememberAlbums(albums.items);
    // Newest release first, as on every artist page.
    const sorted = [...albums.items].sort((a, b) => (b.releaseDate ?? b.createdAt).localeCompare(a.releaseDate ?? a.createdAt));
    // Only tracks that were played: a catalogue without listeners shows its discography alone.
    const popular = top.items.filter((item) => item.plays > 0 && item.track.status === 'ready').map((item) => item.track);
    return { artist, albums: sorted, popular };
  }, [id]);

  if (!data) return <PageState loading={loading} error={error} onRetry={reload} />;
  const { artist, albums, popular } = data;
  return (
    <div class="artist-page">
      <header class="hero hero-artist">
        <ArtistAvatar name={artist.name} large />
        <div class="hero-text">
          <span class="hero-kind">Artist</span>
          <h1 class="hero-title" data-testid="artist-name">
            {artist.name}
          </h1>
          <p class="hero-meta">{plural(albums.length, 'album')}</p>
        </div>
      </header>
      {artist.bio && <p class="artist-bio">{artist.bio}</p>}
      {popular.length > 0 && (
        <section class="section" data-testid="artist-popular">
          <div class="section-head">
            <h2>Popular</h2>
          </div>
          <TrackList tracks={popular} showArtwork showAlbum />
        </section>
      )}
      <section class="section">
        <div class="section-head">
          <h2>Discography</h2>
        </div>
        {albums.length > 0 ? <AlbumGrid albums={albums} /> : <p class="empty">No albums yet.</p>}
      </section>
    </div>
  );
}
