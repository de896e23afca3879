import { useState } from 'preact/hooks';
import { rememberAlbums, rememberArtists } from '../api/cache';
import { catalog } from '../api/endpoints';
import type { Album, Artist, Track } from '../api/types';
import { AlbumGrid } from '../components/AlbumCard';
import { ArtistCard } from '../components/ArtistCard';
import { Icon } from '../components/icons';
import { PageState } from '../components/PageState';
import { TrackList } from '../components/TrackList';
import { location, navigate } from '../lib/router';
import { matchesQuery } from '../lib/search';
import { useStore } from '../lib/store';
import { useLoad } from '../lib/use-load';

const SHOWN = { tracks: 50, albums: 24, artists: 24 };

interface Catalog {
  tracks: Track[];
  albums: Album[];
  artists: Artist[];
}

/**
 * Filters the newest tracks, albums and artists as the user types. The server has no search
 * endpoint yet, so the lists are loaded once and matched here; a track also matches by its
 * album's title and its artist's name.
 */
export function SearchPage() {
  const { query: urlQuery } = useStore(location);
  const [query, setQuery] = useState(urlQuery.get('q') ?? '');
  const { data, error, loading, reload } = useLoad(async (): Promise<Catalog> => {
    const [tracks, albums, artists] = await Promise.all([catalog.newestTracks(), catalog.newestAlbums(200), catalog.newestArtists()]);
    rememberArtists(artists.items);
    rememberAlbums(albums.items);
    return { tracks: tracks.items, albums: albums.items, artists: artists.items };
  }, []);

  const onInput = (value: string) => {
    setQuery(value);
    // Keep the query in the address so that back/forward and reload return to it.
    navigate(value ? `/search?q=${encodeURIComponent(value)}` : '/search', { replace: true });
  };

  let results: Catalog | null = null;
  if (data) {
    const albumsById = new Map(data.albums.map((album) => [album.id, album]));
    const artistsById = new Map(data.artists.map((artist) => [artist.id, artist]));
    const artistOf = (album: Album | undefined) => (album ? artistsById.get(album.artistId)?.name : undefined);
    results = {
      tracks: data.tracks.filter((track) => {
        const album = albumsById.get(track.albumId);
        return matchesQuery(query, track.title, album?.title, artistOf(album));
      }),
      albums: data.albums.filter((album) => matchesQuery(query, album.title, artistOf(album))),
      artists: data.artists.filter((artist) => matchesQuery(query, artist.name)),
    };
  }

  return (
    <div class="search-page">
      <div class="search-box">
        <Icon name="search" size={20} />
        <input
          type="search"
          data-testid="search-input"
          placeholder="What do you want to listen to?"
          aria-label="Search"
          value={query}
          autoFocus
          onInput={(event) => onInput(event.currentTarget.value)}
        />
      </div>
      {!results ? (
        <PageState loading={loading} error={error} onRetry={reload} />
      ) : (
        <>
          <section class="section" data-testid="search-tracks" aria-labelledby="search-tracks-title">
            <div class="section-head">
              <h2 id="search-tracks-title">{query ? 'Songs' : 'Latest songs'}</h2>
            </div>
            <TrackList
              tracks={results.tracks.slice(0, SHOWN.tracks)}
              showArtwork
              showAlbum
              empty={query ? `No songs match “${query}”.` : 'No songs yet.'}
            />
          </section>
          <section class="section" data-testid="search-albums" aria-labelledby="search-albums-title">
            <div class="section-head">
              <h2 id="search-albums-title">Albums</h2>
            </div>
            {results.albums.length > 0 ? (
              <AlbumGrid albums={results.albums.slice(0, SHOWN.albums)} />
            ) : (
              <p class="empty">{query ? `No albums match “${query}”.` : 'No albums yet.'}</p>
            )}
          </section>
          <section class="section" data-testid="search-artists" aria-labelledby="search-artists-title">
            <div class="section-head">
              <h2 id="search-artists-title">Artists</h2>
            </div>
            {results.artists.length > 0 ? (
              <div class="artist-grid">
                {results.artists.slice(0, SHOWN.artists).map((artist) => (
                  <ArtistCard key={artist.id} artist={artist} />
                ))}
              </div>
            ) : (
              <p class="empty">{query ? `No artists match “${query}”.` : 'No artists yet.'}</p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
