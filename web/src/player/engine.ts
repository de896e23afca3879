import type Hls from 'hls.js/light';
import type { ErrorData, FragChangedData } from 'hls.js/light';
import { catalog } from '../api/endpoints';
import type { StreamUrls, Track } from '../api/types';
import { settings } from '../lib/settings';
import { reportError, toast } from '../lib/toast';
import { player, position } from './state';
import { makeQuality, qualityFromLevel } from './quality';
import * as queueOps from './queue';
import { updateMediaSession } from './media-session';
import { ListeningReporter, PlayTracker, type ListeningEvent } from './listening';
import { API_BASE } from '../api/client';
import { usableToken } from '../api/session';

type HlsClass = typeof Hls;

// Loaded on first use (and warmed up at start) so that the first screen does not wait for it.
let hlsClass: Promise<HlsClass> | null = null;
export function loadHls(): Promise<HlsClass> {
  hlsClass ??= import('hls.js/light').then((module) => module.default);
  return hlsClass;
}

let audio: HTMLAudioElement | null = null;
let hls: Hls | null = null;
/**
 * An hls.js instance already attached to the element and waiting for a source. Building one
 * and opening its MediaSource take tens of milliseconds on a slow machine, so that happens
 * while the listener browses, not between the click on play and the first sound.
 */
let warm: Hls | null = null;
let audioContext: AudioContext | null = null;
let gainNode: GainNode | null = null;
let currentStream: StreamUrls | null = null;
/** Bumped for every load so that a slow /stream answer for an old choice is ignored. */
let loadTicket = 0;
let mediaErrorRecoveries = 0;
/**
 * Set while the current track's stream has been asked for again after a network failure and
 * the new one has not delivered media yet: a second failure then stops playback instead of
 * asking again, so a source that keeps failing never loops.
 */
let refreshingStream = false;
let prefetchedFor: string | null = null;

/** Stream URLs by track; reused while their media token has time left. */
const streams = new Map<string, StreamUrls>();
const pendingStreams = new Map<string, Promise<StreamUrls>>();
// A token is renewed when less than this is left, before any request could carry an expired one.
const TOKEN_RENEW_MS = 90_000;

function hasTimeLeft(stream: StreamUrls | undefined | null, marginMs = TOKEN_RENEW_MS): stream is StreamUrls {
  return !!stream && Date.parse(stream.expiresAt) - Date.now() > marginMs;
}

function streamFor(trackId: string): Promise<StreamUrls> {
  const known = streams.get(trackId);
  if (hasTimeLeft(known)) return Promise.resolve(known);
  let pending = pendingStreams.get(trackId);
  if (!pending) {
    pending = catalog
      .stream(trackId)
      .then((stream) => {
        streams.set(trackId, stream);
        if (currentStream && currentTrackId() === trackId) currentStream = stream;
        return stream;
      })
      .finally(() => pendingStreams.delete(trackId));
    pendingStreams.set(trackId, pending);
  }
  return pending;
}

function currentTrackId(): string | undefined {
  return queueOps.currentEntry(player.get().queue)?.track.id;
}

const MEDIA_PREFIX = /^(.*\/media\/[^/]+\/([^/]+)\/)/;

/**
 * The media token is part of the URL path; when it has been renewed, requests hls.js makes from
 * the old manifest are pointed at the new token so a long pause or a long track never hits a 403.
 */
async function withFreshToken(url: string): Promise<string> {
  const match = MEDIA_PREFIX.exec(url);
  if (!match || !currentStream) return url;
  const trackId = match[2];
  if (!currentStream.hls.includes(`/${trackId}/`)) return url;
  if (!hasTimeLeft(currentStream, 30_000)) {
    try {
      currentStream = await streamFor(trackId);
    } catch {
      return url;
    }
  }
  const fresh = MEDIA_PREFIX.exec(currentStream.hls);
  return fresh ? fresh[1] + url.slice(match[1].length) : url;
}

// ---- Web Audio: loudness normalisation ----

