import { errorText } from '../api/client';
import { studio } from '../api/endpoints';
import type { Track } from '../api/types';
import { fileTitle } from '../lib/format';
import { createStore } from '../lib/store';
import { checkUploadable, putFile } from './put-file';

export interface UploadItem {
  id: number;
  albumId: string;
  fileName: string;
  loaded: number;
  total: number;
  state: 'waiting' | 'uploading' | 'creating' | 'done' | 'failed';
  error: string | null;
  track: Track | null;
}

/**
 * Tracks are created without a title so that the server takes the file's own title tag (and
 * track number) once processing succeeds. A file without a title tag would stay "Untitled":
 * its file name, kept here, becomes the title then (see settleTitles).
 */
const UNTITLED = 'Untitled';
const fileNameTitles = new Map<string, string>();

/**
 * For each track that finished processing still untitled, sets the title to the name of the
 * file it came from; returns the tracks as they are now.
 */
export async function settleTitles(tracks: readonly Track[]): Promise<Track[]> {
  return Promise.all(
    tracks.map(async (track) => {
      const fallback = fileNameTitles.get(track.id);
      if (fallback === undefined || track.status === 'processing') return track;
      fileNameTitles.delete(track.id);
      if (track.title !== UNTITLED) return track;
      return studio.updateTrack(track.id, { title: fallback });
    }),
  );
}

/** Uploads outlive the page that started them: leaving the album page does not stop them. */
export const uploads = createStore<UploadItem[]>([]);

// Two at a time: enough to keep the line busy without starving the rest of the app.
const PARALLEL = 2;
let lastId = 0;
const waiting: { item: UploadItem; file: File }[] = [];
let running = 0;

function change(id: number, patch: Partial<UploadItem>): void {
  uploads.update((list) => list.map((item) => (item.id === id ? { ...item, ...patch } : item)));
}

export function clearFinishedUploads(albumId: string): void {
  uploads.update((list) => list.filter((item) => item.albumId !== albumId || (item.state !== 'done' && item.state !== 'failed')));
}

export function dismissUpload(id: number): void {
  uploads.update((list) => list.filter((item) => item.id !== id));
}

export function startUploads(albumId: string, files: readonly File[]): void {
  const added = files.map((file) => {
    lastId += 1;
    const item: UploadItem = {
      id: lastId,
      albumId,
      fileName: file.name,
      loaded: 0,
      total: file.size,
      state: 'waiting',
      error: null,
      track: null,
    };
    waiting.push({ item, file });
    return item;
  });
  uploads.update((list) => [...list, ...added]);
  pump();
}

function pump(): void {
  while (running < PARALLEL && waiting.length > 0) {
    const next = waiting.shift()!;
    running += 1;
    void upload(next.item, next.file).finally(() => {
      running -= 1;
      pump();
    });
  }
}

async function upload(item: UploadItem, file: File): Promise<void> {
  change(item.id, { state: 'uploading' });
  try {
    const slot = await studio.uploadUrl();
    const refusal = checkUploadable(file, slot);
    if (refusal) throw new Error(refusal);
    await putFile(slot.uploadUrl, file, (loaded, total) => change(item.id, { loaded, total }));
    change(item.id, { state: 'creating' });
    const track = await studio.createTrack({ albumId: item.albumId, trackUrl: slot.trackUrl });
    fileNameTitles.set(track.id, fileTitle(file.name));
    change(item.id, { state: 'done', track });
  } catch (error) {
    change(item.id, { state: 'failed', error: errorText(error) ?? 'Log in again to upload.' });
  }
}
