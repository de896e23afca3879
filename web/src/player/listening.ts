// Listening events for POST /api/v1/events: what the player played, batched and sent in the
// background. The server counts a play once per play-through (one playId), when it ends or
// passes 30 s; these events also feed "recently played", "most played" and "popular".
//
// Sending: every few seconds or every `maxBatch` events, whichever comes first; a failed send
// (network, 429, 5xx) is retried with exponential backoff (at least the server's Retry-After);
// a batch the server refuses (400) is dropped, since sending it again cannot succeed. When the
// page is hidden or left, what is queued goes out with fetch(..., {keepalive: true}), which,
// unlike navigator.sendBeacon, can carry the Authorization header the API needs.

export type ListeningEventType = 'play_started' | 'play_progress' | 'play_ended' | 'skipped';

export interface ListeningEvent {
  type: ListeningEventType;
  trackId: string;
  playId: string;
  positionMs: number;
  occurredAtMs: number;
}

export interface ReporterOptions {
  /** POSTs one batch; `keepalive` for the page-hide flush. */
  send: (events: ListeningEvent[], keepalive: boolean) => Promise<Response>;
  flushEveryMs?: number;
  maxBatch?: number;
  /** Queued events kept at most while the server cannot be reached; the oldest go first. */
  maxQueued?: number;
  maxBackoffMs?: number;
}

/** The server takes at most 100 events in one request. */
const kServerBatch = 100;

export class ListeningReporter {
  private queue: ListeningEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending = false;
  private failures = 0;
  private readonly flushEveryMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: ReporterOptions) {
    this.flushEveryMs = options.flushEveryMs ?? 5000;
    this.maxBatch = options.maxBatch ?? 20;
    this.maxQueued = options.maxQueued ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
  }

  /** Events waiting to be sent (for tests and the page-hide flush). */
  get pending(): readonly ListeningEvent[] {
    return this.queue;
  }

  record(event: ListeningEvent): void {
    this.queue.push(event);
    if (this.queue.length > this.maxQueued) this.queue.splice(0, this.queue.length - this.maxQueued);
    if (this.queue.length >= this.maxBatch && this.failures === 0) void this.flush();
    else this.schedule(this.flushEveryMs);
  }

  /** Sends what is queued now (one request of at most 100 events); retries on its own. */
  async flush(): Promise<void> {
    if (this.sending || this.queue.length === 0) return;
    this.cancelTimer();
    this.sending = true;
    const batch = this.queue.splice(0, kServerBatch);
    let retryAfterMs = 0;
    let failed = false;
    try {
      const response = await this.options.send(batch, false);
      if (response.status === 429 || response.status >= 500) {
        failed = true;
        retryAfterMs = Number(response.headers.get('Retry-After') ?? 0) * 1000;
      }
      // 2xx: done. Other 4xx (a refused batch, an expired session): sending again cannot help.
    } catch {
      failed = true;  // the network: try again later
    }
    this.sending = false;
    if (failed) {
      this.queue.unshift(...batch);
      this.failures += 1;
      const backoff = Math.min(this.maxBackoffMs, 1000 * 2 ** (this.failures - 1));
      this.schedule(Math.max(backoff, retryAfterMs));
      return;
    }
    this.failures = 0;
    if (this.queue.length > 0) this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushEveryMs);
  }

  /** The page is going away: hands everything queued to keepalive requests, without waiting. */
  flushOnHide(): void {
    this.cancelTimer();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, kServerBatch);
      void this.options.send(batch, true).catch(() => undefined);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) {
      if (delayMs >= this.flushEveryMs) return;  // an earlier flush is already due
      this.cancelTimer();
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Progress is reported every this many seconds of playback. */
const kProgressEverySeconds = 15;

/**
 * Turns what the engine sees (a track starting, time passing, the end, leaving a track early)
 * into the events of play-throughs.
 */
export class PlayTracker {
  private play: { trackId: string; playId: string; reportedAt: number } | null = null;

  constructor(
    private readonly reporter: ListeningReporter,
    private readonly newPlayId: () => string = () => crypto.randomUUID(),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** A track starts playing from `seconds`; a play-through still open is a skip. */
  started(trackId: string, seconds: number): void {
    if (this.play?.trackId === trackId) return;  // the same play resumed (a refreshed stream)
    this.left(seconds);
    this.play = { trackId, playId: this.newPlayId(), reportedAt: seconds };
    this.emit('play_started', seconds);
  }

  progress(seconds: number): void {
    if (!this.play || seconds - this.play.reportedAt < kProgressEverySeconds) return;
    this.play.reportedAt = seconds;
    this.emit('play_progress', seconds);
  }

  ended(seconds: number): void {
    if (!this.play) return;
    this.emit('play_ended', seconds);
    this.play = null;
  }

  /** The listener moved on before the end. */
  left(seconds: number): void {
    if (!this.play) return;
    this.emit('skipped', seconds);
    this.play = null;
  }

  private emit(type: ListeningEventType, seconds: number): void {
    if (!this.play) return;
    this.reporter.record({
      type,
      trackId: this.play.trackId,
      playId: this.play.playId,
      positionMs: Math.max(0, Math.round(seconds * 1000)),
      occurredAtMs: this.now(),
    });
  }
}