/** Must run inside a user gesture: browsers only let an AudioContext start from one. */
export function ensureAudioGraph(): void {
  if (!audio) return;
  if (!audioContext) {
    const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Context) return;
    try {
      audioContext = new Context();
      const source = audioContext.createMediaElementSource(audio);
      gainNode = audioContext.createGain();
      source.connect(gainNode).connect(audioContext.destination);
    } catch {
      audioContext = null;
      gainNode = null;
      return;
    }
    applyGain();
  }
  if (audioContext.state === 'suspended') void audioContext.resume().catch(() => undefined);
}

function applyGain(): void {
  const wanted = settings.get().normalize && currentStream?.loudness ? currentStream.loudness.gainDb : 0;
  const applied = gainNode && audioContext ? wanted : 0;
  if (gainNode && audioContext) gainNode.gain.setValueAtTime(10 ** (applied / 20), audioContext.currentTime);
  if (player.get().gainDb !== applied) player.update((state) => ({ ...state, gainDb: applied }));
}

settings.subscribe((value) => {
  applyGain();
  if (audio && Math.abs(audio.volume - value.volume) > 0.001) audio.volume = value.volume;
});

// ---- the media element ----

export function attachAudio(element: HTMLAudioElement | null): void {
  if (!element || element === audio) return;
  if (audio) {
    // A new element (after logging out and in again): the old graph is tied to the old one.
    teardownSource();
    warm?.destroy();
    warm = null;
    void audioContext?.close().catch(() => undefined);
    audioContext = null;
    gainNode = null;
  }
  audio = element;
  element.volume = settings.get().volume;
  element.preload = 'auto';
  element.addEventListener('play', () => {
    setPlaying(true);
    // The first play of a loaded track opens a play-through; resuming one does nothing.
    const trackId = currentTrackId();
    if (trackId) plays.started(trackId, element.currentTime);
  });
  element.addEventListener('playing', () => setLoading(false));
  element.addEventListener('canplay', () => { refreshingStream = false; });
  element.addEventListener('waiting', () => setLoading(true));
  element.addEventListener('pause', () => setPlaying(false));
  element.addEventListener('timeupdate', onTimeUpdate);
  element.addEventListener('durationchange', onTimeUpdate);
  element.addEventListener('seeked', onTimeUpdate);
  element.addEventListener('ended', onEnded);
  element.addEventListener('error', onElementError);
  prepareWarm();
  // The audio graph is built as early as the browser allows it (once the page has had a user
  // gesture: signing in, or the first click or key anywhere): starting the browser's audio
  // output takes tens of milliseconds, better spent while the listener browses than between a
  // click on play and the first sound. Built before any gesture it would start suspended, with
  // a console warning.
  if (navigator.userActivation?.hasBeenActive) {
    ensureAudioGraph();
  } else {
    for (const type of ['pointerdown', 'keydown']) {
      window.addEventListener(type, ensureAudioGraph, { capture: true, once: true, passive: true });
    }
  }
}

function createHls(HlsCtor: HlsClass): Hls {
  return new HlsCtor({
    lowLatencyMode: false,
    // Audio arrives as fMP4 that needs no transmuxing: a worker would only add its start-up
    // (parsing hls.js a second time) to the time before the first sound.
    enableWorker: false,
    // Audio renditions are small; a first estimate near the middle rung starts at 160 kbps.
    abrEwmaDefaultEstimate: 250_000,
    startFragPrefetch: true,
    // Audio is small, so hls.js would otherwise fetch up to ten minutes ahead; a minute is
    // plenty to ride out a network hiccup and keeps skipping cheap.
    maxBufferLength: 30,
    maxMaxBufferLength: 60,
    backBufferLength: 30,
    xhrSetup: async (xhr: XMLHttpRequest, url: string) => {
      xhr.open('GET', await withFreshToken(url), true);
    },
  });
}

