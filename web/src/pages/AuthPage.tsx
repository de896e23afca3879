import { useState } from 'preact/hooks';
import { errorText } from '../api/client';
import { auth } from '../api/endpoints';
import { startSession } from '../api/session';
import { useStore } from '../lib/store';
import { location } from '../lib/router';

export function AuthPage({ mode }: { mode: 'login' | 'signup' }) {
  const { query } = useStore(location);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<'listener' | 'artist'>('listener');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === 'signup';
  const keepNext = query.get('next') ? `?next=${encodeURIComponent(query.get('next')!)}` : '';

  const submit = async (event: Event) => {
    event.preventDefault();
    // Only emptiness is checked here; the server's own messages explain everything else.
    const missing = signup && !displayName.trim() ? 'Enter a display name.' : !email.trim() ? 'Enter your email.' : !password ? 'Enter your password.' : null;
    if (missing) {
      setError(missing);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = signup
        ? await auth.register({ email: email.trim(), password, displayName: displayName.trim(), role })
        : await auth.login({ email: email.trim(), password });
      // The app shell takes over from here and goes where the user was heading.
      startSession(result);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };

  return (
    <div class="auth-screen">
      <div class="auth-card">
        <div class="auth-brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <span>Cadenza</span>
        </div>
        <h1>{signup ? 'Create your account' : 'Log in to Cadenza'}</h1>
        <form class="form" onSubmit={submit} noValidate>
          {signup && (
            <label class="field">
              <span>Display name</span>
              <input
                data-testid="auth-display-name"
                value={displayName}
                onInput={(event) => setDisplayName(event.currentTarget.value)}
                autoComplete="nickname"
                maxLength={200}
                required
              />
            </label>
          )}
          <label class="field">
            <span>Email</span>
            <input
              data-testid="auth-email"
              type="email"
              value={email}
              onInput={(event) => setEmail(event.currentTarget.value)}
              autoComplete={signup ? 'email' : 'username'}
              required
              autoFocus
            />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              data-testid="auth-password"
              type="password"
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
              autoComplete={signup ? 'new-password' : 'current-password'}
              required
            />
            {signup && <small class="hint">At least 8 characters.</small>}
          </label>
          {signup && (
            <label class="field">
              <span>I am</span>
              <select data-testid="auth-role" value={role} onChange={(event) => setRole(event.currentTarget.value as 'listener' | 'artist')}>
                <option value="listener">a listener</option>
                <option value="artist">an artist (I want to upload music)</option>
              </select>
            </label>
          )}
          {error && (
            <p class="form-error" data-testid="auth-error" role="alert">
              {error}
            </p>
          )}
          <button class="button button-primary button-wide" type="submit" data-testid="auth-submit" disabled={busy}>
            {busy ? 'Please wait…' : signup ? 'Sign up' : 'Log in'}
          </button>
        </form>
        <p class="auth-switch">
          {signup ? (
            <>
              Already have an account?{' '}
              <a href={`/login${keepNext}`} data-testid="link-login">
                Log in
              </a>
            </>
          ) : (
            <>
              New to Cadenza?{' '}
              <a href={`/signup${keepNext}`} data-testid="link-signup">
                Sign up
              </a>
            </>
          )}
        </p>
      </div>
    </div>
  );
}
