import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api/client';
import { rememberAlbums, useAlbumContext } from '../api/cache';
import { catalog, studio } from '../api/endpoints';
import { session } from '../api/session';
import type { AlbumWithTracks, Track } from '../api/types';
import { Cover } from '../components/Cover';
import { Icon } from '../components/icons';
import { PageState } from '../components/PageState';
import { confirmAction } from '../lib/confirm';
import { formatDurationMs, plural } from '../lib/format';
import { moveItem } from '../lib/reorder';
import { sortTracks } from '../lib/track-order';
import { useReorderDrag, type DragItemProps } from '../lib/reorder-drag';
import { useStore } from '../lib/store';
import { reportError, toast } from '../lib/toast';
import { useLoad } from '../lib/use-load';
import { usePoll } from '../lib/use-poll';
import { checkUploadable, putFile } from '../studio/put-file';
import { clearFinishedUploads, dismissUpload, settleTitles, startUploads, uploads, type UploadItem } from '../studio/uploads';

function statusText(track: Track): string {
  if (track.status === 'ready') return 'Ready';
  if (track.status === 'failed') return 'Failed';
  return `Processing ${Math.round(track.progress * 100)}%`;
}

/** A text field that saves on Enter or when it loses focus, and follows server changes otherwise. */
function SavingInput({
  value,
  onSave,
  testId,
  label,
  type = 'text',
  className,
}: {
  value: string;
  onSave: (value: string) => Promise<boolean>;
  testId: string;
  label: string;
  type?: 'text' | 'number';
  className?: string;
}) {
  const [draft, setDraft] = useState(value);
  const editing = useRef(false);
  const saving = useRef(false);
  useEffect(() => {
    if (!editing.current) setDraft(value);
  }, [value]);
  const save = async (input: HTMLInputElement) => {
    if (saving.current) return;
    if (draft.trim() === value) {
      editing.current = false;
      setDraft(value);
      return;
    }
    saving.current = true;
    const ok = await onSave(draft.trim());
    saving.current = false;
    editing.current = false;
    if (!ok) {
      setDraft(value);
      input.blur();
    }
  };
  return (
    <input
      class={className}
      data-testid={testId}
      aria-label={label}
      placeholder={type === 'number' ? '–' : undefined}
      {...(type === 'number' ? { type: 'number' as const, min: 1, max: 999 } : { type: 'text' as const, maxLength: 200 })}
      value={draft}
      onInput={(event) => {
        editing.current = true;
        setDraft(event.currentTarget.value);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          void save(event.currentTarget);
        } else if (event.key === 'Escape') {
          editing.current = false;
          setDraft(value);
        }
      }}
      onBlur={(event) => void save(event.currentTarget)}
    />
  );
}

