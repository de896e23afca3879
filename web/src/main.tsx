import { render } from 'preact';
import { initSession } from './api/session';
import { App } from './app';
import { initRouter } from './lib/router';
import { next, pause, previous, resume } from './player/engine';
import { installKeyboardShortcuts } from './player/keyboard';
import { installMediaSessionHandlers } from './player/media-session';
import './styles/app.css';

initSession();
initRouter();
installKeyboardShortcuts();
installMediaSessionHandlers({ play: resume, pause, nexttrack: next, previoustrack: previous });

render(<App />, document.getElementById('app')!);
