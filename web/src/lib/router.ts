import { createStore } from './store';

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export const location = createStore<Location>(current());

export function navigate(to: string, { replace = false } = {}): void {
  const target = new URL(to, window.location.origin);
  const next = target.pathname + target.search + target.hash;
  if (next === window.location.pathname + window.location.search + window.location.hash) return;
  if (replace) window.history.replaceState(null, '', next);
  else window.history.pushState(null, '', next);
  location.set(current());
  if (!replace) document.getElementById('main')?.scrollTo(0, 0);
}

/** Matches "/albums/:id"-style patterns; returns the decoded parameters or null. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const wanted = pattern.split('/').filter(Boolean);
  const actual = path.split('/').filter(Boolean);
  if (wanted.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < wanted.length; i += 1) {
    if (wanted[i].startsWith(':')) {
      try {
        params[wanted[i].slice(1)] = decodeURIComponent(actual[i]);
      } catch {
        return null;
      }
    } else if (wanted[i] !== actual[i]) {
      return null;
    }
  }
  return params;
}

/** Links are real <a href>; same-origin clicks are handled here without a page load. */
export function initRouter(): void {
  window.addEventListener('popstate', () => location.set(current()));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const href = anchor.getAttribute('href');
    if (!href || href.startsWith('#')) return;
    const url = new URL(anchor.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}
