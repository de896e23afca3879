import { albumContext } from '../api/cache';
import type { Track } from '../api/types';

type Handlers = Partial<Record<MediaSessionAction, () => void>>;

let handlersInstalled = false;

/** Lock-screen and media-key controls, where the browser offers them. */
export function installMediaSessionHandlers(handlers: Handlers): void {
  if (handlersInstalled || !('mediaSession' in navigator)) return;
  handlersInstalled = true;
  for (const [action, handler] of Object.entries(handlers)) {
    try {
      navigator.mediaSession.setActionHandler(action as MediaSessionAction, handler ?? null);
    } catch {
      // An action this browser does not know.
    }
  }
}

export function updateMediaSession(track: Track): void {
  if (!('mediaSession' in navigator) || typeof MediaMetadata === 'undefined') return;
  const { album, artist } = albumContext(track.albumId);
  const artwork = album?.cover
    ? Object.entries(album.cover).map(([size, src]) => ({ src, sizes: `${size}x${size}`, type: 'image/jpeg' }))
    : [];
  navigator.mediaSession.metadata = new MediaMetadata({
    title: track.title,
    artist: artist?.name ?? '',
    album: album?.title ?? '',
    artwork,
  });
}