function prepareWarm(): void {
  if (warm || !audio) return;
  void loadHls()
    .then((HlsCtor) => {
      if (warm || hls || !audio || !HlsCtor.isSupported()) return;
      warm = createHls(HlsCtor);
      warm.attachMedia(audio);
    })
    .catch(() => undefined);
}

/** Whether the element has something to play (not just a warm instance's empty MediaSource). */
function hasSource(): boolean {
  return hls !== null || (warm === null && !!audio?.getAttribute('src'));
}

function setPlaying(playing: boolean): void {
  if (player.get().playing !== playing) player.update((state) => ({ ...state, playing }));
  if ('mediaSession' in navigator) navigator.mediaSession.playbackState = playing ? 'playing' : 'paused';
}

function setLoading(loading: boolean): void {
  if (player.get().loading !== loading) player.update((state) => ({ ...state, loading }));
}

/** The catalogue's duration first, so that the bar shows the same length as the track lists. */
function knownDuration(): number {
  const track = queueOps.currentEntry(player.get().queue)?.track;
  if (track?.durationMs) return track.durationMs / 1000;
  const fromElement = audio?.duration;
  return fromElement && Number.isFinite(fromElement) ? fromElement : 0;
}

// ---- listening events ----

function sendListeningEvents(events: ListeningEvent[], keepalive: boolean): Promise<Response> {
  const token = usableToken();
  // No session: nothing can be sent, and nothing would ever be accepted.
  if (!token) return Promise.resolve(new Response(null, { status: 401 }));
  return fetch(`${API_BASE}/events`, {
    method: 'POST',
    keepalive,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ events }),
  });
}

const listening = new ListeningReporter({ send: sendListeningEvents });
const plays = new PlayTracker(listening);
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => listening.flushOnHide());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') listening.flushOnHide();
  });
}

function onTimeUpdate(): void {
  if (!audio) return;
  if (!audio.paused) plays.progress(audio.currentTime);
  const duration = knownDuration();
  position.set({ time: audio.currentTime, duration });
  // Ask for the next track's URLs ahead of time so that it starts without a round trip.
  const { queue } = player.get();
  const next = queue.entries[queue.current + 1];
  if (next && duration > 0 && duration - audio.currentTime < 20 && prefetchedFor !== next.track.id) {
    prefetchedFor = next.track.id;
    void streamFor(next.track.id).catch(() => undefined);
  }
}

function onEnded(): void {
  if (audio) plays.ended(audio.currentTime);
  const { queue } = player.get();
  if (queueOps.hasNext(queue)) void load(queue.current + 1, true);
  else setPlaying(false);
}

/**
 * Stream URLs expire: the media token, and with an object store the pre-signed URLs of the
 * progressive files and of the segments the manifests list (at an hour boundary at the
 * latest). A track kept loaded past that (a long pause, a long track) then gets 403 from the
 * store. The answer is a new stream (new token, new manifests, new URLs) resumed where the
 * listener was; once per failure: false when this load already was such a retry.
 */
function refreshStream(): boolean {
  const trackId = currentTrackId();
  if (refreshingStream || !audio || !trackId) return false;
  refreshingStream = true;
  const at = audio.currentTime > 0 ? audio.currentTime : position.get().time;
  const resume = !audio.paused || player.get().playing;
  streams.delete(trackId);
  void load(player.get().queue.current, resume, at, true);
  return true;
}

function onElementError(): void {
  // hls.js reports its own errors; this is for native HLS and progressive playback.
  if (hls || warm || !audio?.error || !audio.getAttribute('src')) return;
  const { code } = audio.error;
  if ((code === MediaError.MEDIA_ERR_NETWORK || code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED) && refreshStream()) return;
  setLoading(false);
  toast('This track could not be played.', 'error');
}

function teardownSource(): void {
  if (hls) {
    hls.destroy();  // detaches the element too
    hls = null;
  } else if (!warm && audio?.getAttribute('src')) {
    audio.pause();
    audio.removeAttribute('src');
    audio.load();
  }
  // The next track's instance gets ready while this one's detach settles.
  setTimeout(prepareWarm, 0);
}