function StudioTrackRow({
  track,
  dragProps,
  dragClass,
  onChanged,
  onDeleted,
}: {
  track: Track;
  dragProps: DragItemProps;
  dragClass: string;
  onChanged: (track: Track) => void;
  onDeleted: (id: string) => void;
}) {
  const [replacing, setReplacing] = useState<number | null>(null);

  const update = async (body: Parameters<typeof studio.updateTrack>[1]): Promise<boolean> => {
    try {
      onChanged(await studio.updateTrack(track.id, body));
      return true;
    } catch (error) {
      reportError(error);
      return false;
    }
  };

  const saveTitle = async (title: string) => {
    if (!title) {
      toast('A track needs a title.', 'error');
      return false;
    }
    return update({ title });
  };

  const saveNumber = async (text: string) => {
    if (text === '') return update({ trackNumber: null });
    const number = Number(text);
    if (!Number.isInteger(number) || number < 1 || number > 999) {
      toast('Track numbers go from 1 to 999.', 'error');
      return false;
    }
    return update({ trackNumber: number });
  };

  const replace = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setReplacing(0);
    try {
      const slot = await studio.updateUrl(track.id);
      const refusal = checkUploadable(file, slot);
      if (refusal) throw new Error(refusal);
      await putFile(slot.uploadUrl, file, (loaded, total) => setReplacing(total ? loaded / total : 0));
      onChanged(await studio.updateTrack(track.id, { trackUrl: slot.trackUrl }));
      toast(`Replacing the audio of “${track.title}”`);
    } catch (error) {
      reportError(error);
    } finally {
      setReplacing(null);
    }
  };

  const remove = async () => {
    const ok = await confirmAction('Delete track?', `“${track.title}” will be deleted for good, with its audio.`);
    if (!ok) return;
    try {
      await studio.deleteTrack(track.id);
      onDeleted(track.id);
      toast(`Deleted ${track.title}`);
    } catch (error) {
      reportError(error);
    }
  };

  return (
    <li class={`studio-track ${dragClass}`} data-testid="studio-track" data-track-id={track.id} data-status={track.status} {...dragProps}>
      <span class="grip" aria-hidden="true" title="Drag to reorder">
        <Icon name="grip" size={18} />
      </span>
      <SavingInput
        className="studio-number"
        testId="studio-track-number"
        label="Track number"
        type="number"
        value={track.trackNumber === null ? '' : String(track.trackNumber)}
        onSave={saveNumber}
      />
      <SavingInput className="studio-title" testId="studio-track-title" label="Track title" value={track.title} onSave={saveTitle} />
      <div class={`studio-status status-${track.status}`}>
        <span data-testid="studio-track-status">{replacing !== null ? `Uploading ${Math.round(replacing * 100)}%` : statusText(track)}</span>
        {replacing !== null && <progress max={1} value={replacing} />}
        {replacing === null && track.status === 'processing' && (
          <progress data-testid="studio-track-progress" max={1} value={track.progress} />
        )}
        {track.status === 'failed' && (
          <span class="studio-error" data-testid="studio-track-error">
            {track.error ?? 'Processing failed.'}
          </span>
        )}
      </div>
      <span class="studio-duration">{formatDurationMs(track.durationMs)}</span>
      <div class="studio-actions">
        <label class="button button-ghost button-small file-button" title="Replace the audio">
          <Icon name="upload" size={16} />
          <span>Replace</span>
          <input
            class="visually-hidden"
            type="file"
            accept="audio/*"
            data-testid="studio-track-replace"
            disabled={replacing !== null}
            onChange={(event) => void replace(event.currentTarget)}
          />
        </label>
        <button class="icon-button" data-testid="studio-track-delete" aria-label={`Delete ${track.title}`} title="Delete track" onClick={remove}>
          <Icon name="trash" size={18} />
        </button>
      </div>
    </li>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
  const fraction = item.total > 0 ? item.loaded / item.total : 0;
  const label =
    item.state === 'waiting'
      ? 'Waiting'
      : item.state === 'uploading'
        ? `Uploading ${Math.round(fraction * 100)}%`
        : item.state === 'creating'
          ? 'Adding to the album'
          : item.state === 'done'
            ? 'Uploaded'
            : 'Failed';
  return (
    <li class={`upload-item upload-${item.state}`} data-testid="upload-item" data-file-name={item.fileName}>
      <span class="upload-name" title={item.fileName}>
        {item.fileName}
      </span>
      <progress data-testid="upload-progress" max={1} value={item.state === 'done' ? 1 : fraction} />
      <span class="upload-state">{label}</span>
      {item.error && (
        <span class="upload-error" data-testid="upload-error">
          {item.error}
        </span>
      )}
      {(item.state === 'done' || item.state === 'failed') && (
        <button class="icon-button" aria-label="Dismiss" onClick={() => dismissUpload(item.id)}>
          <Icon name="close" size={16} />
        </button>
      )}
    </li>
  );
}

const hasFiles = (event: DragEvent) => !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');

function Dropzone({ albumId }: { albumId: string }) {
  const [over, setOver] = useState(false);

  // A file dropped just beside the zone would otherwise make the browser leave the app to open it.
  useEffect(() => {
    const swallow = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    window.addEventListener('dragover', swallow);
    window.addEventListener('drop', swallow);
    return () => {
      window.removeEventListener('dragover', swallow);
      window.removeEventListener('drop', swallow);
    };
  }, []);
  return (
    <div
      class={`dropzone${over ? ' is-over' : ''}`}
      data-testid="studio-dropzone"
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (!(event.currentTarget as Element).contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(false);
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (files.length > 0) startUploads(albumId, files);
      }}
    >
      <Icon name="upload" size={32} />
      <p>
        <strong>Drop audio files here</strong>
        <span> or </span>
        <label class="link-button">
          choose files
          <input
            class="visually-hidden"
            type="file"
            multiple
            accept="audio/*"
            data-testid="studio-file-input"
            onChange={(event) => {
              const files = Array.from(event.currentTarget.files ?? []);
              event.currentTarget.value = '';
              if (files.length > 0) startUploads(albumId, files);
            }}
          />
        </label>
      </p>
      <small>FLAC, WAV, MP3, Ogg, AAC… Each file becomes a track titled after its name.</small>
    </div>
  );
}

