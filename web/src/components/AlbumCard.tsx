import { useAlbumContext } from '../api/cache';
import type { Album } from '../api/types';
import { releaseYear } from '../lib/format';
import { Cover } from './Cover';

export function AlbumCard({ album, subtitle }: { album: Album; subtitle?: string }) {
  const { artist } = useAlbumContext(album.id);
  const year = releaseYear(album.releaseDate);
  const line = subtitle ?? [year, artist?.name].filter(Boolean).join(' · ');
  return (
    <a class="album-card" data-testid="album-card" data-album-id={album.id} href={`/albums/${album.id}`}>
      <Cover cover={album.cover} seed={album.id} label={album.title} displayPx={180} />
      <span class="album-card-title">{album.title}</span>
      <span class="album-card-sub">{line || '\u00a0'}</span>
    </a>
  );
}

export function AlbumGrid({ albums, testId }: { albums: Album[]; testId?: string }) {
  return (
    <div class="album-grid" data-testid={testId}>
      {albums.map((album) => (
        <AlbumCard key={album.id} album={album} />
      ))}
    </div>
  );
}
