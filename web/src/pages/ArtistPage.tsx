import { rememberAlbums, rememberArtists } from '../api/cache';
import { catalog } from '../api/endpoints';
import { AlbumGrid } from '../components/AlbumCard';
import { ArtistAvatar } from '../components/ArtistCard';
import { PageState } from '../components/PageState';
import { plural } from '../lib/format';
import { useLoad } from '../lib/use-load';

export function ArtistPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useLoad(async () => {
    const [artist, albums] = await Promise.all([catalog.artist(id), catalog.artistAlbums(id)]);
    rememberArtists([artist]);
    rememberAlbums(albums.items);
    // Newest release first, as on every artist page.
    const sorted = [...albums.items].sort((a, b) => (b.releaseDate ?? b.createdAt).localeCompare(a.releaseDate ?? a.createdAt));
    return { artist, albums: sorted };
  }, [id]);

  if (!data) return <PageState loading={loading} error={error} onRetry={reload} />;
  const { artist, albums } = data;
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
      <section class="section">
        <div class="section-head">
          <h2>Discography</h2>
        </div>
        {albums.length > 0 ? <AlbumGrid albums={albums} /> : <p class="empty">No albums yet.</p>}
      </section>
    </div>
  );
}
