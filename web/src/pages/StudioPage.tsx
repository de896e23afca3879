import { useState } from 'preact/hooks';
import { rememberAlbums, rememberArtists } from '../api/cache';
import { catalog, studio } from '../api/endpoints';
import type { Album, Artist } from '../api/types';
import { ArtistAvatar } from '../components/ArtistCard';
import { Cover } from '../components/Cover';
import { Icon } from '../components/icons';
import { PageState } from '../components/PageState';
import { plural, releaseYear } from '../lib/format';
import { reportError, toast } from '../lib/toast';
import { useLoad } from '../lib/use-load';

interface StudioData {
  artists: Artist[];
  albums: Album[];
}

async function loadStudio(): Promise<StudioData> {
  const artists = (await catalog.myArtists()).items;
  const albumPages = await Promise.all(artists.map((artist) => catalog.artistAlbums(artist.id)));
  const albums = albumPages.flatMap((albumPage) => albumPage.items);
  rememberArtists(artists);
  rememberAlbums(albums);
  return { artists, albums };
}

function CreateArtistForm({ onCreated }: { onCreated: (artist: Artist) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) {
      toast('Enter the artist name first.', 'error');
      return;
    }
    setBusy(true);
    try {
      const artist = await studio.createArtist(name.trim());
      onCreated(artist);
      setName('');
      toast(`Created artist ${artist.name}`);
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <input
        data-testid="studio-artist-name"
        placeholder="Artist or band name"
        aria-label="Artist name"
        maxLength={200}
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      <button class="button button-primary" type="submit" data-testid="studio-artist-create" disabled={busy}>
        <Icon name="plus" size={18} /> Create artist
      </button>
    </form>
  );
}

function CreateAlbumForm({ artists, onCreated }: { artists: Artist[]; onCreated: (album: Album) => void }) {
  const [artistId, setArtistId] = useState('');
  const [title, setTitle] = useState('');
  const [releaseDate, setReleaseDate] = useState('');
  const [busy, setBusy] = useState(false);
  const chosen = artists.some((artist) => artist.id === artistId) ? artistId : artists[0]?.id ?? '';
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!chosen || !title.trim()) {
      toast(chosen ? 'Enter the album title first.' : 'Create an artist first.', 'error');
      return;
    }
    setBusy(true);
    try {
      const album = await studio.createAlbum({ artistId: chosen, title: title.trim(), ...(releaseDate ? { releaseDate } : {}) });
      onCreated(album);
      setTitle('');
      setReleaseDate('');
      toast(`Created album ${album.title}`);
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form inline-form-wrap" onSubmit={submit}>
      <select
        data-testid="studio-album-artist"
        aria-label="Artist"
        value={chosen}
        disabled={artists.length === 0}
        onChange={(event) => setArtistId(event.currentTarget.value)}
      >
        {artists.length === 0 && <option value="">Create an artist first</option>}
        {artists.map((artist) => (
          <option key={artist.id} value={artist.id}>
            {artist.name}
          </option>
        ))}
      </select>
      <input
        data-testid="studio-album-title"
        placeholder="Album title"
        aria-label="Album title"
        maxLength={200}
        value={title}
        onInput={(event) => setTitle(event.currentTarget.value)}
      />
      <input type="date" aria-label="Release date (optional)" title="Release date (optional)" value={releaseDate} onInput={(event) => setReleaseDate(event.currentTarget.value)} />
      <button class="button button-primary" type="submit" data-testid="studio-album-create" disabled={busy || artists.length === 0}>
        <Icon name="plus" size={18} /> Create album
      </button>
    </form>
  );
}

export function StudioPage() {
  const { data, error, loading, reload, setData } = useLoad(loadStudio, []);

  if (!data) return <PageState loading={loading} error={error} onRetry={reload} />;
  const artistName = new Map(data.artists.map((artist) => [artist.id, artist.name]));

  return (
    <div class="studio-page">
      <h1 class="page-title">Studio</h1>
      <p class="page-lead">Publish your music: create an artist, add albums, then upload tracks to them.</p>

      <section class="section studio-card">
        <div class="section-head">
          <h2>Your artists</h2>
        </div>
        <CreateArtistForm
          onCreated={(artist) => {
            rememberArtists([artist]);
            setData((current) => ({ artists: [...(current?.artists ?? []), artist], albums: current?.albums ?? [] }));
          }}
        />
        {data.artists.length === 0 ? (
          <p class="empty">No artists yet.</p>
        ) : (
          <ul class="studio-artists">
            {data.artists.map((artist) => (
              <li key={artist.id} class="studio-artist" data-testid="studio-artist" data-artist-id={artist.id}>
                <ArtistAvatar name={artist.name} />
                <span class="studio-artist-text">
                  <a href={`/artists/${artist.id}`}>{artist.name}</a>
                  <small>{plural(data.albums.filter((album) => album.artistId === artist.id).length, 'album')}</small>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="section studio-card">
        <div class="section-head">
          <h2>Your albums</h2>
        </div>
        <CreateAlbumForm
          artists={data.artists}
          onCreated={(album) => {
            rememberAlbums([album]);
            setData((current) => ({ artists: current?.artists ?? [], albums: [album, ...(current?.albums ?? [])] }));
          }}
        />
        {data.albums.length === 0 ? (
          <p class="empty">No albums yet.</p>
        ) : (
          <div class="album-grid">
            {data.albums.map((album) => (
              <a key={album.id} class="album-card" data-testid="studio-album" data-album-id={album.id} href={`/studio/albums/${album.id}`}>
                <Cover cover={album.cover} seed={album.id} label={album.title} displayPx={180} />
                <span class="album-card-title">{album.title}</span>
                <span class="album-card-sub">{[releaseYear(album.releaseDate), artistName.get(album.artistId)].filter(Boolean).join(' · ')}</span>
              </a>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
