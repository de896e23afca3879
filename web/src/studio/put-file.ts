import { ApiError } from '../api/client';
import type { Problem, UploadSlot } from '../api/types';

export type Progress = (loaded: number, total: number) => void;

/** Refuses what the server would refuse anyway, before sending a single byte. */
export function checkUploadable(file: File, slot: Pick<UploadSlot, 'maxBytes'>): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > slot.maxBytes) {
    const limitMb = Math.floor(slot.maxBytes / (1024 * 1024));
    return `The file is larger than the ${limitMb} MB the server accepts.`;
  }
  return null;
}

/** PUTs the raw file to a signed URL with XMLHttpRequest, which (unlike fetch) reports upload progress. */
export function putFile(url: string, file: File, onProgress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
        return;
      }
      let detail = `Upload failed (${xhr.status})`;
      try {
        const problem = JSON.parse(xhr.responseText) as Problem;
        detail = problem.detail || problem.title || detail;
      } catch {
        // Keep the status line.
      }
      reject(new ApiError(xhr.status, detail));
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted. Check your connection and try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled.'));
    xhr.send(file);
  });
}
