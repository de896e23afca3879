import type { SVGAttributes } from 'preact';

// Inline SVG icons (no icon font, no request); paths drawn on a 24x24 grid.
const paths = {
  home: 'M12 3 3 10.2V21h6.5v-6h5v6H21V10.2z',
  search:
    'M10.5 3a7.5 7.5 0 0 1 5.96 12.05l4.74 4.74-1.41 1.42-4.74-4.75A7.5 7.5 0 1 1 10.5 3m0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11',
  library: 'M4 3h2v18H4zm5 0h2v18H9zm4.4 1.3 1.9-.7 6.2 16.9-1.9.7z',
  studio:
    'M12 2a4 4 0 0 1 4 4v5a4 4 0 0 1-8 0V6a4 4 0 0 1 4-4m-7 9h2a5 5 0 0 0 10 0h2a7 7 0 0 1-6 6.93V21h3v2H8v-2h3v-3.07A7 7 0 0 1 5 11',
  settings:
    'M19.4 13a7.8 7.8 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.8 7.8 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1L11 21h4l.4-2.9a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7',
  play: 'M7 4.5v15a1 1 0 0 0 1.5.86l12.5-7.5a1 1 0 0 0 0-1.72L8.5 3.64A1 1 0 0 0 7 4.5',
  pause: 'M6 4h4v16H6zm8 0h4v16h-4z',
  prev: 'M6 5h2v14H6zm3.5 7L19 5v14z',
  next: 'M16 5h2v14h-2zm-1.5 7L5 19V5z',
  queue: 'M3 5h13v2H3zm0 4h13v2H3zm0 4h8v2H3zm12 0 6 3.5-6 3.5z',
  volume: 'M4 9h4l5-4v14l-5-4H4zm12.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4M14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6',
  mute: 'M4 9h4l5-4v14l-5-4H4zm12.3.3 1.4-1.4 2.3 2.3 2.3-2.3 1.4 1.4-2.3 2.3 2.3 2.3-1.4 1.4-2.3-2.3-2.3 2.3-1.4-1.4 2.3-2.3z',
  plus: 'M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z',
  addQueue: 'M3 5h13v2H3zm0 4h13v2H3zm0 4h8v2H3zm14 0h2v3h3v2h-3v3h-2v-3h-3v-2h3z',
  trash: 'M9 3h6l1 2h4v2H4V5h4zm-3 5h12l-1 13H7z',
  up: 'M12 6.5 18.5 13l-1.4 1.4L12 9.3l-5.1 5.1L5.5 13z',
  down: 'M12 17.5 5.5 11l1.4-1.4 5.1 5.1 5.1-5.1 1.4 1.4z',
  grip: 'M8 5h3v3H8zm5 0h3v3h-3zm-5 5.5h3v3H8zm5 0h3v3h-3zM8 16h3v3H8zm5 0h3v3h-3z',
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z',
  logout: 'M5 3h8v2H7v14h6v2H5zm11.6 4.6L21 12l-4.4 4.4-1.4-1.4 2-2H10v-2h7.2l-2-2z',
  upload: 'M11 16V7.8L8 10.8 6.6 9.4 12 4l5.4 5.4-1.4 1.4-3-3V16zm-6 2h14v2H5z',
  music: 'M9 4v11.3A3.5 3.5 0 1 0 11 18.5V8l8-2v7.3a3.5 3.5 0 1 0 2 3.2V2z',
  edit: 'M4 17.2V20h2.8L17.5 9.3l-2.8-2.8zM20.7 6.1a1 1 0 0 0 0-1.4l-1.4-1.4a1 1 0 0 0-1.4 0l-1.2 1.2 2.8 2.8z',
  clock: 'M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20m0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16m-1 3h2v5.6l3.8 2.2-1 1.7L11 13.7z',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 20, ...rest }: { name: IconName; size?: number } & SVGAttributes<SVGSVGElement>) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false" {...rest}>
      <path d={paths[name]} />
    </svg>
  );
}
