import { seekBy, togglePlay } from './engine';

const TEXT_INPUT_TYPES = new Set([
  'text', 'search', 'email', 'password', 'number', 'url', 'tel', 'date', 'time', 'datetime-local', 'month', 'week', 'file', 'checkbox', 'radio', 'color',
]);

/** Typing (or operating a form control) must never also play, pause or seek. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type);
  return false;
}

function isSeekSlider(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.dataset.testid === 'player-seek';
}

function isOtherSlider(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && target.type === 'range' && !isSeekSlider(target);
}

function inModal(target: EventTarget | null): boolean {
  return target instanceof Element && !!target.closest('[aria-modal="true"]');
}

/** Space plays and pauses, the arrow keys seek 5 s, anywhere but in a text field or dialog. */
export function installKeyboardShortcuts(): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (isTypingTarget(target) || inModal(target)) return;
    if (event.key === ' ' || event.code === 'Space') {
      // Otherwise the focused button (the last one clicked) would be pressed as well.
      event.preventDefault();
      if (!event.repeat) togglePlay();
    } else if ((event.key === 'ArrowLeft' || event.key === 'ArrowRight') && !isOtherSlider(target)) {
      event.preventDefault();
      seekBy(event.key === 'ArrowLeft' ? -5 : 5);
    }
  });
  // A button activates on the release of space; the press above already did the work.
  document.addEventListener('keyup', (event) => {
    if ((event.key === ' ' || event.code === 'Space') && !isTypingTarget(event.target) && !inModal(event.target)) {
      event.preventDefault();
    }
  });
}
