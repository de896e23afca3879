import { useEffect } from 'preact/hooks';
import { playlists as playlistApi } from './api/endpoints';
import { endSession, session } from './api/session';
import { forgetCatalog } from './api/cache';
import { ConfirmDialog, SessionExpiredDialog, Toasts } from './components/Dialogs';
import { Icon, type IconName } from './components/icons';
import { PlayerBar } from './components/PlayerBar';
import { QueuePanel } from './components/QueuePanel';
import { PlaylistPicker, playlistsChanged } from './components/PlaylistPicker';
import { location, matchRoute, navigate } from './lib/router';
import { useStore } from './lib/store';
import { useLoad } from './lib/use-load';
import { attachAudio, resetPlayer } from './player/engine';
import { player } from './player/state';
import { AlbumPage } from './pages/AlbumPage';
import { ArtistPage } from './pages/ArtistPage';
import { AuthPage } from './pages/AuthPage';
import { HomePage } from './pages/HomePage';
import { LibraryPage } from './pages/LibraryPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaylistPage } from './pages/PlaylistPage';
import { SearchPage } from './pages/SearchPage';
import { SearchBox } from './components/SearchBox';
import { SettingsPage } from './pages/SettingsPage';
import { StudioAlbumPage } from './pages/StudioAlbumPage';
import { StudioPage } from './pages/StudioPage';

const PUBLIC_PATHS = new Set(['/login', '/signup']);

function canUseStudio(role: string | undefined): boolean {
  return role === 'artist' || role === 'admin';
}

function NavLink({ href, icon, label, testId, path }: { href: string; icon: IconName; label: string; testId: string; path: string }) {
  const active = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
  return (
    <li>
      <a href={href} data-testid={testId} class={`nav-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
        <Icon name={icon} size={22} />
        <span>{label}</span>
      </a>
    </li>
  );
}

function SidebarPlaylists({ path }: { path: string }) {
  const changed = useStore(playlistsChanged);
  const { data } = useLoad(() => playlistApi.mine(), [], changed);
  if (!data || data.items.length === 0) return null;
  return (
    <section class="sidebar-playlists" aria-label="Your playlists">
      <h2>Your playlists</h2>
      <ul>
        {data.items.map((playlist) => (
          <li key={playlist.id}>
            <a href={`/playlists/${playlist.id}`} class={path === `/playlists/${playlist.id}` ? 'is-active' : ''}>
              {playlist.name}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Route({ path, role }: { path: string; role: string }) {
  if (path === '/') return <HomePage />;
  if (path === '/search') return <SearchPage />;
  if (path === '/library') return <LibraryPage />;
  if (path === '/settings') return <SettingsPage />;
  let params = matchRoute('/artists/:id', path);
  if (params) return <ArtistPage id={params.id} />;
  params = matchRoute('/albums/:id', path);
  if (params) return <AlbumPage id={params.id} />;
  params = matchRoute('/playlists/:id', path);
  if (params) return <PlaylistPage id={params.id} />;
  if (path === '/studio' || path.startsWith('/studio/')) {
    if (!canUseStudio(role)) return <NotFoundPage message="The studio is for artist accounts." />;
    if (path === '/studio') return <StudioPage />;
    params = matchRoute('/studio/albums/:id', path);
    if (params) return <StudioAlbumPage id={params.id} />;
  }
  return <NotFoundPage />;
}

export function logOut(): void {
  resetPlayer();
  forgetCatalog();
  endSession();
  navigate('/login', { replace: true });
}

export function App() {
  const { path, query } = useStore(location);
  const current = useStore(session);
  const isPublic = PUBLIC_PATHS.has(path);
  const { queueOpen } = useStore(player);

  useEffect(() => {
    if (!current && !isPublic) {
      const back = path === '/' ? '' : `?next=${encodeURIComponent(path + window.location.search)}`;
      navigate(`/login${back}`, { replace: true });
    } else if (current && isPublic) {
      const next = query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  }, [current, path]);

  useEffect(() => {
    document.title = 'Cadenza';
  }, [path]);

  if (!current) {
    return (
      <>
        {isPublic && <AuthPage mode={path === '/signup' ? 'signup' : 'login'} />}
        <Toasts />
      </>
    );
  }
  if (isPublic) return null;

  const role = current.user.role;
  return (
    <div class={`app${queueOpen ? ' with-queue' : ''}`}>
      <nav class="sidebar" aria-label="Main">
        <a class="brand" href="/" aria-label="Cadenza home">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Cadenza</span>
        </a>
        <ul class="nav-list">
          <NavLink href="/" icon="home" label="Home" testId="nav-home" path={path} />
          <NavLink href="/search" icon="search" label="Search" testId="nav-search" path={path} />
          <NavLink href="/library" icon="library" label="Library" testId="nav-library" path={path} />
          {canUseStudio(role) && <NavLink href="/studio" icon="studio" label="Studio" testId="nav-studio" path={path} />}
          <NavLink href="/settings" icon="settings" label="Settings" testId="nav-settings" path={path} />
        </ul>
        <SidebarPlaylists path={path} />
      </nav>
      <main id="main" class="main">
        <header class="topbar">
          <a class="topbar-brand" href="/" aria-label="Cadenza home">
            <img src="/favicon.svg" alt="" width={26} height={26} />
          </a>
          {path !== '/search' && <SearchBox />}
          <div class="topbar-user">
            <span class="avatar" aria-hidden="true">
              {(current.user.displayName.trim()[0] ?? '?').toUpperCase()}
            </span>
            <span class="topbar-name">{current.user.displayName}</span>
          </div>
          <button class="button button-ghost button-small" data-testid="logout" onClick={logOut}>
            <Icon name="logout" size={16} />
            <span>Log out</span>
          </button>
        </header>
        <div class="page">
          <Route path={path} role={role} />
        </div>
      </main>
      {queueOpen && <QueuePanel />}
      <PlayerBar />
      <audio data-testid="player-audio" ref={attachAudio} />
      <PlaylistPicker />
      <ConfirmDialog />
      <SessionExpiredDialog />
      <Toasts />
    </div>
  );
}
