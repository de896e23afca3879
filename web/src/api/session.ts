import { createStore } from '../lib/store';
import type { AuthResponse, User } from './types';

/** What survives a reload: the token, when it stops working (ms since epoch), and whose it is. */
export interface Session {
  accessToken: string;
  expiresAt: number;
  user: User;
}

const STORAGE_KEY = 'cadenza.session';

export const session = createStore<Session | null>(readStoredSession());
/** True while the "session expired" dialog should be shown (the session is kept for its email). */
export const sessionExpired = createStore<boolean>(false);

let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function readStoredSession(): Session | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    if (parsed && typeof parsed.accessToken === 'string' && typeof parsed.expiresAt === 'number' && parsed.user?.id) {
      return parsed;
    }
  } catch {
    // A damaged entry is treated as no session.
  }
  return null;
}

/**
 * The instant after which the token is no longer sent. A little before the real expiry, so that a
 * request in flight never reaches the server with a token that has just run out.
 */
function usableUntil(current: Session): number {
  const margin = Math.min(5000, Math.max(0, (current.expiresAt - Date.now()) / 10));
  return current.expiresAt - margin;
}

function scheduleExpiry(current: Session | null): void {
  clearTimeout(expiryTimer);
  if (!current) return;
  const delay = usableUntil(current) - Date.now();
  if (delay <= 0) {
    sessionExpired.set(true);
    return;
  }
  // setTimeout cannot wait longer than 2^31-1 ms; re-arm until the real deadline.
  expiryTimer = setTimeout(() => scheduleExpiry(session.get()), Math.min(delay, 0x7fffffff));
}

export function startSession(auth: AuthResponse): Session {
  const next: Session = {
    accessToken: auth.accessToken,
    expiresAt: Date.now() + auth.expiresIn * 1000,
    user: auth.user,
  };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  session.set(next);
  sessionExpired.set(false);
  scheduleExpiry(next);
  return next;
}

export function updateSessionUser(user: User): void {
  const current = session.get();
  if (!current) return;
  const next = { ...current, user };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  session.set(next);
}

export function endSession(): void {
  clearTimeout(expiryTimer);
  localStorage.removeItem(STORAGE_KEY);
  sessionExpired.set(false);
  session.set(null);
}

export function markSessionExpired(): void {
  if (session.get()) sessionExpired.set(true);
}

/** The token to send, or null when there is none that the server would still accept. */
export function usableToken(): string | null {
  const current = session.get();
  if (!current || sessionExpired.get()) return null;
  if (Date.now() >= usableUntil(current)) {
    sessionExpired.set(true);
    return null;
  }
  return current.accessToken;
}

export function initSession(): void {
  scheduleExpiry(session.get());
  // Another tab logging in or out changes the stored session; follow it.
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    const stored = readStoredSession();
    if (!stored) {
      endSession();
      return;
    }
    session.set(stored);
    sessionExpired.set(false);
    scheduleExpiry(stored);
  });
}
