import { describe, expect, it } from 'vitest';
import { createRunEventBus, type RunEvent, type RunEventOf } from '../../../src/profile/events.js';
import { EARLY_STOP_FAILURES, runWindowLoop, type WindowLoopOptions, type WindowLoopResult } from '../../../src/profile/run/windowLoop.js';
import type { LoadModel } from '../../../src/schema/loadModel.js';
import { MeasurementWindow } from '../../../src/schema/profileResult.js';
import type { ProfileSpec } from '../../../src/schema/profileSpec.js';
import type { WireRequest } from '../../../src/serving/stage.js';
import { ManualClock } from '../../../src/util/clock.js';
import { driveClock, fakeTarget, type FakeTarget, type FakeTargetOptions } from './fakeTarget.js';

/**
 * The window loop on a ManualClock with a fake target: every request takes a set time on the
 * clock, so windows, counts and stability follow from the arithmetic, not from the machine.
 */

const REQUEST: WireRequest = { contentType: 'image/jpeg', body: Buffer.from('x') };

function measurement(overrides: Partial<ProfileSpec['measurement']> = {}): ProfileSpec['measurement'] {
  return { warmupS: 0.1, windowS: 0.1, stabilityPct: 10, stableWindows: 3, maxWindows: 10, durationS: 5, ...overrides };
}

interface Run {
  result: WindowLoopResult;
  events: RunEvent[];
  target: FakeTarget;
  clock: ManualClock;
}

async function loop(
  options: { load?: LoadModel; measurement?: Partial<ProfileSpec['measurement']>; target?: FakeTargetOptions; slots?: (WireRequest | string)[] } & Partial<
    Pick<WindowLoopOptions, 'signal' | 'tickMs' | 'stopEarlyOnFailures'>
  > = {},
): Promise<Run> {
  const clock = new ManualClock(5_000);
  // 2 ms a request by default: 100 requests a 100 ms window with 2 clients, so every window holds
  // the 50 requests and 10 x the latency that the stability rule asks of it.
  const target = fakeTarget(clock, { batches: 'live', latencyMs: () => 2, ...options.target });
  const bus = createRunEventBus({ runId: 'run-1', clock });
  const events: RunEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const result = await driveClock(
    clock,
    runWindowLoop({
      target,
      slots: options.slots ?? [REQUEST],
      spec: { load: options.load ?? { kind: 'closed-loop', concurrency: 2 }, measurement: measurement(options.measurement) },
      clock,
      signal: options.signal,
      telemetry: { summarize: () => ({}) },
      events: bus,
      tickMs: options.tickMs,
      stopEarlyOnFailures: options.stopEarlyOnFailures,
    }),
  );
  return { result, events, target, clock };
}

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T): RunEventOf<T>[] =>
  events.filter((e): e is RunEventOf<T> => e.type === type);

