import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { playlists as playlistApi } from '../api/endpoints';
import type { Playlist } from '../api/types';
import { createStore, useStore } from '../lib/store';
import { reportError, toast } from '../lib/toast';
import { Icon } from './icons';

interface PickerRequest {
  id: number;
  trackIds: string[];
  anchor: DOMRect;
}

const request = createStore<PickerRequest | null>(null);
/** Bumped when a playlist changes here, so that open playlist pages can reload. */
export const playlistsChanged = createStore(0);

let openings = 0;

export function openPlaylistPicker(trackIds: string[], anchor: HTMLElement): void {
  openings += 1;
  request.set({ id: openings, trackIds, anchor: anchor.getBoundingClientRect() });
}

function closePicker(): void {
  request.set(null);
}

export function PlaylistPicker() {
  const current = useStore(request);
  if (!current) return null;
  return <PickerPopover key={current.id} request={current} />;
}

function PickerPopover({ request: current }: { request: PickerRequest }) {
  const [items, setItems] = useState<Playlist[] | null>(null);
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const [placement, setPlacement] = useState<{ top: number; left: number } | null>(null);

  useEffect(() => {
    let active = true;
    playlistApi
      .mine()
      .then((page) => active && setItems(page.items))
      .catch((error: unknown) => {
        if (!active) return;
        reportError(error);
        closePicker();
      });
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && closePicker();
    const onPointer = (event: PointerEvent) => {
      if (panel.current && !panel.current.contains(event.target as Node)) closePicker();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, []);

  // Below the button that opened it, kept inside the window.
  useLayoutEffect(() => {
    const element = panel.current;
    if (!element) return;
    const { width, height } = element.getBoundingClientRect();
    const margin = 8;
    let top = current.anchor.bottom + 4;
    if (top + height > window.innerHeight - margin) top = Math.max(margin, current.anchor.top - height - 4);
    const left = Math.min(Math.max(margin, current.anchor.right - width), window.innerWidth - width - margin);
    setPlacement({ top, left });
  }, [items, current]);

  const addTo = async (playlist: Playlist) => {
    setBusy(true);
    try {
      await playlistApi.addTracks(playlist.id, current.trackIds);
      toast(`Added to ${playlist.name}`);
      playlistsChanged.update((value) => value + 1);
      closePicker();
    } catch (error) {
      reportError(error);
      setBusy(false);
    }
  };

  const addToNew = async () => {
    setBusy(true);
    try {
      const created = await playlistApi.create(`My playlist #${(items?.length ?? 0) + 1}`);
      await addTo(created);
    } catch (error) {
      reportError(error);
      setBusy(false);
    }
  };

  return (
    <div
      ref={panel}
      class="popover playlist-picker"
      data-testid="playlist-picker"
      role="dialog"
      aria-label="Add to playlist"
      style={placement ? { top: `${placement.top}px`, left: `${placement.left}px` } : { visibility: 'hidden' }}
    >
      <div class="popover-title">Add to playlist</div>
      <button class="popover-item popover-new" data-testid="playlist-picker-new" disabled={busy || !items} onClick={addToNew}>
        <Icon name="plus" size={18} /> New playlist
      </button>
      <div class="popover-list">
        {!items && <div class="popover-note">Loading…</div>}
        {items?.length === 0 && <div class="popover-note">No playlists yet.</div>}
        {items?.map((playlist) => (
          <button
            key={playlist.id}
            class="popover-item"
            data-testid="playlist-picker-item"
            data-playlist-id={playlist.id}
            disabled={busy}
            onClick={() => addTo(playlist)}
          >
            <Icon name="music" size={16} /> <span>{playlist.name}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
