import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ListeningReporter, PlayTracker, type ListeningEvent } from './listening';

function event(i: number): ListeningEvent {
  return { type: 'play_progress', trackId: 't', playId: 'p', positionMs: i, occurredAtMs: 1 };
}

function response(status: number, headers: Record<string, string> = {}): Response {
  return new Response(status === 202 ? '{"ids":[]}' : null, { status, headers });
}

describe('ListeningReporter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a batch after a few seconds, or at once at maxBatch events', async () => {
    const sent: ListeningEvent[][] = [];
    const reporter = new ListeningReporter({
      send: async (events) => { sent.push(events); return response(202); },
      flushEveryMs: 5000, maxBatch: 3,
    });
    reporter.record(event(1));
    await vi.advanceTimersByTimeAsync(4000);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.map((b) => b.length)).toEqual([1]);
    reporter.record(event(2));
    reporter.record(event(3));
    reporter.record(event(4));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((b) => b.length)).toEqual([1, 3]);
    expect(reporter.pending).toHaveLength(0);
  });

  it('retries failures with growing backoff, at least Retry-After, keeping the order', async () => {
    const attempts: number[] = [];
    const statuses = [503, 429, 0, 202];
    const reporter = new ListeningReporter({
      send: async (events) => {
        attempts.push(Date.now());
        const status = statuses.shift()!;
        if (status === 0) throw new TypeError('network down');
        expect(events.map((e) => e.positionMs)).toEqual([1, 2]);
        return response(status, status === 429 ? { 'Retry-After': '7' } : {});
      },
      flushEveryMs: 1000, maxBatch: 50,
    });
    const start = Date.now();
    reporter.record(event(1));
    reporter.record(event(2));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts.map((t) => t - start)).toEqual([1000, 2000, 9000, 13000]);
    expect(reporter.pending).toHaveLength(0);
  });

  it('drops a batch the server refuses instead of sending it forever', async () => {
    let calls = 0;
    const reporter = new ListeningReporter({
      send: async () => { calls += 1; return response(400); }, flushEveryMs: 1000,
    });
    reporter.record(event(1));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toBe(1);
    expect(reporter.pending).toHaveLength(0);
  });

  it('hands everything queued to keepalive requests when the page is hidden', () => {
    const calls: Array<[number, boolean]> = [];
    const reporter = new ListeningReporter({
      send: async (events, keepalive) => { calls.push([events.length, keepalive]); return response(202); },
      flushEveryMs: 5000, maxBatch: 1000,
    });
    for (let i = 0; i < 150; i++) reporter.record(event(i));
    reporter.flushOnHide();
    expect(calls).toEqual([[100, true], [50, true]]);
    expect(reporter.pending).toHaveLength(0);
  });
});

describe('PlayTracker', () => {
  it('reports a play-through: start, progress every 15 s, end; leaving early is a skip', () => {
    const recorded: ListeningEvent[] = [];
    const reporter = { record: (e: ListeningEvent) => recorded.push(e) } as unknown as ListeningReporter;
    let n = 0;
    const tracker = new PlayTracker(reporter, () => `play-${++n}`, () => 42);
    tracker.started('a', 0);
    tracker.progress(10);
    tracker.progress(15.2);
    tracker.progress(20);
    tracker.started('a', 21);  // the same play resumed: nothing new
    tracker.ended(180);
    tracker.started('b', 0);
    tracker.started('c', 0);  // b left after 0 s
    expect(recorded.map((e) => `${e.type}:${e.trackId}:${e.playId}:${e.positionMs}`)).toEqual([
      'play_started:a:play-1:0', 'play_progress:a:play-1:15200', 'play_ended:a:play-1:180000',
      'play_started:b:play-2:0', 'skipped:b:play-2:0', 'play_started:c:play-3:0',
    ]);
    expect(recorded.every((e) => e.occurredAtMs === 42)).toBe(true);
  });
});