describe('runWindowLoop on a manual clock', () => {
  it('steady service: stable after the first three windows, every window a valid document window', async () => {
    // 2 clients, 2 ms each: 100 requests per 100 ms window, 1000 req/s, every latency 2 ms.
    const { result, target } = await loop();
    expect(result.stability.stable).toBe(true);
    expect(result.stability.note).toMatch(/^last 3 windows within 10%/);
    expect(result.interrupted).toBe(false);
    expect(result.summaries.map((w) => w.index)).toEqual([0, 1, 2]);
    expect(result.summaries.map((w) => w.startMs)).toEqual([100, 200, 300]);
    for (const w of result.summaries) {
      expect(MeasurementWindow.parse(w)).toEqual(w);
      expect(w.durationMs).toBe(100);
      expect(w.completed).toBe(100);
      expect(w.throughputRps).toBe(1000);
      expect(w.failed).toBe(0);
      expect(w.dropped).toBe(0);
      expect(w.latency.p50Ms).toBeCloseTo(2, 1);
      expect(w.stages?.map((s) => [s.name, s.count])).toEqual([['infer', 100]]);
      // One batch of 1 per request dispatched in the window.
      expect(w.batchSizeCounts).toEqual({ '1': 100 });
    }
    expect(target.drained).toBe(true);
  });

  it('unstable throughout: stops at the bound on windows and says so', async () => {
    // Latency alternates every 100 ms between 1 and 2 ms: throughput swings 2x window to window.
    const { result } = await loop({
      measurement: { maxWindows: 4 },
      target: { latencyMs: (atMs) => (Math.floor(atMs / 100) % 2 === 0 ? 1 : 2) },
    });
    expect(result.stability.stable).toBe(false);
    expect(result.summaries).toHaveLength(4);
    expect(result.stability.note).toMatch(/varied .*; stopped at the bound of 4 windows$/);
    expect(new Set(result.summaries.map((w) => w.throughputRps)).size).toBe(2);
  });

  it('the duration bound: no window may end past it, and fewer windows than stability needs is unstable', async () => {
    // 100 ms warm-up, then windows at 100-200 and 200-300; the next would end at 400 > 350.
    const { result } = await loop({ measurement: { durationS: 0.35 } });
    expect(result.summaries.map((w) => w.startMs)).toEqual([100, 200]);
    expect(result.stability.stable).toBe(false);
    expect(result.stability.note).toBe('only 2 of the 3 windows needed to judge stability; stopped at the 0.35s duration bound');
  });

  it('a stretched window that no longer fits: the time left is measured as a last, shorter window', async () => {
    // 30 ms a request, 2 clients: about 67 req/s. After the first 100 ms window the next must hold
    // 50 requests (about 750 ms) and 10 x p95 (300 ms): it would end past 500 ms, so the 300 ms
    // left become the last window instead of being thrown away.
    const { result } = await loop({ measurement: { durationS: 0.5 }, target: { latencyMs: () => 30 } });
    expect(result.summaries.map((w) => [w.startMs, w.durationMs])).toEqual([
      [100, 100],
      [200, 300],
    ]);
    expect(result.stability.stable).toBe(false);
    expect(result.stability.note).toMatch(/stopped at the 0.5s duration bound$/);
  });

  it('open load above what the target keeps up with: the arrivals that find maxInFlight taken are dropped and counted per window', async () => {
    // One request in flight at most, 1.5 ms each, an arrival every 1 ms: every other arrival goes.
    const { result, events } = await loop({
      load: { kind: 'constant-rate', rps: 1000, maxInFlight: 1 },
      measurement: { maxWindows: 3 },
      target: { latencyMs: () => 1.5 },
    });
    expect(result.stability.stable).toBe(false);
    expect(result.stability.note).toMatch(/arrivals dropped/);
    for (const w of result.summaries) {
      expect(w.dropped).toBeGreaterThan(0);
      // One arrival a ms, each either sent or dropped (windows stretch to hold 50 completions).
      expect(Math.abs(w.completed + w.dropped - w.durationMs)).toBeLessThanOrEqual(1);
    }
    const progress = ofType(events, 'progress').at(-1)!;
    expect(progress.dropped).toBe(result.summaries.reduce((n, w) => n + w.dropped, 0));
  });

  it('an unreadable image is a failure in its turn, and failed requests are counted, not timed', async () => {
    const { result } = await loop({ slots: [REQUEST, 'client: cannot read image file'], measurement: { maxWindows: 1 } });
    const w = result.summaries[0]!;
    expect(w.failed).toBeGreaterThan(0);
    expect(w.completed).toBeGreaterThan(0);
    expect(w.latency.count).toBe(w.completed);
  });

  it('batches read from another process complete the windows later: absent from the window event, present in the document', async () => {
    const { result, events } = await loop({ target: { batches: 'read' } });
    const windows = ofType(events, 'window');
    expect(windows).toHaveLength(3);
    for (const e of windows) expect(e.window.batchSizeCounts).toBeUndefined();
    for (const w of result.summaries) expect(w.batchSizeCounts).toEqual({ '1': 100 });
  });

  it('a target that cannot tell its batches: no batch counts at all (absent, not zero)', async () => {
    const { result } = await loop({ target: { batches: 'none' } });
    for (const w of result.summaries) expect(w.batchSizeCounts).toBeUndefined();
  });

  it('an abort mid-run: interrupted, and the load drains', async () => {
    const abort = new AbortController();
    const clock = new ManualClock();
    // Aborted at 250 ms on the clock, inside the second window.
    clock.setTimeout(() => abort.abort(), 250);
    const target = fakeTarget(clock, { batches: 'live' });
    const result = await driveClock(
      clock,
      runWindowLoop({
        target,
        slots: [REQUEST],
        spec: { load: { kind: 'closed-loop', concurrency: 2 }, measurement: measurement() },
        clock,
        signal: abort.signal,
        telemetry: { summarize: () => ({}) },
        events: createRunEventBus({ runId: 'r', clock }),
      }),
    );
    expect(result.interrupted).toBe(true);
    expect(result.summaries).toHaveLength(1);
    expect(target.drained).toBe(true);
  });
});

