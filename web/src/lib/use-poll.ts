import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `tick` every `intervalMs` while `active`, never twice at once; stops as soon as
 * `active` turns false (or the component goes away).
 */
export function usePoll(active: boolean, intervalMs: number, tick: () => Promise<unknown>): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const run = async () => {
      if (stopped) return;
      try {
        await tickRef.current();
      } catch {
        // The next tick tries again; the page shows the last known state meanwhile.
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    timer = setTimeout(run, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, intervalMs]);
}
