import { useEffect } from 'preact/hooks';
import { createStore, useStore } from '../lib/store';
import { catalog } from './endpoints';
import type { Album, Artist } from './types';

/**
 * Albums and artists seen so far, so that a track (which only knows its album id) can be shown
 * with its album's cover and its artist's name without asking the server again.
 */
interface Known {
  albums: Map<string, Album>;
  artists: Map<string, Artist>;
}

const known = createStore<Known>({ albums: new Map(), artists: new Map() });
const pendingAlbums = new Map<string, Promise<void>>();
const pendingArtists = new Map<string, Promise<void>>();

export function rememberAlbums(albums: readonly Album[]): void {
  if (albums.length === 0) return;
  known.update((current) => {
    const next = new Map(current.albums);
    for (const album of albums) next.set(album.id, stripTracks(album));
    return { ...current, albums: next };
  });
}

export function rememberArtists(artists: readonly Artist[]): void {
  if (artists.length === 0) return;
  known.update((current) => {
    const next = new Map(current.artists);
    for (const artist of artists) next.set(artist.id, artist);
    return { ...current, artists: next };
  });
}

/**
 * Albums and artists known only in part (from search hits): added when not known yet, never
 * replacing a complete entry.
 */
export function rememberPartial(albums: readonly Album[], artists: readonly Artist[]): void {
  const current = known.get();
  const newAlbums = albums.filter((album) => !current.albums.has(album.id));
  const newArtists = artists.filter((artist) => !current.artists.has(artist.id));
  rememberAlbums(newAlbums);
  rememberArtists(newArtists);
}

export function forgetCatalog(): void {
  known.set({ albums: new Map(), artists: new Map() });
}

function stripTracks(album: Album): Album {
  if (!('tracks' in album)) return album;
  const { tracks: _tracks, ...rest } = album as Album & { tracks: unknown };
  return rest;
}

function loadArtist(artistId: string): void {
  if (known.get().artists.has(artistId) || pendingArtists.has(artistId)) return;
  const pending = catalog
    .artist(artistId)
    .then((artist) => rememberArtists([artist]))
    .catch(() => undefined)
    .finally(() => pendingArtists.delete(artistId));
  pendingArtists.set(artistId, pending);
}

function loadAlbum(albumId: string): void {
  const album = known.get().albums.get(albumId);
  if (album) {
    loadArtist(album.artistId);
    return;
  }
  if (pendingAlbums.has(albumId)) return;
  const pending = catalog
    .album(albumId)
    .then((loaded) => {
      rememberAlbums([loaded]);
      loadArtist(loaded.artistId);
    })
    .catch(() => undefined)
    .finally(() => pendingAlbums.delete(albumId));
  pendingAlbums.set(albumId, pending);
}

export interface AlbumContext {
  album?: Album;
  artist?: Artist;
}

export function albumContext(albumId: string | undefined): AlbumContext {
  if (!albumId) return {};
  const { albums, artists } = known.get();
  const album = albums.get(albumId);
  return { album, artist: album ? artists.get(album.artistId) : undefined };
}

/** The album and artist of a track, loading whichever is not known yet. */
export function useAlbumContext(albumId: string | undefined): AlbumContext {
  const current = useStore(known);
  useEffect(() => {
    if (albumId) loadAlbum(albumId);
  }, [albumId, current.albums.get(albumId ?? '')?.artistId]);
  if (!albumId) return {};
  const album = current.albums.get(albumId);
  return { album, artist: album ? current.artists.get(album.artistId) : undefined };
}
