import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock, type Clock } from '../../../src/util/clock.js';
import { runLoad, type LoadRunCounts } from '../../../src/profile/core/loadExecutor.js';
import { planArrivalsMs } from '../../../src/profile/core/loadSchedule.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Call {
  intendedMs: number;
  actualMs: number;
  seq: number;
}

/** A send that records its call and settles after `takesMs` of (fake) time. */
function timedSend(clock: Clock, t0: number, takesMs: number, calls: Call[]) {
  return (intendedAtMs: number, seq: number): Promise<void> => {
    calls.push({ intendedMs: intendedAtMs - t0, actualMs: clock.nowMs() - t0, seq });
    return new Promise((resolve) => setTimeout(resolve, takesMs));
  };
}

/** Tracks whether the run has resolved, to show it waits for what is in flight. */
function track(run: Promise<LoadRunCounts>) {
  const state: { done: boolean; counts?: LoadRunCounts } = { done: false };
  void run.then((counts) => {
    state.done = true;
    state.counts = counts;
  });
  return state;
}

describe('runLoad: open models', () => {
  it('constant-rate 100 rps for 1000 ms issues exactly 100, at intended times 0, 10, ..., 990', async () => {
    const calls: Call[] = [];
    const t0 = realClock.nowMs();
    const run = track(
      runLoad({
        load: { kind: 'constant-rate', rps: 100, maxInFlight: 1024 },
        durationMs: 1000,
        clock: realClock,
        send: timedSend(realClock, t0, 5, calls),
      }),
    );
    // The last request goes at 990 and settles at 995: not done a moment before.
    await vi.advanceTimersByTimeAsync(994);
    expect(run.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.counts).toEqual({ issued: 100, dropped: 0, completedOrFailed: 100 });
    expect(calls.map((c) => c.intendedMs)).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(calls.map((c) => c.actualMs)).toEqual(calls.map((c) => c.intendedMs));
    expect(calls.map((c) => c.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('drops (never delays) arrivals while maxInFlight requests are outstanding', async () => {
    const t0 = realClock.nowMs();
    const intended: number[] = [];
    const droppedAt: number[] = [];
    const settle: (() => void)[] = [];
    const run = track(
      runLoad({
        load: { kind: 'constant-rate', rps: 100, maxInFlight: 3 },
        durationMs: 1000,
        clock: realClock,
        send: (intendedAtMs) => {
          intended.push(intendedAtMs - t0);
          return new Promise((resolve) => settle.push(resolve));
        },
        onDropped: (intendedAtMs) => droppedAt.push(intendedAtMs - t0),
      }),
    );
    // 0, 10, 20 fill the 3 slots and never settle; 30..500 (48 arrivals) are dropped.
    await vi.advanceTimersByTimeAsync(505);
    expect(intended).toEqual([0, 10, 20]);
    expect(droppedAt.length).toBe(48);
    // One settles at 505: the arrival planned at 510 goes out at 510; 520..990 (48) are dropped.
    settle[0]!();
    await vi.advanceTimersByTimeAsync(495);
    expect(intended).toEqual([0, 10, 20, 510]);
    expect(droppedAt).toEqual([...range(30, 500), ...range(520, 990)]);
    // Still 3 in flight: the run waits for them.
    expect(run.done).toBe(false);
    settle.forEach((resolve) => resolve());
    await vi.advanceTimersByTimeAsync(0);
    // 100 planned = 4 issued + 96 dropped.
    expect(run.counts).toEqual({ issued: 4, dropped: 96, completedOrFailed: 4 });
  });

  it('passes the planned intended times even when a timer fires late, catching up in one loop', async () => {
    // A clock that jumps 25 ms ahead of the timers after 10 ms: as if the event loop had stalled.
    let lagMs = 0;
    const clock: Clock = { ...realClock, nowMs: () => realClock.nowMs() + lagMs };
    const t0 = clock.nowMs();
    const calls: Call[] = [];
    const run = runLoad({
      load: { kind: 'constant-rate', rps: 100, maxInFlight: 1024 },
      durationMs: 100,
      clock,
      send: (intendedAtMs, seq) => {
        calls.push({ intendedMs: intendedAtMs - t0, actualMs: clock.nowMs() - t0, seq });
        return Promise.resolve();
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    lagMs = 25;
    await vi.advanceTimersByTimeAsync(100);
    // The timer for 20 wakes when the clock reads 45: 20, 30, 40 go out at 45, then 50..90 on time
    // (the timer is re-armed from the clock's reading: 50 - 45 = 5 ms later).
    expect(calls.map((c) => c.intendedMs)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(calls.map((c) => c.actualMs)).toEqual([0, 10, 45, 45, 45, 50, 60, 70, 80, 90]);
    expect(await run).toEqual({ issued: 10, dropped: 0, completedOrFailed: 10 });
  });

  it('fractional poisson offsets under whole-ms timers: intended times equal start + plan exactly', async () => {
    const load = { kind: 'poisson', rps: 200, seed: 3, maxInFlight: 1024 } as const;
    const planMs = Array.from(planArrivalsMs(load, 500));
    const t0 = realClock.nowMs();
    const intended: number[] = [];
    const actualLateMs: number[] = [];
    const run = runLoad({
      load,
      durationMs: 500,
      clock: realClock,
      send: (intendedAtMs) => {
        intended.push(intendedAtMs);
        actualLateMs.push(realClock.nowMs() - intendedAtMs);
        return Promise.resolve();
      },
    });
    await vi.advanceTimersByTimeAsync(600);
    await run;
    expect(planMs.length).toBeGreaterThan(50); // 200 rps * 0.5 s = 100 expected
    expect(intended).toEqual(planMs.map((offsetMs) => t0 + offsetMs));
    // Never early; at most one whole-ms timer tick late.
    for (const late of actualLateMs) expect(late >= 0 && late < 1).toBe(true);
  });

  it('abort stops issuing; the run resolves once the request in flight settles', async () => {
    const calls: Call[] = [];
    const t0 = realClock.nowMs();
    const controller = new AbortController();
    const run = track(
      runLoad({
        load: { kind: 'constant-rate', rps: 100, maxInFlight: 1024 },
        durationMs: 1000,
        clock: realClock,
        send: timedSend(realClock, t0, 5, calls),
        signal: controller.signal,
      }),
    );
    // Sent at 0, 10, 20, 30; aborted at 32 with the one sent at 30 in flight until 35.
    await vi.advanceTimersByTimeAsync(32);
    controller.abort();
    await vi.advanceTimersByTimeAsync(2);
    expect(run.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.counts).toEqual({ issued: 4, dropped: 0, completedOrFailed: 4 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const send = vi.fn(() => Promise.resolve());
    const counts = await runLoad({
      load: { kind: 'constant-rate', rps: 100, maxInFlight: 1 },
      durationMs: 1000,
      clock: realClock,
      send,
      signal: AbortSignal.abort(),
    });
    expect(counts).toEqual({ issued: 0, dropped: 0, completedOrFailed: 0 });
    expect(send).not.toHaveBeenCalled();
  });

  it('counts rejected and synchronously throwing sends as settled', async () => {
    // 100 rps for 50 ms: seq 0..4 at 0..40; seq 1 and 3 reject, seq 2 throws before returning.
    const run = runLoad({
      load: { kind: 'constant-rate', rps: 100, maxInFlight: 1024 },
      durationMs: 50,
      clock: realClock,
      send: (_intendedAtMs, seq) => {
        if (seq === 2) throw new Error('sync');
        return seq % 2 === 1 ? Promise.reject(new Error('async')) : Promise.resolve();
      },
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(await run).toEqual({ issued: 5, dropped: 0, completedOrFailed: 5 });
  });
});

describe('runLoad: closed loop', () => {
  it('keeps `concurrency` requests outstanding until the duration has elapsed', async () => {
    // 2 loops, each request takes 30 ms, 100 ms run: each loop sends at 0, 30, 60, 90 (at 120 the
    // run is over) → 8 requests, the last settling at 120.
    const calls: Call[] = [];
    const t0 = realClock.nowMs();
    const run = track(
      runLoad({
        load: { kind: 'closed-loop', concurrency: 2 },
        durationMs: 100,
        clock: realClock,
        send: timedSend(realClock, t0, 30, calls),
      }),
    );
    await vi.advanceTimersByTimeAsync(119);
    expect(run.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.counts).toEqual({ issued: 8, dropped: 0, completedOrFailed: 8 });
    expect(calls.map((c) => c.intendedMs)).toEqual([0, 0, 30, 30, 60, 60, 90, 90]);
    expect(calls.map((c) => c.actualMs)).toEqual(calls.map((c) => c.intendedMs));
    expect(calls.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops issuing on abort; failures keep the loop going', async () => {
    const controller = new AbortController();
    let n = 0;
    const run = runLoad({
      load: { kind: 'closed-loop', concurrency: 1 },
      durationMs: 1000,
      clock: realClock,
      send: () => {
        n++;
        return new Promise((_resolve, reject) => setTimeout(() => reject(new Error('boom')), 10));
      },
      signal: controller.signal,
    });
    // Sends at 0, 10, 20; aborted at 25; the one sent at 20 fails at 30 and no more are sent.
    await vi.advanceTimersByTimeAsync(25);
    controller.abort();
    await vi.advanceTimersByTimeAsync(10);
    expect(await run).toEqual({ issued: 3, dropped: 0, completedOrFailed: 3 });
    expect(n).toBe(3);
  });
});

/** fromMs, fromMs + 10, ..., toMs. */
function range(fromMs: number, toMs: number): number[] {
  return Array.from({ length: (toMs - fromMs) / 10 + 1 }, (_, i) => fromMs + i * 10);
}
