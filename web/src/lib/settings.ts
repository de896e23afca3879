import { createStore } from './store';

export interface Settings {
  /** Apply each track's loudness gain so that everything plays at about the same level. */
  normalize: boolean;
  volume: number;
}

const STORAGE_KEY = 'cadenza.settings';
const defaults: Settings = { normalize: true, volume: 0.8 };

function readSettings(): Settings {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Settings>;
    return {
      normalize: typeof stored.normalize === 'boolean' ? stored.normalize : defaults.normalize,
      volume:
        typeof stored.volume === 'number' && stored.volume >= 0 && stored.volume <= 1 ? stored.volume : defaults.volume,
    };
  } catch {
    return { ...defaults };
  }
}

export const settings = createStore<Settings>(readSettings());

export function changeSettings(change: Partial<Settings>): void {
  const next = { ...settings.get(), ...change };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  settings.set(next);
}
