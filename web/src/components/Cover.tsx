import type { CoverUrls } from '../api/types';

const PALETTES = [
  ['#4f46e5', '#06b6d4'],
  ['#db2777', '#f59e0b'],
  ['#059669', '#84cc16'],
  ['#7c3aed', '#ec4899'],
  ['#0ea5e9', '#22c55e'],
  ['#ea580c', '#e11d48'],
  ['#0f766e', '#6366f1'],
];

function hash(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i += 1) value = (value * 31 + text.charCodeAt(i)) >>> 0;
  return value;
}

/** An album without art gets a gradient with its initial, drawn as an inline SVG data URL. */
export function placeholderCover(seed: string, label: string): string {
  const [from, to] = PALETTES[hash(seed) % PALETTES.length];
  const initial = (label.trim()[0] ?? '♪').toUpperCase().replace(/[<>&"']/g, '');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/>` +
    `<stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="300" height="300" fill="url(#g)"/>` +
    `<text x="150" y="192" font-family="system-ui,sans-serif" font-size="150" font-weight="700" ` +
    `fill="rgba(255,255,255,.85)" text-anchor="middle">${initial}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The smallest stored size that covers `displayPx` on this screen, with larger ones as srcset. */
export function Cover({
  cover,
  seed,
  label,
  displayPx,
  className,
  testId,
  lazy = true,
}: {
  cover: CoverUrls | null | undefined;
  seed: string;
  label: string;
  displayPx: number;
  className?: string;
  testId?: string;
  lazy?: boolean;
}) {
  const sizes = cover
    ? (Object.entries(cover) as [string, string][])
        .map(([size, url]) => [Number(size), url] as const)
        .sort((a, b) => a[0] - b[0])
    : [];
  const wanted = displayPx * (typeof window !== 'undefined' ? Math.min(window.devicePixelRatio || 1, 2) : 1);
  const chosen = sizes.find(([size]) => size >= wanted) ?? sizes[sizes.length - 1];
  const src = chosen ? chosen[1] : placeholderCover(seed, label);
  const srcSet = sizes.length > 1 ? sizes.map(([size, url]) => `${url} ${size}w`).join(', ') : undefined;
  return (
    <img
      class={`cover ${className ?? ''}`}
      data-testid={testId}
      src={src}
      srcSet={srcSet}
      sizes={srcSet ? `${displayPx}px` : undefined}
      alt={cover ? `Cover of ${label}` : ''}
      loading={lazy ? 'lazy' : 'eager'}
      decoding="async"
      draggable={false}
    />
  );
}
