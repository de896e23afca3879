import { errorText } from '../api/client';
import { createStore } from './store';

export interface ToastMessage {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

export const toasts = createStore<ToastMessage[]>([]);
let lastId = 0;

export function dismissToast(id: number): void {
  toasts.update((list) => list.filter((toast) => toast.id !== id));
}

export function toast(text: string, kind: ToastMessage['kind'] = 'info'): void {
  lastId += 1;
  const id = lastId;
  // Keep at most a few on screen; the newest matter most.
  toasts.update((list) => [...list.slice(-3), { id, text, kind }]);
  setTimeout(() => dismissToast(id), kind === 'error' ? 7000 : 4000);
}

/** Shows why a call failed (the server's problem detail); silent for an expired session. */
export function reportError(error: unknown): void {
  const text = errorText(error);
  if (text) toast(text, 'error');
}
