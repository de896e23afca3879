import { api } from './client';
import type {
  Album,
  AlbumWithTracks,
  Artist,
  AuthResponse,
  OffsetPage,
  Page,
  PlayedTrack,
  Playlist,
  PlaylistWithEntries,
  Role,
  SearchResults,
  StreamUrls,
  Track,
  UploadSlot,
  User,
} from './types';

const path = encodeURIComponent;

// The server's largest page; the catalogue views show one page of the newest items.
export const PAGE_LIMIT = 200;

export const auth = {
  register: (body: { email: string; password: string; displayName: string; role: Exclude<Role, 'admin'> }) =>
    api<AuthResponse>('POST', '/auth/register', { json: body, auth: false }),
  login: (body: { email: string; password: string }) =>
    api<AuthResponse>('POST', '/auth/login', { json: body, auth: false }),
  me: () => api<User>('GET', '/users/me'),
};

export const catalog = {
  newestAlbums: (limit = 50) => api<Page<Album>>('GET', `/albums?order=newest&limit=${limit}`),
  newestTracks: (limit = PAGE_LIMIT) => api<Page<Track>>('GET', `/tracks?order=newest&limit=${limit}`),
  newestArtists: (limit = PAGE_LIMIT) => api<Page<Artist>>('GET', `/artists?order=newest&limit=${limit}`),
  myArtists: () => api<Page<Artist>>('GET', `/artists?mine=true&limit=${PAGE_LIMIT}`),
  artist: (id: string) => api<Artist>('GET', `/artists/${path(id)}`),
  artistAlbums: (id: string) => api<Page<Album>>('GET', `/artists/${path(id)}/albums?limit=${PAGE_LIMIT}`),
  album: (id: string) => api<AlbumWithTracks>('GET', `/albums/${path(id)}`),
  track: (id: string) => api<Track>('GET', `/tracks/${path(id)}`),
  stream: (id: string) => api<StreamUrls>('GET', `/tracks/${path(id)}/stream`),
};

/** What listening made: history, popularity and new releases (GET /browse, /me). */
export const browse = {
  popular: (limit = 10) => api<OffsetPage<PlayedTrack>>('GET', `/browse/popular?limit=${limit}`),
  newReleases: (limit = 24) => api<OffsetPage<Album>>('GET', `/browse/new-releases?limit=${limit}`),
  recentlyPlayed: (limit = 10) => api<OffsetPage<PlayedTrack>>('GET', `/me/recently-played?limit=${limit}`),
  mostPlayed: (limit = 10) => api<OffsetPage<PlayedTrack>>('GET', `/me/most-played?limit=${limit}`),
  topTracks: (artistId: string, limit = 5) =>
    api<OffsetPage<PlayedTrack>>('GET', `/artists/${path(artistId)}/top-tracks?limit=${limit}`),
};

export const search = {
  /** `pathAndQuery` from lib/search.ts searchPath; `signal` aborts a request gone stale. */
  query: (pathAndQuery: string, signal?: AbortSignal) => api<SearchResults>('GET', pathAndQuery, { signal }),
};

export const playlists = {
  mine: () => api<Page<Playlist>>('GET', `/playlists?mine=true&limit=${PAGE_LIMIT}`),
  get: (id: string) => api<PlaylistWithEntries>('GET', `/playlists/${path(id)}`),
  create: (name: string) => api<PlaylistWithEntries>('POST', '/playlists', { json: { name } }),
  rename: (id: string, name: string) => api<Playlist>('PATCH', `/playlists/${path(id)}`, { json: { name } }),
  remove: (id: string) => api<unknown>('DELETE', `/playlists/${path(id)}`),
  addTracks: (id: string, trackIds: string[]) =>
    api<PlaylistWithEntries>('POST', `/playlists/${path(id)}/tracks`, { json: { trackIds } }),
  removeEntry: (id: string, position: number) =>
    api<PlaylistWithEntries>('DELETE', `/playlists/${path(id)}/tracks/${position}`),
  move: (id: string, from: number, to: number) =>
    api<PlaylistWithEntries>('POST', `/playlists/${path(id)}/move`, { json: { from, to } }),
};

export const studio = {
  createArtist: (name: string) => api<Artist>('POST', '/artists', { json: { name } }),
  createAlbum: (body: { artistId: string; title: string; releaseDate?: string }) =>
    api<Album>('POST', '/albums', { json: body }),
  renameAlbum: (id: string, title: string) => api<Album>('PATCH', `/albums/${path(id)}`, { json: { title } }),
  setCover: (id: string, image: File) =>
    api<Album>('PUT', `/albums/${path(id)}/cover`, { body: image, contentType: image.type }),
  uploadUrl: () => api<UploadSlot>('GET', '/tracks/upload-url'),
  updateUrl: (trackId: string) => api<UploadSlot>('GET', `/tracks/update-url/${path(trackId)}`),
  createTrack: (body: { albumId: string; trackUrl: string; title?: string; trackNumber?: number }) =>
    api<Track>('POST', '/tracks', { json: body }),
  updateTrack: (id: string, body: { title?: string; trackNumber?: number | null; trackUrl?: string }) =>
    api<Track>('PATCH', `/tracks/${path(id)}`, { json: body }),
  deleteTrack: (id: string) => api<unknown>('DELETE', `/tracks/${path(id)}`),
};