export function StudioAlbumPage({ id }: { id: string }) {
  const { data: album, error, loading, reload, setData } = useLoad(async () => {
    const loaded = await catalog.album(id);
    rememberAlbums([loaded]);
    return { ...loaded, tracks: sortTracks(loaded.tracks) };
  }, [id]);
  const { artist } = useAlbumContext(album?.id);
  const me = useStore(session);
  const allUploads = useStore(uploads);
  const albumUploads = allUploads.filter((item) => item.albumId === id);
  const [coverBusy, setCoverBusy] = useState(false);
  const [reordering, setReordering] = useState(false);

  useEffect(() => () => clearFinishedUploads(id), [id]);

  // A finished upload's track joins the list at once, before the next poll.
  useEffect(() => {
    const created = albumUploads.map((item) => item.track).filter((track): track is Track => !!track);
    if (!album || created.length === 0) return;
    const missing = created.filter((track) => !album.tracks.some((known) => known.id === track.id));
    if (missing.length > 0) setData({ ...album, tracks: sortTracks([...album.tracks, ...missing]) });
  }, [allUploads, album?.id]);

  const processing = !!album?.tracks.some((track) => track.status === 'processing');
  usePoll(processing, 1000, async () => {
    const fresh = await catalog.album(id);
    fresh.tracks = await settleTitles(fresh.tracks);
    setData((current) => {
      if (!current) return { ...fresh, tracks: sortTracks(fresh.tracks) };
      // Keep tracks created since the request left (the poll answer may predate them).
      const extra = current.tracks.filter((track) => !fresh.tracks.some((known) => known.id === track.id) && track.status === 'processing');
      return { ...current, ...fresh, tracks: sortTracks([...fresh.tracks, ...extra]) };
    });
  });

  const reorder = async (from: number, to: number) => {
    if (!album) return;
    const ordered = moveItem(album.tracks, from, to);
    const renumbered = ordered.map((track, index) => ({ ...track, trackNumber: index + 1 }));
    setData({ ...album, tracks: renumbered });
    setReordering(true);
    try {
      const changed = ordered.filter((track, index) => track.trackNumber !== index + 1);
      const saved = await Promise.all(changed.map((track) => studio.updateTrack(track.id, { trackNumber: renumbered.find((t) => t.id === track.id)!.trackNumber })));
      setData((current) =>
        current ? { ...current, tracks: sortTracks(current.tracks.map((track) => saved.find((s) => s.id === track.id) ?? track)) } : current!,
      );
    } catch (failure) {
      reportError(failure);
      reload();
    } finally {
      setReordering(false);
    }
  };
  const drag = useReorderDrag((from, to) => void reorder(from, to), !reordering);

  if (!album) return <PageState loading={loading} error={error} onRetry={reload} />;
  if (artist && me && artist.ownerId !== me.user.id && me.user.role !== 'admin') {
    return <PageState loading={false} error="This album belongs to another artist." />;
  }

  const saveTitle = async (title: string) => {
    if (!title) {
      toast('An album needs a title.', 'error');
      return false;
    }
    try {
      const renamed = await studio.renameAlbum(album.id, title);
      rememberAlbums([renamed]);
      setData((current) => ({ ...(current as AlbumWithTracks), ...renamed }));
      return true;
    } catch (failure) {
      reportError(failure);
      return false;
    }
  };

  const setCover = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setCoverBusy(true);
    try {
      const updated = await studio.setCover(album.id, file);
      rememberAlbums([updated]);
      setData((current) => ({ ...(current as AlbumWithTracks), ...updated }));
      toast('Cover updated');
    } catch (failure) {
      toast(errorText(failure) ?? 'The cover could not be uploaded.', 'error');
    } finally {
      setCoverBusy(false);
    }
  };

  const updateTrack = (track: Track) =>
    setData((current) => ({ ...(current as AlbumWithTracks), tracks: sortTracks((current as AlbumWithTracks).tracks.map((t) => (t.id === track.id ? track : t))) }));
  const deleteTrack = (trackId: string) =>
    setData((current) => ({ ...(current as AlbumWithTracks), tracks: (current as AlbumWithTracks).tracks.filter((t) => t.id !== trackId) }));

  return (
    <div class="studio-album-page">
      <a class="back-link" href="/studio">
        ← Studio
      </a>
      <header class="hero">
        <label class={`cover-editor${coverBusy ? ' is-busy' : ''}`} title="Change the cover">
          <Cover cover={album.cover} seed={album.id} label={album.title} displayPx={200} className="hero-cover" lazy={false} />
          <span class="cover-editor-overlay">
            <Icon name="edit" size={24} />
            {coverBusy ? 'Uploading…' : album.cover ? 'Change cover' : 'Add cover'}
          </span>
          <input
            class="visually-hidden"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            data-testid="studio-cover-input"
            disabled={coverBusy}
            onChange={(event) => void setCover(event.currentTarget)}
          />
        </label>
        <div class="hero-text">
          <span class="hero-kind">Album · editing</span>
          <SavingInput className="title-input" testId="studio-album-title-input" label="Album title" value={album.title} onSave={saveTitle} />
          <p class="hero-meta">
            {artist?.name ?? ''} · {plural(album.tracks.length, 'track')} ·{' '}
            <a href={`/albums/${album.id}`}>View as listener</a>
          </p>
        </div>
      </header>

      <Dropzone albumId={album.id} />

      {albumUploads.length > 0 && (
        <ul class="upload-list" aria-label="Uploads">
          {albumUploads.map((item) => (
            <UploadRow key={item.id} item={item} />
          ))}
        </ul>
      )}

      <section class="section">
        <div class="section-head">
          <h2>Tracks</h2>
          {album.tracks.length > 1 && <span class="hint">Drag to reorder</span>}
        </div>
        {album.tracks.length === 0 ? (
          <p class="empty">No tracks yet. Drop audio files above to add some.</p>
        ) : (
          <ol class="studio-tracks">
            {album.tracks.map((track, index) => (
              <StudioTrackRow
                key={track.id}
                track={track}
                dragProps={drag.itemProps(index)}
                dragClass={drag.itemClass(index)}
                onChanged={updateTrack}
                onDeleted={deleteTrack}
              />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