describe('runWindowLoop events', () => {
  it('every event carries the runId and the clock time since the bus started; phases, then windows with progress, then the drain', async () => {
    const { events, result } = await loop();
    expect(events.every((e) => e.runId === 'run-1')).toBe(true);
    const nonTicks = events.filter((e) => e.type !== 'tick');
    expect(nonTicks.map((e) => (e.type === 'phase' ? `phase:${e.phase}` : e.type))).toEqual([
      'phase:warmup',
      'phase:measure',
      'window',
      'progress',
      'window',
      'progress',
      'window',
      'progress',
      'phase:drain',
    ]);
    // Clock times relative to the bus's start (the manual clock started at 5000).
    expect(nonTicks.map((e) => e.atMs)).toEqual([0, 100, 200, 200, 300, 300, 400, 400, 400]);
    const windowEvents = ofType(events, 'window');
    expect(windowEvents.map((e) => e.window)).toEqual(result.summaries);
    expect(windowEvents.map((e) => e.stable)).toEqual([false, false, true]);
    expect(ofType(events, 'progress').map((e) => [e.elapsedMs, e.totalMs, e.completed])).toEqual([
      [200, 5000, 100],
      [300, 5000, 200],
      [400, 5000, 300],
    ]);
    // Plain JSON: what a server streams is what subscribers saw.
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  it('ticks: one per tick period on the clock while the load runs, counts so far and the rolling throughput; none after the drain', async () => {
    // 20 windows of 100 ms would be 2 s; the latency swings keep it unstable up to maxWindows.
    const { events } = await loop({
      measurement: { maxWindows: 20, durationS: 10 },
      tickMs: 250,
      target: { latencyMs: (atMs) => (Math.floor(atMs / 100) % 2 === 0 ? 1 : 2) },
    });
    const ticks = ofType(events, 'tick');
    const drainAt = events.find((e) => e.type === 'phase' && e.phase === 'drain')!.atMs;
    expect(drainAt).toBe(2100);
    expect(ticks.map((t) => t.atMs)).toEqual([250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
    expect(ticks.map((t) => t.elapsedMs)).toEqual([250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.completed).toBeGreaterThan(ticks[i - 1]!.completed);
    expect(ticks.every((t) => t.failed === 0 && t.dropped === 0)).toBe(true);
    // 2 clients at 1 and 2 ms in turn: 1500 req/s on average over whole 200 ms cycles.
    const last = ticks.at(-1)!;
    expect(last.throughputRps).toBeGreaterThan(1400);
    expect(last.throughputRps).toBeLessThan(1600);
    expect(events.findIndex((e) => e.type === 'tick' && e.atMs > drainAt)).toBe(-1);
  });

  it('stops early when the first 32 requests all fail, with the reasons; not when asked not to (a sweep point)', async () => {
    // Every request fails after 10 ms on the clock (a model that refuses every input).
    const stopped = await loop({ target: { fails: () => true }, stopEarlyOnFailures: true });
    expect(stopped.result.failedEarly?.count).toBe(EARLY_STOP_FAILURES);
    expect(stopped.result.failedEarly?.reasons.reduce((n, r) => n + r.count, 0)).toBe(EARLY_STOP_FAILURES);
    expect(stopped.result.summaries).toEqual([]);
    const measured = await loop({ target: { fails: () => true }, stopEarlyOnFailures: false, measurement: { durationS: 0.5 } });
    expect(measured.result.failedEarly).toBeUndefined();
    expect(measured.result.summaries.length).toBeGreaterThan(0);
    // A success before the 32nd failure keeps the run going.
    const mixed = await loop({ target: { fails: (n) => n !== 5 }, stopEarlyOnFailures: true, measurement: { durationS: 0.5 } });
    expect(mixed.result.failedEarly).toBeUndefined();
  });
});
