import { createStore } from './store';

export interface ConfirmRequest {
  title: string;
  message: string;
  okLabel: string;
  resolve: (ok: boolean) => void;
}

export const confirmRequest = createStore<ConfirmRequest | null>(null);

/** Asks the user in a modal dialog; resolves true on confirm-ok, false on cancel. */
export function confirmAction(title: string, message: string, okLabel = 'Delete'): Promise<boolean> {
  confirmRequest.get()?.resolve(false);
  return new Promise((resolve) => {
    confirmRequest.set({
      title,
      message,
      okLabel,
      resolve: (ok) => {
        confirmRequest.set(null);
        resolve(ok);
      },
    });
  });
}