async function attachSource(stream: StreamUrls, startAt: number): Promise<void> {
  if (!audio) return;
  const HlsCtor = await loadHls().catch(() => null);
  if (HlsCtor?.isSupported()) {
    mediaErrorRecoveries = 0;
    const instance = warm ?? createHls(HlsCtor);
    const attached = instance === warm;
    warm = null;
    // Read by hls.js when the manifest has been parsed, so it may be set on a warm instance.
    instance.config.startPosition = startAt > 0 ? startAt : -1;
    hls = instance;
    instance.on(HlsCtor.Events.FRAG_CHANGED, (_event: string, data: FragChangedData) => {
      const quality = qualityFromLevel(instance.levels[data.frag.level]);
      if (quality) player.update((state) => ({ ...state, quality }));
    });
    instance.on(HlsCtor.Events.ERROR, (_event: string, data: ErrorData) => onHlsError(instance, HlsCtor, data));
    if (!attached) instance.attachMedia(audio);
    instance.loadSource(stream.hls);
    return;
  }
  warm?.destroy();  // native or progressive playback owns the element's src
  warm = null;
  if (audio.canPlayType('application/vnd.apple.mpegurl')) {
    // Native HLS (Safari) picks the rendition itself and does not tell which.
    player.update((state) => ({ ...state, quality: makeQuality('aac', null) }));
    audio.src = stream.hls;
  } else {
    const fallback = stream.progressive.mp3_160 ?? stream.progressive.mp3_320 ?? stream.progressive.mp3_96;
    if (!fallback) throw new Error('This browser cannot play this track.');
    player.update((state) => ({ ...state, quality: makeQuality('mp3', fallback.includes('mp3_320') ? 320 : fallback.includes('mp3_96') ? 96 : 160) }));
    audio.src = fallback;
  }
  if (startAt > 0) audio.currentTime = startAt;
}

function onHlsError(instance: Hls, HlsCtor: HlsClass, data: ErrorData): void {
  if (instance !== hls) return;
  // A segment the store refuses (403) has an expired URL: hls.js alone would fall back to
  // other renditions, whose playlists may hold expired URLs too, and stop when none is left.
  const expired = data.details === HlsCtor.ErrorDetails.FRAG_LOAD_ERROR && data.response?.code === 403;
  if (expired && refreshStream()) return;
  if (!data.fatal) return;
  if (data.type === HlsCtor.ErrorTypes.MEDIA_ERROR && mediaErrorRecoveries < 2) {
    mediaErrorRecoveries += 1;
    instance.recoverMediaError();
    return;
  }
  if (data.type === HlsCtor.ErrorTypes.NETWORK_ERROR && refreshStream()) return;
  setLoading(false);
  teardownSource();
  setPlaying(false);
  toast('Playback stopped: the track could not be loaded.', 'error');
}

async function load(index: number, autoplay: boolean, startAt = 0, refreshing = false): Promise<void> {
  const state = player.get();
  const entry = state.queue.entries[index];
  if (!entry || !audio) return;
  refreshingStream = refreshing;
  // Another track (or the same one again) replaces a play-through that did not end.
  if (!refreshing) plays.left(audio.currentTime);
  loadTicket += 1;
  const ticket = loadTicket;
  prefetchedFor = null;
  teardownSource();
  currentStream = null;
  player.set({ ...state, queue: { ...state.queue, current: index }, quality: null, loading: true, playing: autoplay });
  position.set({ time: startAt, duration: entry.track.durationMs ? entry.track.durationMs / 1000 : 0 });
  updateMediaSession(entry.track);
  try {
    const stream = await streamFor(entry.track.id);
    if (ticket !== loadTicket) return;
    currentStream = stream;
    applyGain();
    await attachSource(stream, startAt);
    if (ticket !== loadTicket) return;
    if (autoplay) await audio.play();
    else setLoading(false);
  } catch (error) {
    if (ticket !== loadTicket) return;
    // A newer load or a pause interrupting play() is not a failure.
    if (error instanceof DOMException && error.name === 'AbortError') return;
    setLoading(false);
    setPlaying(false);
    if (error instanceof DOMException && error.name === 'NotAllowedError') return;
    reportError(error);
  }
}

