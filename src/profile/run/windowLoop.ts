import type { MeasurementWindow } from '../../schema/profileResult.js';
import type { ProfileSpec } from '../../schema/profileSpec.js';
import type { WireRequest } from '../../serving/stage.js';
import type { Clock } from '../../util/clock.js';
import { runLoad } from '../core/loadExecutor.js';
import { summarize } from '../core/histogram.js';
import { assessStability, nextWindowMs, stabilityLoadOf, type StabilityAssessment, type StabilityWindow } from '../core/stability.js';
import type { RunEventBus } from '../events.js';
import { mergeWindows, WindowRecorder } from '../recorder.js';
import type { ProfileTarget } from '../target.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { sizeCountsRecord, stageSummaries } from './assembleProfileResult.js';

/**
 * The load and its measurement windows: warm-up, then back-to-back windows until the last few
 * agree (stable) or a bound is hit (max windows, the duration), then the drain. Everything runs on
 * the injected clock, so tests drive it with a ManualClock.
 */

export const TICK_MS = 1000;
/**
 * A run whose first this-many requests all failed stops there: a folder of broken images, or a
 * model that refuses every input, would otherwise run for the whole duration and end in a summary
 * of zeros. (The load walks the corpus in order, so this many is past any few bad files at its start.)
 */
export const EARLY_STOP_FAILURES = 32;
/** Ticks the rolling throughput spans. */
const ROLLING_TICKS = 5;

export interface WindowLoopOptions {
  target: Pick<ProfileTarget, 'send' | 'onBatch' | 'batchSizeCounts' | 'drain'>;
  /** The corpus in order: a request, or why that image could not be read (a failure in its turn). */
  slots: readonly (WireRequest | string)[];
  spec: Pick<ProfileSpec, 'load' | 'measurement'>;
  clock: Clock;
  signal?: AbortSignal;
  telemetry: Pick<Telemetry, 'summarize'>;
  events: RunEventBus;
  /** Tick period; default TICK_MS. */
  tickMs?: number;
  /** Stop when the first EARLY_STOP_FAILURES requests all fail; default false. */
  stopEarlyOnFailures?: boolean;
}

export interface WindowLoopResult {
  /** Every window measured, in order, with their summaries (same order). */
  windows: WindowRecorder[];
  summaries: MeasurementWindow[];
  stability: StabilityAssessment;
  /** The signal was aborted before the loop ended. */
  interrupted: boolean;
  /** Set when the first EARLY_STOP_FAILURES requests all failed and the run stopped there. */
  failedEarly?: { count: number; reasons: { reason: string; count: number }[] };
}

