import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api/client';
import { auth } from '../api/endpoints';
import { endSession, session, sessionExpired, startSession } from '../api/session';
import { forgetCatalog } from '../api/cache';
import { confirmRequest } from '../lib/confirm';
import { navigate } from '../lib/router';
import { useStore } from '../lib/store';
import { dismissToast, toasts } from '../lib/toast';
import { resetPlayer } from '../player/engine';
import { Icon } from './icons';

export function ConfirmDialog() {
  const current = useStore(confirmRequest);
  const okButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!current) return;
    okButton.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && current.resolve(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [current]);
  if (!current) return null;
  return (
    <div class="modal-backdrop" onClick={(event) => event.target === event.currentTarget && current.resolve(false)}>
      <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{current.title}</h2>
        <p>{current.message}</p>
        <div class="modal-actions">
          <button class="button button-ghost" data-testid="confirm-cancel" onClick={() => current.resolve(false)}>
            Cancel
          </button>
          <button ref={okButton} class="button button-danger" data-testid="confirm-ok" onClick={() => current.resolve(true)}>
            {current.okLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

export function Toasts() {
  const list = useStore(toasts);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((item) => (
        <div key={item.id} class={`toast toast-${item.kind}`} data-testid="toast">
          <span>{item.text}</span>
          <button class="icon-button" aria-label="Dismiss" onClick={() => dismissToast(item.id)}>
            <Icon name="close" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * Shown when the token ran out or the server refused it: logging in again here keeps the page
 * (and the music) as it was.
 */
export function SessionExpiredDialog() {
  const expired = useStore(sessionExpired);
  const current = useStore(session);
  const [email, setEmail] = useState(current?.user.email ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!expired) return;
    setEmail(session.get()?.user.email ?? '');
    setPassword('');
    setError(null);
  }, [expired]);

  if (!expired || !current) return null;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!password) {
      passwordInput.current?.focus();
      setError('Enter your password to log in again.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const previousUser = session.get()?.user.id;
      const result = await auth.login({ email: email.trim(), password });
      startSession(result);
      if (result.user.id !== previousUser) {
        // Someone else logged in: nothing of the previous account's page may stay.
        resetPlayer();
        forgetCatalog();
        navigate('/', { replace: true });
      }
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const logOut = () => {
    resetPlayer();
    endSession();
    navigate('/login', { replace: true });
  };

  return (
    <div class="modal-backdrop modal-backdrop-strong">
      <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="expired-title" data-testid="session-expired">
        <h2 id="expired-title">Session expired</h2>
        <p>You have been signed out for security. Log in again to carry on where you left off.</p>
        <form class="form" onSubmit={submit}>
          <label class="field">
            <span>Email</span>
            <input
              data-testid="auth-email"
              type="email"
              autoComplete="username"
              value={email}
              onInput={(event) => setEmail(event.currentTarget.value)}
              required
            />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              ref={passwordInput}
              data-testid="auth-password"
              type="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </label>
          {error && (
            <p class="form-error" data-testid="auth-error" role="alert">
              {error}
            </p>
          )}
          <div class="modal-actions">
            <button type="button" class="button button-ghost" onClick={logOut}>
              Log out
            </button>
            <button type="submit" class="button button-primary" data-testid="session-expired-login" disabled={busy}>
              <span data-testid="auth-submit">{busy ? 'Logging in…' : 'Log in again'}</span>
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