// ---- what the UI calls ----

/** Replaces the queue with the playable ones of `tracks` and plays from `tracks[start]`. */
export function playTracks(tracks: readonly Track[], start = 0): void {
  // The stream URLs first: the request is on its way while the rest of the click is handled.
  const first = tracks[start];
  if (first?.status === 'ready') void streamFor(first.id).catch(() => undefined);
  ensureAudioGraph();
  const queue = queueOps.queueFrom(tracks, start);
  if (queue.current < 0) return;
  player.update((state) => ({ ...state, queue, shown: true }));
  void load(queue.current, true);
}

export function addToQueue(tracks: readonly Track[]): void {
  const before = player.get().queue;
  const queue = queueOps.enqueue(before, tracks);
  if (queue === before) return;
  player.update((state) => ({ ...state, queue, shown: true }));
  // Queuing onto an empty player readies the first track without starting it.
  if (before.current < 0 && queue.current >= 0) void load(queue.current, false);
}

export function playQueueEntry(index: number): void {
  ensureAudioGraph();
  void load(index, true);
}

export function togglePlay(): void {
  ensureAudioGraph();
  if (!audio) return;
  const { queue } = player.get();
  if (queue.current < 0) return;
  if (!audio.paused) {
    audio.pause();
    return;
  }
  if (!currentStream || !hasSource()) {
    // Nothing loaded (a failed load, or playback was stopped): start the current entry again.
    void load(queue.current, true, position.get().time);
    return;
  }
  setPlaying(true);
  audio.play().catch((error: unknown) => {
    setPlaying(false);
    if (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'NotAllowedError')) return;
    reportError(error);
  });
}

export function pause(): void {
  audio?.pause();
}

export function resume(): void {
  if (audio?.paused) togglePlay();
}

export function next(): void {
  const { queue } = player.get();
  if (queueOps.hasNext(queue)) {
    ensureAudioGraph();
    void load(queue.current + 1, true);
  }
}

export function previous(): void {
  const { queue } = player.get();
  if (audio && audio.currentTime > 3) {
    seek(0);
    return;
  }
  if (queueOps.hasPrevious(queue)) {
    ensureAudioGraph();
    void load(queue.current - 1, true);
  } else {
    seek(0);
  }
}

export function seek(seconds: number): void {
  if (!audio) return;
  const duration = knownDuration();
  const target = Math.max(0, duration > 0 ? Math.min(seconds, duration - 0.25) : seconds);
  if (hasSource()) audio.currentTime = target;
  position.set({ time: target, duration });
}

export function seekBy(deltaSeconds: number): void {
  if (audio) seek(audio.currentTime + deltaSeconds);
}

export function removeFromQueue(index: number): void {
  const before = player.get().queue;
  const queue = queueOps.removeAt(before, index);
  if (queue === before) return;
  const removedCurrent = index === before.current;
  const wasPlaying = !!audio && !audio.paused;
  player.update((state) => ({ ...state, queue }));
  if (!removedCurrent) return;
  if (queue.current >= 0) {
    void load(queue.current, wasPlaying);
  } else {
    stopPlayback();
  }
}

export function moveInQueue(from: number, to: number): void {
  player.update((state) => ({ ...state, queue: queueOps.moveEntry(state.queue, from, to) }));
}

function stopPlayback(): void {
  loadTicket += 1;
  teardownSource();
  currentStream = null;
  position.set({ time: 0, duration: 0 });
  player.update((state) => ({ ...state, playing: false, loading: false, quality: null }));
  applyGain();
}

/** Forgets everything (on log out): the next user starts with an empty player. */
export function resetPlayer(): void {
  stopPlayback();
  streams.clear();
  player.update((state) => ({ ...state, queue: queueOps.emptyQueue, queueOpen: false, shown: false }));
}
