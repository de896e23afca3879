import { rememberAlbums, rememberArtists } from '../api/cache';
import { browse, catalog } from '../api/endpoints';
import type { PlayedTrack, Track } from '../api/types';
import { session } from '../api/session';
import { AlbumGrid } from '../components/AlbumCard';
import { PageState } from '../components/PageState';
import { TrackList } from '../components/TrackList';
import { useStore } from '../lib/store';
import { useLoad } from '../lib/use-load';

function greeting(): string {
  const hour = new Date().getHours();
  if (hour < 5) return 'Good night';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

const HOME_PLAYED_TRACKS = 8;

// Ready tracks of a played page (a track may have been replaced or failed since it was played).
function playable(items: readonly PlayedTrack[]): Track[] {
  return items.map((item) => item.track).filter((track) => track.status === 'ready');
}

/** The listener's recent plays and what everyone played this week; empty when unavailable. */
function useListening() {
  return useLoad(async () => {
    const empty = { items: [], nextOffset: null };
    const [recent, popular] = await Promise.all([
      browse.recentlyPlayed(HOME_PLAYED_TRACKS).catch(() => empty),
      browse.popular(HOME_PLAYED_TRACKS).catch(() => empty),
    ]);
    return { recent: playable(recent.items), popular: playable(popular.items) };
  }, []);
}

function TrackSection({ id, title, tracks }: { id: string; title: string; tracks: readonly Track[] }) {
  if (tracks.length === 0) return null;
  return (
    <section class="section" data-testid={`home-${id}`} aria-labelledby={id}>
      <div class="section-head">
        <h2 id={id}>{title}</h2>
      </div>
      <TrackList tracks={tracks} showArtwork showAlbum />
    </section>
  );
}

export function HomePage() {
  const current = useStore(session);
  const listening = useListening();
  const { data, error, loading, reload } = useLoad(async () => {
    const [albums, artists, tracks] = await Promise.all([
      catalog.newestAlbums(48),
      catalog.newestArtists(),
      catalog.newestTracks(12),
    ]);
    rememberArtists(artists.items);
    rememberAlbums(albums.items);
    return { albums: albums.items, tracks: tracks.items.filter((track) => track.status === 'ready').slice(0, 8) };
  }, []);

  return (
    <div class="home">
      <h1 class="page-title">
        {greeting()}
        {current ? `, ${current.user.displayName}` : ''}
      </h1>
      <TrackSection id="recently-played" title="Recently played" tracks={listening.data?.recent ?? []} />
      <TrackSection id="popular-now" title="Popular this week" tracks={listening.data?.popular ?? []} />
      <section class="section" data-testid="home-new-releases" aria-labelledby="new-releases">
        <div class="section-head">
          <h2 id="new-releases">New releases</h2>
          <a class="section-link" href="/search">
            Browse all
          </a>
        </div>
        {data ? (
          data.albums.length > 0 ? (
            <AlbumGrid albums={data.albums} />
          ) : (
            <p class="empty">No releases yet. Artists can publish albums from the studio.</p>
          )
        ) : (
          <PageState loading={loading} error={error} onRetry={reload} />
        )}
      </section>
      {data && data.tracks.length > 0 && (
        <section class="section" aria-labelledby="new-tracks">
          <div class="section-head">
            <h2 id="new-tracks">Fresh tracks</h2>
          </div>
          <TrackList tracks={data.tracks} showArtwork showAlbum />
        </section>
      )}
    </div>
  );
}
