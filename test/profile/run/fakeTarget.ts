import type { RequestOutcome } from '../../../src/serving/pipeline.js';
import type { ManualClock } from '../../../src/util/clock.js';
import { createListeners } from '../../../src/util/listeners.js';
import type { ProfileTarget } from '../../../src/profile/target.js';

/**
 * A ProfileTarget whose requests take latencyMs on a ManualClock: every figure a run measures
 * follows from the clock, so tests can count windows and requests exactly.
 */
export interface FakeTargetOptions {
  /** Latency of a request sent at this clock time (default 10 ms). */
  latencyMs?: (sentAtMs: number) => number;
  /** How batches are known: live (onBatch, each request a batch of 1), read (cumulative counts), or not at all. */
  batches?: 'live' | 'read' | 'none';
  /** Requests that fail (by send order, 0-based). */
  fails?: (n: number) => boolean;
  warnings?: string[];
}

export interface FakeTarget extends ProfileTarget {
  sent: number;
  drained: boolean;
  closed: boolean;
}

export function fakeTarget(clock: ManualClock, options: FakeTargetOptions = {}): FakeTarget {
  const latencyMs = options.latencyMs ?? (() => 10);
  const batches = createListeners<number>();
  const counts = new Map<number, number>();
  const target: FakeTarget = {
    sent: 0,
    drained: false,
    closed: false,
    itemShape: [3, 8, 8],
    warnings: options.warnings ?? [],
    transport: { kind: 'inprocess' },
    send(_request, intendedAtMs) {
      const n = target.sent++;
      if (options.batches === 'live') batches.emit(1);
      counts.set(1, (counts.get(1) ?? 0) + 1);
      const ms = latencyMs(clock.nowMs());
      return new Promise<RequestOutcome>((resolve) => {
        clock.setTimeout(() => {
          const ok = !(options.fails?.(n) ?? false);
          resolve({
            ok,
            stageMs: ok ? { infer: ms } : {},
            endToEndMs: clock.nowMs() - intendedAtMs,
            completedAtMs: clock.nowMs(),
            ...(ok ? {} : { failure: { stage: 'infer', reason: 'fake failure' } }),
          });
        }, ms);
      });
    },
    drain() {
      target.drained = true;
    },
    async close() {
      target.closed = true;
    },
  };
  if (options.batches === 'live') target.onBatch = (listener) => batches.add(listener);
  if (options.batches === 'read') target.batchSizeCounts = async () => new Map(counts);
  return target;
}

/**
 * Moves the clock stepMs at a time, letting every promise settle between steps, until `work`
 * settles. The clock stands still while nothing waits on it (real file reads before the load):
 * however long those take, the clock-driven part starts at the same clock time every run.
 * Bounded, so a run that never ends fails the test instead of hanging it.
 */
export async function driveClock<T>(clock: ManualClock, work: Promise<T>, stepMs = 1, maxSteps = 1_000_000): Promise<T> {
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  for (let step = 0; !settled; step++) {
    if (step === maxSteps) throw new Error(`driveClock: still running after ${maxSteps} steps of ${stepMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
    if (!settled && clock.pendingTimers() > 0) clock.advanceMs(stepMs);
  }
  return watched;
}
