import type { Album, AlbumHit, Artist, SearchResults, SearchType, Track, TrackHit } from '../api/types';

/** The server's bound on the query: bytes of UTF-8 after trimming. */
export const MAX_QUERY_BYTES = 200;
/** Typing pauses this long before a suggestion request goes out. */
export const SUGGEST_DELAY_MS = 150;

export function queryBytes(query: string): number {
  return new TextEncoder().encode(query.trim()).length;
}

/** Whether `query` is worth sending: something besides spaces, within the server's bound. */
export function isSearchable(query: string): boolean {
  const bytes = queryBytes(query);
  return bytes > 0 && bytes <= MAX_QUERY_BYTES;
}

export interface SearchRequest {
  q: string;
  types?: readonly SearchType[];
  limit?: number;
  cursor?: string | null;
}

/** The path and query of GET /search (relative to the API base), or null when there is nothing to search. */
export function searchPath({ q, types, limit, cursor }: SearchRequest): string | null {
  if (!isSearchable(q)) return null;
  const params = new URLSearchParams({ q: q.trim() });
  if (types && types.length > 0) params.set('types', types.join(','));
  if (limit !== undefined) params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return `/search?${params.toString()}`;
}

/**
 * A track hit as the track lists and the player take it. Search finds only ready tracks, so
 * it is playable; what a hit does not carry (size, loudness) is not needed to list or play it.
 */
export function hitToTrack(hit: TrackHit): Track {
  return {
    id: hit.id,
    albumId: hit.album.id,
    title: hit.title,
    trackNumber: null,
    sizeBytes: 0,
    status: 'ready',
    progress: 1,
    error: null,
    durationMs: hit.durationMs,
    loudness: null,
    createdAt: '',
    updatedAt: '',
  };
}

/** The albums and artists hits name, for the cache that shows covers and names beside tracks. */
export function hitContext(results: SearchResults): { albums: Album[]; artists: Artist[] } {
  const albums = new Map<string, Album>();
  const artists = new Map<string, Artist>();
  const album = (id: string, title: string, artistId: string, cover: Album['cover']) => {
    if (!albums.has(id)) {
      albums.set(id, { id, artistId, title, releaseDate: null, cover, createdAt: '', updatedAt: '' });
    }
  };
  const artist = (id: string, name: string) => {
    if (!artists.has(id)) artists.set(id, { id, ownerId: '', name, bio: null, createdAt: '', updatedAt: '' });
  };
  for (const hit of results.tracks?.items ?? []) {
    album(hit.album.id, hit.album.title, hit.artist.id, hit.cover);
    artist(hit.artist.id, hit.artist.name);
  }
  for (const hit of results.albums?.items ?? []) {
    album(hit.id, hit.title, hit.artist.id, hit.cover);
    artist(hit.artist.id, hit.artist.name);
  }
  for (const hit of results.artists?.items ?? []) artist(hit.id, hit.name);
  return { albums: [...albums.values()], artists: [...artists.values()] };
}

/** An album hit as the album cards take it. */
export function hitToAlbum(hit: AlbumHit): Album {
  return { id: hit.id, artistId: hit.artist.id, title: hit.title, releaseDate: null, cover: hit.cover, createdAt: '', updatedAt: '' };
}

export interface Suggestion {
  kind: SearchType;
  id: string;
  label: string;
  detail: string;
  href: string;
  cover?: Album['cover'];
  coverSeed?: string;
}

/** What the search box offers as the user types: a few of each kind, in a fixed order. */
export function suggestionsOf(results: SearchResults, perKind = 3): Suggestion[] {
  const out: Suggestion[] = [];
  for (const hit of (results.tracks?.items ?? []).slice(0, perKind)) {
    out.push({ kind: 'track', id: hit.id, label: hit.title, detail: `Song · ${hit.artist.name}`, href: `/albums/${hit.album.id}`, cover: hit.cover, coverSeed: hit.album.id });
  }
  for (const hit of (results.artists?.items ?? []).slice(0, perKind)) {
    out.push({ kind: 'artist', id: hit.id, label: hit.name, detail: 'Artist', href: `/artists/${hit.id}` });
  }
  for (const hit of (results.albums?.items ?? []).slice(0, perKind)) {
    out.push({ kind: 'album', id: hit.id, label: hit.title, detail: `Album · ${hit.artist.name}`, href: `/albums/${hit.id}`, cover: hit.cover, coverSeed: hit.id });
  }
  for (const hit of (results.playlists?.items ?? []).slice(0, perKind)) {
    out.push({ kind: 'playlist', id: hit.id, label: hit.name, detail: 'Playlist', href: `/playlists/${hit.id}` });
  }
  return out;
}

/**
 * The highlighted suggestion after an arrow key: `delta` +1 (down) or -1 (up) from `active`
 * (-1: none), wrapping through "none" so that the typed text can be reached again.
 */
export function moveActive(active: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  const next = active + delta;
  if (next < -1) return count - 1;
  if (next >= count) return -1;
  return next;
}

export interface DebouncedSearch {
  /** The text typed now: the previous request is aborted and this one waits for a pause. */
  update(query: string): void;
  /** Forgets the pending and in-flight requests (on unmount). */
  cancel(): void;
}

export interface DebouncedSearchOptions<T> {
  run: (query: string, signal: AbortSignal) => Promise<T>;
  /** The answer for `query`, or null when the query became unsearchable. Never a stale one. */
  onResult: (query: string, result: T | null) => void;
  onError?: (query: string, error: unknown) => void;
  delayMs?: number;
}

/**
 * Runs `run` for the last text typed once typing pauses for `delayMs`. A newer text aborts the
 * request of an older one (AbortController), so answers never arrive out of order.
 */
export function createDebouncedSearch<T>({ run, onResult, onError, delayMs = SUGGEST_DELAY_MS }: DebouncedSearchOptions<T>): DebouncedSearch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = undefined;
  };
  return {
    update(query: string) {
      stop();
      if (!isSearchable(query)) {
        onResult(query, null);
        return;
      }
      timer = setTimeout(() => {
        timer = undefined;
        const mine = new AbortController();
        controller = mine;
        run(query, mine.signal).then(
          (result) => {
            if (!mine.signal.aborted) onResult(query, result);
          },
          (error: unknown) => {
            if (!mine.signal.aborted) onError?.(query, error);
          },
        );
      }, delayMs);
    },
    cancel: stop,
  };
}
