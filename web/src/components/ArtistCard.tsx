import type { Artist } from '../api/types';

export function ArtistAvatar({ name, large }: { name: string; large?: boolean }) {
  return (
    <span class={`artist-avatar${large ? ' artist-avatar-large' : ''}`} aria-hidden="true">
      {(name.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}

export function ArtistCard({ artist }: { artist: Artist }) {
  return (
    <a class="artist-card" data-testid="artist-card" data-artist-id={artist.id} href={`/artists/${artist.id}`}>
      <ArtistAvatar name={artist.name} />
      <span class="artist-card-name">{artist.name}</span>
      <span class="artist-card-sub">Artist</span>
    </a>
  );
}
