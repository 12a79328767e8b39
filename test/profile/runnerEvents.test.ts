import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunEventBus, type RunEvent, type RunEventOf } from '../../src/profile/events.js';
import { runProfile } from '../../src/profile/runner.js';
import type { Telemetry } from '../../src/profile/telemetry/telemetry.js';
import { ProfileResult, type Environment } from '../../src/schema/profileResult.js';
import { ProfileSpec, type ProfileSpecInput } from '../../src/schema/profileSpec.js';
import { ManualClock } from '../../src/util/clock.js';
import { InterruptedError, MeasurementError } from '../../src/util/errors.js';
import { driveClock, fakeTarget, type FakeTarget, type FakeTargetOptions } from './run/fakeTarget.js';

/**
 * runProfile end to end with everything faked (target, telemetry, environment) on a ManualClock:
 * what its event bus says, in which order, and what the document gets from the windows.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-runner-events-'));
  await writeFile(join(dir, 'a.jpg'), 'not decoded: preprocessing is on the server');
  await writeFile(join(dir, 'b.jpg'), 'nor this one');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENVIRONMENT: Environment = {
  hostname: 'fake',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'fake cpu',
  cpuCores: 2,
  memoryGiB: 4,
  nodeVersion: 'v20.0.0',
  gpus: [],
  recordedAt: '2026-01-02T03:04:05.000Z',
};

const fakeTelemetry = (): Telemetry => ({
  summarize: () => ({}),
  overall: () => ({}),
  gpuAbsentReason: () => 'no GPU here',
  gpus: () => [],
  stop: async () => {},
});

interface Run {
  events: RunEvent[];
  outcome: { result: ProfileResult } | { error: unknown };
  target: FakeTarget;
}

async function run(measurement: ProfileSpecInput['measurement'], targetOptions: FakeTargetOptions = {}, signal?: AbortSignal): Promise<Run> {
  const clock = new ManualClock();
  const spec = ProfileSpec.parse({
    name: 'fake',
    model: { source: 'tiny' },
    load: { kind: 'closed-loop', concurrency: 2 },
    measurement,
    images: { kind: 'dir', path: dir },
  });
  const bus = createRunEventBus({ runId: 'fake-run', clock });
  const events: RunEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const target = fakeTarget(clock, { batches: 'live', warnings: ['a warning from the target'], ...targetOptions });
  const running = runProfile({
    spec,
    home: dir,
    env: {},
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    clock,
    signal,
    events: bus,
    openTarget: async () => target,
    startTelemetry: fakeTelemetry,
    collectEnvironment: async () => ({ environment: ENVIRONMENT, warnings: ['an environment warning'] }),
  });
  const outcome = await driveClock(clock, running, 5).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  return { events, outcome, target };
}

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T): RunEventOf<T>[] =>
  events.filter((e): e is RunEventOf<T> => e.type === type);

const names = (events: RunEvent[]): string[] =>
  events.filter((e) => e.type !== 'tick').map((e) => (e.type === 'phase' ? `phase:${e.phase}` : e.type === 'warning' ? `warning:${e.message}` : e.type));

describe('runProfile events', () => {
  it('phases, windows, warnings, then done with the document; every event stamped, in clock order, plain JSON', async () => {
    const { events, outcome, target } = await run({ warmupS: 1, windowS: 1, maxWindows: 5, stableWindows: 3, durationS: 30 });
    if (!('result' in outcome)) throw outcome.error;
    const result = ProfileResult.parse(outcome.result);
    expect(names(events)).toEqual([
      'phase:corpus',
      'phase:cold-start',
      'phase:warmup',
      'phase:measure',
      'window',
      'progress',
      'window',
      'progress',
      'window',
      'progress',
      'phase:drain',
      'warning:a warning from the target',
      'warning:an environment warning',
      'phase:done',
      'done',
    ]);
    expect(events.every((e) => e.runId === 'fake-run')).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.atMs).toBeGreaterThanOrEqual(events[i - 1]!.atMs);
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);

    const done = ofType(events, 'done')[0]!;
    expect(done.result).toEqual(outcome.result);
    expect(result.measurement.stable).toBe(true);
    expect(result.warnings).toEqual(['a warning from the target', 'an environment warning']);
    // The windows carry their own stages and batches; the document's totals are their sums.
    const windows = result.measurement.windows;
    expect(windows).toHaveLength(3);
    expect(windows.map((w) => w.stages?.[0]?.count)).toEqual(windows.map((w) => w.completed));
    const batches = windows.reduce((n, w) => n + (w.batchSizeCounts?.['1'] ?? 0), 0);
    expect(result.batches.sizeCounts).toEqual({ '1': batches });
    expect(result.coldStart.firstRequestMs).toBe(10);
    expect(result.coldStart.warmMedianMs).toBe(10);
    expect(target.closed).toBe(true);

    // Ticks once a second of the run's clock from the load's start, until the drain (the tick due
    // at 4 s, when the last window ends, was armed before that window's timer, so it fires first).
    const ticks = ofType(events, 'tick');
    expect(ticks.map((t) => t.elapsedMs)).toEqual([1000, 2000, 3000, 4000]);
    expect(ticks.map((t) => t.atMs - ticks[0]!.atMs)).toEqual([0, 1000, 2000, 3000]);
    // 2 clients at 10 ms: 200 req/s, less the completions due at the tick's own instant (they fire after it).
    for (const t of ticks) {
      expect(t.throughputRps).toBeGreaterThan(197);
      expect(t.throughputRps).toBeLessThanOrEqual(200);
    }
    const drain = events.findIndex((e) => e.type === 'phase' && e.phase === 'drain');
    expect(events.findLastIndex((e) => e.type === 'tick')).toBeLessThan(drain);
  });

  it('an unstable run is marked so in the document, with a warning published as well', async () => {
    const { events, outcome } = await run(
      { warmupS: 1, windowS: 1, maxWindows: 4, stableWindows: 3, durationS: 30 },
      { latencyMs: (atMs) => (Math.floor(atMs / 1000) % 2 === 0 ? 5 : 20) },
    );
    if (!('result' in outcome)) throw outcome.error;
    expect(outcome.result.measurement.stable).toBe(false);
    const unstable = outcome.result.warnings.filter((w) => w.startsWith('unstable: '));
    expect(unstable).toEqual([`unstable: ${outcome.result.measurement.stabilityNote}`]);
    expect(ofType(events, 'warning').map((e) => e.message)).toContain(unstable[0]);
    expect(outcome.result.measurement.stabilityNote).toMatch(/stopped at the bound of 4 windows$/);
  });

  it('a run that cannot measure ends with failed (message, error class, exit code name) and no done', async () => {
    const { events, outcome, target } = await run({ warmupS: 1, windowS: 1, durationS: 1.5 });
    expect('error' in outcome && outcome.error).toBeInstanceOf(MeasurementError);
    const failed = ofType(events, 'failed');
    expect(failed).toEqual([
      {
        type: 'failed',
        message: 'no measurement window fit in --duration 1.5s after 1s of warm-up (raise --duration or lower --warmup/--window)',
        errorName: 'MeasurementError',
        exitCode: 'measurement',
        runId: 'fake-run',
        atMs: failed[0]!.atMs,
      },
    ]);
    expect(events.at(-1)).toBe(failed[0]);
    expect(ofType(events, 'done')).toEqual([]);
    expect(target.closed).toBe(true);
  });

  it('an interrupted run: failed with the interrupted exit code', async () => {
    const abort = new AbortController();
    const { events, outcome } = await run({ warmupS: 1, windowS: 1, durationS: 30 }, { latencyMs: () => (abort.abort(), 10) }, abort.signal);
    expect('error' in outcome && outcome.error).toBeInstanceOf(InterruptedError);
    expect(ofType(events, 'failed').map((e) => [e.errorName, e.exitCode])).toEqual([['InterruptedError', 'interrupted']]);
  });
});
