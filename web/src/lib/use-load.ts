import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { SessionExpiredError, errorText } from '../api/client';
import { sessionExpired } from '../api/session';
import { useStore } from './store';

export interface Loaded<T> {
  data: T | undefined;
  /** The failure's text for the page to show; null while loading or after success. */
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally, e.g. with what a change returned. */
  setData: (update: T | ((current: T | undefined) => T)) => void;
}

/**
 * Runs `loader` when `deps` change and keeps its latest result. A load refused because the
 * session expired runs again once the user has logged back in. A change of `refreshKey` loads
 * again but keeps showing the current data meanwhile.
 */
export function useLoad<T>(loader: () => Promise<T>, deps: unknown[], refreshKey?: unknown): Loaded<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const waitingForLogin = useRef(false);
  const expired = useStore(sessionExpired);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;

  const lastDeps = useRef<string | null>(null);

  useEffect(() => {
    let active = true;
    // Other inputs (another album, say) must not show the previous one's data while loading.
    const depsKey = JSON.stringify(deps);
    if (lastDeps.current !== depsKey) setDataState(undefined);
    lastDeps.current = depsKey;
    setLoading(true);
    setError(null);
    loaderRef
      .current()
      .then((value) => {
        if (!active) return;
        waitingForLogin.current = false;
        setDataState(() => value);
        setLoading(false);
      })
      .catch((failure: unknown) => {
        if (!active) return;
        waitingForLogin.current = failure instanceof SessionExpiredError;
        setError(errorText(failure));
        setLoading(false);
      });
    return () => {
      active = false;
    };
  }, [...deps, generation, refreshKey]);

  useEffect(() => {
    if (!expired && waitingForLogin.current) setGeneration((value) => value + 1);
  }, [expired]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const setData = useCallback((update: T | ((current: T | undefined) => T)) => {
    setDataState((current) =>
      typeof update === 'function' ? (update as (current: T | undefined) => T)(current) : update,
    );
  }, []);
  return { data, error, loading, reload, setData };
}