export async function runWindowLoop(options: WindowLoopOptions): Promise<WindowLoopResult> {
  const { target, slots, clock, signal, telemetry, events } = options;
  const m = options.spec.measurement;
  const totalMs = m.durationS * 1000;
  const windowMs = m.windowS * 1000;
  const loadAbort = new AbortController();
  const onAbort = (): void => loadAbort.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let current: WindowRecorder | null = null;
  const unsubscribeBatches = target.onBatch?.((size) => current?.recordBatch(size));
  const ticker = startTicker(clock, events, options.tickMs ?? TICK_MS);

  try {
    const startMs = clock.nowMs();
    let inFlight = 0;
    // Until the first success: every failure's reason, for the early stop.
    let succeeded = false;
    const earlyFailures = new Map<string, number>();
    let earlyFailureCount = 0;
    const noteOutcome = (failureReason: string | undefined): void => {
      // Requests in flight when the load stops answer after it: the count stays what stopped it.
      if (succeeded || earlyFailureCount >= EARLY_STOP_FAILURES) return;
      if (failureReason === undefined) {
        succeeded = true;
        return;
      }
      earlyFailures.set(failureReason, (earlyFailures.get(failureReason) ?? 0) + 1);
      earlyFailureCount += 1;
      if (earlyFailureCount === EARLY_STOP_FAILURES && options.stopEarlyOnFailures) loadAbort.abort();
    };
    const send = async (intendedAtMs: number, seq: number): Promise<void> => {
      inFlight += 1;
      try {
        const slot = slots[seq % slots.length]!;
        if (typeof slot === 'string') {
          ticker.counts.failed += 1;
          current?.recordFailure(slot);
          noteOutcome(slot);
        } else {
          // Awaited first: `current?.record(await ...)` would skip the send whenever no window is open.
          const outcome = await target.send(slot, intendedAtMs);
          if (outcome.ok) ticker.counts.completed += 1;
          else ticker.counts.failed += 1;
          current?.record(outcome);
          noteOutcome(outcome.ok ? undefined : outcome.failure ? `${outcome.failure.stage}: ${outcome.failure.reason}` : 'unknown');
        }
      } finally {
        inFlight -= 1;
      }
    };
    const loadDone = runLoad({
      load: options.spec.load,
      durationMs: totalMs,
      clock,
      send,
      signal: loadAbort.signal,
      onDropped: () => {
        ticker.counts.dropped += 1;
        if (current) current.dropped += 1;
      },
    });
    ticker.start(startMs);

    events.publish({ type: 'phase', phase: 'warmup', message: `warming up for ${m.warmupS}s` });
    await sleep(clock, m.warmupS * 1000, loadAbort.signal);

    const windows: WindowRecorder[] = [];
    const summaries: MeasurementWindow[] = [];
    let stability: StabilityAssessment = { stable: false, note: 'no measurement window completed' };
    events.publish({ type: 'phase', phase: 'measure', message: `measuring in ${m.windowS}s windows` });
    // A target in another process cannot report batches live: its cumulative counts, read at each
    // window boundary, give each window its batches (windows are back to back: one read per window,
    // not awaited inside the window loop, chained so that each window subtracts the read before it).
    const readBatchCounts = target.onBatch ? undefined : target.batchSizeCounts?.bind(target);
    const stabilityLoad = stabilityLoadOf(options.spec.load);
    const judged: StabilityWindow[] = [];
    let batchCounts: Promise<Map<number, number>> | undefined = readBatchCounts?.().catch(() => new Map());
    let lastWindow = false;
    while (!loadAbort.signal.aborted) {
      const elapsed = clock.nowMs() - startMs;
      // Long enough for 50 requests and 10 x the latency the last window saw (stability.ts).
      let thisWindowMs = nextWindowMs(windowMs, judged.at(-1), stabilityLoad);
      if (summaries.length >= m.maxWindows) {
        stability = { ...stability, note: `${stability.note}; stopped at the bound of ${m.maxWindows} windows` };
        break;
      }
      if (elapsed + thisWindowMs > totalMs + 1) {
        // A stretched window that no longer fits: the time left (when it holds a configured window)
        // is measured as a last, shorter window rather than thrown away; the run stays unstable.
        const leftMs = totalMs - elapsed;
        if (lastWindow || thisWindowMs === windowMs || leftMs < windowMs) {
          stability = { ...stability, note: `${stability.note}; stopped at the ${m.durationS}s duration bound` };
          break;
        }
        thisWindowMs = leftMs;
        lastWindow = true;
      }
      const recorder = new WindowRecorder(clock.nowMs());
      current = recorder;
      await sleep(clock, thisWindowMs, loadAbort.signal);
      if (loadAbort.signal.aborted) break;
      const endMs = clock.nowMs();
      current = null;
      const summary = summarizeWindow(recorder, summaries.length, startMs, endMs, telemetry);
      // Batches not reported live are absent until (unless) a read from the target gives them.
      if (!target.onBatch) delete summary.batchSizeCounts;
      if (batchCounts && readBatchCounts) {
        const read = readBatchCounts().catch(() => undefined);
        batchCounts = batchCounts.then(async (before) => {
          const counts = (await read) ?? before;
          for (const [size, count] of counts) {
            for (let i = count - (before.get(size) ?? 0); i > 0; i--) recorder.recordBatch(size);
          }
          summary.batchSizeCounts = sizeCountsRecord(recorder.batchSizes);
          return counts;
        });
      }
      windows.push(recorder);
      summaries.push(summary);
      judged.push({ throughputRps: summary.throughputRps, latencyMs: summary.latency.p95Ms, completed: summary.completed, durationMs: summary.durationMs, dropped: summary.dropped });
      stability = assessStability(judged, { stabilityPct: m.stabilityPct, stableWindows: m.stableWindows, load: stabilityLoad });
      // A copy: batch counts read later from another process complete the document's window, not
      // an event already published.
      events.publish({ type: 'window', window: { ...summary }, stable: stability.stable, note: stability.note });
      events.publish({
        type: 'progress',
        elapsedMs: endMs - startMs,
        totalMs,
        completed: summaries.reduce((n, w) => n + w.completed, 0),
        failed: summaries.reduce((n, w) => n + w.failed, 0),
        dropped: summaries.reduce((n, w) => n + w.dropped, 0),
      });
      if (stability.stable && !m.fullDuration) break;
    }
    current = null;
    await batchCounts;
    const interrupted = signal?.aborted ?? false;
    ticker.stop();
    events.publish({ type: 'phase', phase: 'drain', message: `draining ${inFlight} in-flight request(s)` });
    loadAbort.abort();
    target.drain();
    await loadDone;
    const failedEarly = options.stopEarlyOnFailures && !succeeded && earlyFailureCount >= EARLY_STOP_FAILURES && !interrupted
      ? { count: earlyFailureCount, reasons: [...earlyFailures].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count) }
      : undefined;
    return { windows, summaries, stability, interrupted, ...(failedEarly ? { failedEarly } : {}) };
  } finally {
    ticker.stop();
    unsubscribeBatches?.();
    signal?.removeEventListener('abort', onAbort);
  }
}

