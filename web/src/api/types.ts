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
