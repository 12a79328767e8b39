import type { LoadModel } from '../../schema/loadModel.js';
import type { Clock } from '../../util/clock.js';
import { planArrivalsMs, type OpenLoadModel } from './loadSchedule.js';

/**
 * Executes a load model against `send` (k6's executors; the plan itself is loadSchedule's).
 *
 * Open models fire each planned arrival at its intended time and pass that intended time to send,
 * even when the timer fired late and several arrivals go out in one catch-up loop: the caller
 * measures latency from intendedAtMs, so a stalled client or server shows up as latency instead of
 * being hidden (no coordinated omission). When maxInFlight requests are outstanding at an arrival,
 * that arrival is dropped and counted (k6's dropped_iterations), never delayed.
 *
 * Closed loop keeps `concurrency` requests outstanding: each loop sends, awaits, sends again.
 */
export interface RunLoadOptions {
  load: LoadModel;
  durationMs: number;
  clock: Clock;
  /**
   * Issues one request. intendedAtMs is in clock.nowMs()'s frame (run start + planned offset, or the
   * actual send time in closed loop); seq numbers issued requests 0, 1, 2, ... (drops take none).
   * A rejection counts as settled like a resolution: record failures in send itself.
   */
  send: (intendedAtMs: number, seq: number) => Promise<void>;
  /** Stops issuing; the run still resolves only once what was issued has settled. */
  signal?: AbortSignal;
  onDropped?: (intendedAtMs: number) => void;
}

export interface LoadRunCounts {
  issued: number;
  dropped: number;
  completedOrFailed: number;
}

export function runLoad(options: RunLoadOptions): Promise<LoadRunCounts> {
  const { load } = options;
  return load.kind === 'closed-loop' ? runClosedLoop(options, load.concurrency) : runOpen(options, load);
}

async function runClosedLoop(options: RunLoadOptions, concurrency: number): Promise<LoadRunCounts> {
  const { clock, durationMs, send, signal } = options;
  const counts: LoadRunCounts = { issued: 0, dropped: 0, completedOrFailed: 0 };
  const startMs = clock.nowMs();
  const loop = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) break;
      // One clock read per request: it both ends the loop and is the request's send time.
      const nowMs = clock.nowMs();
      if (nowMs - startMs >= durationMs) break;
      const seq = counts.issued++;
      try {
        await send(nowMs, seq);
      } catch {
        // Failures are send's to record; the loop keeps its request outstanding all the same.
      }
      counts.completedOrFailed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return counts;
}

function runOpen(options: RunLoadOptions, load: OpenLoadModel): Promise<LoadRunCounts> {
  const { clock, durationMs, send, signal, onDropped } = options;
  const planMs = planArrivalsMs(load, durationMs);
  const counts: LoadRunCounts = { issued: 0, dropped: 0, completedOrFailed: 0 };

  return new Promise((resolve) => {
    const startMs = clock.nowMs();
    let next = 0;
    let inFlight = 0;
    let issuing = true;
    let timer: unknown = null;

    const finishIfDone = (): void => {
      if (!issuing && inFlight === 0) resolve(counts);
    };
    const settle = (): void => {
      inFlight--;
      counts.completedOrFailed++;
      finishIfDone();
    };
    const stopIssuing = (): void => {
      if (!issuing) return;
      issuing = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      signal?.removeEventListener('abort', stopIssuing);
      finishIfDone();
    };
    const fire = (intendedAtMs: number): void => {
      if (inFlight >= load.maxInFlight) {
        counts.dropped++;
        onDropped?.(intendedAtMs);
        return;
      }
      const seq = counts.issued++;
      inFlight++;
      let sent: Promise<void>;
      try {
        sent = send(intendedAtMs, seq);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(settle, settle);
    };
    const tick = (): void => {
      timer = null;
      const elapsedMs = clock.nowMs() - startMs;
      // Catch up on every arrival that is due: if the event loop was late, they go out now, each
      // still carrying its planned time.
      while (issuing && next < planMs.length && planMs[next]! <= elapsedMs) {
        fire(startMs + planMs[next]!);
        next++;
      }
      if (!issuing) return;
      if (next >= planMs.length) return stopIssuing();
      // A timer may wake a little early (whole-ms timers, fractional offsets): tick just re-arms.
      timer = clock.setTimeout(tick, planMs[next]! - elapsedMs);
    };

    if (signal?.aborted) return stopIssuing();
    signal?.addEventListener('abort', stopIssuing);
    tick();
  });
}