function summarizeWindow(
  recorder: WindowRecorder,
  index: number,
  runStartMs: number,
  endMs: number,
  telemetry: Pick<Telemetry, 'summarize'>,
): MeasurementWindow {
  const durationMs = endMs - recorder.startMs;
  const merged = mergeWindows([recorder]);
  return {
    index,
    startMs: recorder.startMs - runStartMs,
    durationMs,
    completed: recorder.completed,
    failed: recorder.failed,
    dropped: recorder.dropped,
    throughputRps: (recorder.completed * 1000) / durationMs,
    latency: summarize(recorder.endToEnd),
    ...telemetry.summarize(recorder.startMs, endMs),
    stages: stageSummaries(merged.stages, merged.endToEnd.meanMs),
    batchSizeCounts: sizeCountsRecord(recorder.batchSizes),
  };
}

interface Ticker {
  counts: { completed: number; failed: number; dropped: number };
  start(startMs: number): void;
  stop(): void;
}

/** Publishes a tick every tickMs on the clock's timers, with the load's counts so far. */
function startTicker(clock: Clock, events: RunEventBus, tickMs: number): Ticker {
  const counts = { completed: 0, failed: 0, dropped: 0 };
  let timer: unknown = null;
  let startMs = 0;
  const recent: { atMs: number; completed: number }[] = [];
  const tick = (): void => {
    const nowMs = clock.nowMs();
    const oldest = recent[0]!;
    const spanMs = nowMs - oldest.atMs;
    events.publish({
      type: 'tick',
      elapsedMs: nowMs - startMs,
      ...counts,
      throughputRps: spanMs > 0 ? ((counts.completed - oldest.completed) * 1000) / spanMs : 0,
    });
    recent.push({ atMs: nowMs, completed: counts.completed });
    if (recent.length > ROLLING_TICKS) recent.shift();
    timer = clock.setTimeout(tick, tickMs);
  };
  return {
    counts,
    start(at) {
      startMs = at;
      recent.push({ atMs: at, completed: 0 });
      timer = clock.setTimeout(tick, tickMs);
    },
    stop() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
