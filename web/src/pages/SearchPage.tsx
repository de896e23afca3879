import { useEffect, useMemo, useState } from 'preact/hooks';
import { rememberPartial } from '../api/cache';
import { errorText } from '../api/client';
import { search } from '../api/endpoints';
import type { Page, SearchResults, SearchType } from '../api/types';
import { AlbumGrid } from '../components/AlbumCard';
import { ArtistCard } from '../components/ArtistCard';
import { Icon } from '../components/icons';
import { TrackList } from '../components/TrackList';
import { location, navigate } from '../lib/router';
import { createDebouncedSearch, hitContext, hitToAlbum, hitToTrack, isSearchable, MAX_QUERY_BYTES, queryBytes, searchPath } from '../lib/search';
import { useStore } from '../lib/store';

const PAGE = 20;
const ALL_TYPES: SearchType[] = ['track', 'album', 'artist', 'playlist'];
const SECTION: Record<SearchType, keyof Omit<SearchResults, 'query'>> = {
  track: 'tracks',
  album: 'albums',
  artist: 'artists',
  playlist: 'playlists',
};

function fetchResults(q: string, signal: AbortSignal): Promise<SearchResults> {
  return search.query(searchPath({ q, types: ALL_TYPES, limit: PAGE })!, signal);
}

/**
 * Full results from the server's search as the user types (the request waits for a pause and
 * a newer text aborts an older one), in four sections that each page on with "Show more".
 */
export function SearchPage() {
  const { query: urlQuery } = useStore(location);
  const [query, setQuery] = useState(urlQuery.get('q') ?? '');
  const [results, setResults] = useState<SearchResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState<SearchType | null>(null);

  const searcher = useMemo(
    () =>
      createDebouncedSearch<SearchResults>({
        run: fetchResults,
        onResult: (_q, found) => {
          setError(null);
          if (found) {
            const context = hitContext(found);
            rememberPartial(context.albums, context.artists);
          }
          setResults(found);
        },
        onError: (_q, failure) => setError(errorText(failure)),
      }),
    [],
  );
  useEffect(() => searcher.update(query), [query]);
  useEffect(() => () => searcher.cancel(), []);

  const onInput = (value: string) => {
    setQuery(value);
    // Keep the query in the address so that back/forward and reload return to it.
    navigate(value ? `/search?q=${encodeURIComponent(value)}` : '/search', { replace: true });
  };

  const showMore = async (type: SearchType) => {
    const key = SECTION[type];
    const current = results?.[key] as Page<unknown> | undefined;
    if (!results || !current?.nextCursor) return;
    setLoadingMore(type);
    try {
      const more = await search.query(searchPath({ q: results.query, types: [type], limit: PAGE, cursor: current.nextCursor })!);
      const context = hitContext(more);
      rememberPartial(context.albums, context.artists);
      setResults((shown) => {
        if (!shown || shown.query !== results.query) return shown;
        const before = shown[key] as Page<unknown>;
        const after = more[key] as Page<unknown>;
        return { ...shown, [key]: { items: [...before.items, ...after.items], nextCursor: after.nextCursor } };
      });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setLoadingMore(null);
    }
  };

  const tooLong = queryBytes(query) > MAX_QUERY_BYTES;
  const shownQuery = results?.query ?? query.trim();
  const more = (type: SearchType, page: Page<unknown> | undefined) =>
    page?.nextCursor ? (
      <button class="button button-ghost button-small" data-testid={`search-more-${type}`} disabled={loadingMore === type} onClick={() => void showMore(type)}>
        Show more
      </button>
    ) : null;

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
      {tooLong && <p class="empty">Searches are limited to {MAX_QUERY_BYTES} bytes; shorten it a little.</p>}
      {error && <p class="form-error" role="alert">{error}</p>}
      {!isSearchable(query) || !results ? (
        !tooLong && <p class="empty" data-testid="search-hint">{isSearchable(query) ? 'Searching…' : 'Find songs, albums, artists and playlists.'}</p>
      ) : (
        <>
          <section class="section" data-testid="search-tracks" aria-labelledby="search-tracks-title">
            <div class="section-head">
              <h2 id="search-tracks-title">Songs</h2>
            </div>
            <TrackList tracks={(results.tracks?.items ?? []).map(hitToTrack)} showArtwork showAlbum empty={`No songs match “${shownQuery}”.`} />
            {more('track', results.tracks)}
          </section>
          <section class="section" data-testid="search-albums" aria-labelledby="search-albums-title">
            <div class="section-head">
              <h2 id="search-albums-title">Albums</h2>
            </div>
            {results.albums && results.albums.items.length > 0 ? (
              <AlbumGrid albums={results.albums.items.map(hitToAlbum)} />
            ) : (
              <p class="empty">No albums match “{shownQuery}”.</p>
            )}
            {more('album', results.albums)}
          </section>
          <section class="section" data-testid="search-artists" aria-labelledby="search-artists-title">
            <div class="section-head">
              <h2 id="search-artists-title">Artists</h2>
            </div>
            {results.artists && results.artists.items.length > 0 ? (
              <div class="artist-grid">
                {results.artists.items.map((hit) => (
                  <ArtistCard key={hit.id} artist={{ id: hit.id, ownerId: '', name: hit.name, bio: null, createdAt: '', updatedAt: '' }} />
                ))}
              </div>
            ) : (
              <p class="empty">No artists match “{shownQuery}”.</p>
            )}
            {more('artist', results.artists)}
          </section>
          <section class="section" data-testid="search-playlists" aria-labelledby="search-playlists-title">
            <div class="section-head">
              <h2 id="search-playlists-title">Playlists</h2>
            </div>
            {results.playlists && results.playlists.items.length > 0 ? (
              <ul class="playlist-list">
                {results.playlists.items.map((hit) => (
                  <li key={hit.id}>
                    <a class="playlist-link" data-testid="playlist-link" data-playlist-id={hit.id} href={`/playlists/${hit.id}`}>
                      <span class="playlist-icon" aria-hidden="true">
                        <Icon name="music" size={24} />
                      </span>
                      <span class="playlist-link-text">
                        <span class="playlist-link-name">{hit.name}</span>
                        <span class="playlist-link-sub">Playlist</span>
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="empty">No playlists match “{shownQuery}”.</p>
            )}
            {more('playlist', results.playlists)}
          </section>
        </>
      )}
    </div>
  );
}
