// Shapes of the server's JSON (see api/openapi.json).

export type Role = 'listener' | 'artist' | 'admin';
export type TrackStatus = 'processing' | 'ready' | 'failed';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface AuthResponse {
  user: User;
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface Artist {
  id: string;
  ownerId: string;
  name: string;
  bio: string | null;
  createdAt: string;
  updatedAt: string;
}

export type CoverUrls = Partial<Record<'96' | '300' | '600' | '1200', string>>;

export interface Album {
  id: string;
  artistId: string;
  title: string;
  releaseDate: string | null;
  cover: CoverUrls | null;
  createdAt: string;
  updatedAt: string;
}

export interface Loudness {
  integratedLufs: number;
  truePeakDb: number;
  gainDb: number;
}

export interface Track {
  id: string;
  albumId: string;
  title: string;
  trackNumber: number | null;
  sizeBytes: number;
  status: TrackStatus;
  progress: number;
  error: string | null;
  durationMs: number | null;
  loudness: Loudness | null;
  createdAt: string;
  updatedAt: string;
}

export interface AlbumWithTracks extends Album {
  tracks: Track[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A track with its plays: a listener's history, popular now, an artist's top tracks. */
export interface PlayedTrack {
  track: Track;
  plays: number;
  lastPlayedAt?: string;
}

export interface OffsetPage<T> {
  items: T[];
  nextOffset: number | null;
}

export interface Playlist {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  public: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PlaylistEntry {
  position: number;
  addedAt: string;
  track: Track;
}

export interface PlaylistWithEntries extends Playlist {
  entries: PlaylistEntry[];
}

export interface StreamUrls {
  trackUrl: string;
  albumId: string;
  title: string;
  expiresAt: string;
  hls: string;
  dash: string;
  progressive: Partial<Record<'mp3_96' | 'mp3_160' | 'mp3_320', string>>;
  loudness: Loudness | null;
}

export interface UploadSlot {
  uploadUrl: string;
  trackUrl: string;
  method: 'PUT';
  expiresAt: string;
  maxBytes: number;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  field?: string;
}

/** GET /search: what a result list shows of each kind. */
export interface TrackHit {
  id: string;
  title: string;
  artist: { id: string; name: string };
  album: { id: string; title: string };
  cover: CoverUrls | null;
  durationMs: number | null;
  playCount: number;
}

export interface AlbumHit {
  id: string;
  title: string;
  artist: { id: string; name: string };
  cover: CoverUrls | null;
  playCount: number;
}

export interface ArtistHit {
  id: string;
  name: string;
  playCount: number;
}

export interface PlaylistHit {
  id: string;
  name: string;
  ownerId: string;
}

export type SearchType = 'track' | 'album' | 'artist' | 'playlist';

/** Only the types asked are present; each pages on with its own cursor. */
export interface SearchResults {
  query: string;
  tracks?: Page<TrackHit>;
  albums?: Page<AlbumHit>;
  artists?: Page<ArtistHit>;
  playlists?: Page<PlaylistHit>;
}
