import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLatencyHistogram, encodeHistogram, recordMs } from '../../src/profile/core/histogram.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { gridIndex, gridRate } from '../../src/sweep/capacitySearch.js';
import { checkpointPathFor } from '../../src/sweep/checkpoint.js';
import { buildDefinition } from '../../src/sweep/definition.js';
import { formatSweep } from '../../src/sweep/format.js';
import { runSweep, type MeasurePoint } from '../../src/sweep/runSweep.js';
import { parseVary } from '../../src/sweep/vary.js';
import { FAKE_ENVIRONMENT } from './syntheticServer.js';
import { createRunEventBus, type RunEvent, type RunEventOf } from '../../src/profile/events.js';
import { searchProgressLines, sweepProgressLines } from '../../src/sweep/progressLines.js';
import { ManualClock } from '../../src/util/clock.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const sla = parseSla('p95<=100ms');

/**
 * A fake open-loop target: each run holds 400 requests, of which a share over 100 ms that rises
 * with the rate, share = 0.05 · (rate / 40)^6 (5% exactly at 40 req/s: the true capacity).
 * Requests over the bound take 200 ms, the rest 50 ms. The probe gets 20 req/s. Each run takes
 * 15 s of wall time; `busy(rate, k)` says how much CPU other processes used in run k at a rate.
 */
function fakeTarget(calls: string[], busy: (rate: number, k: number) => number = () => 0): MeasurePoint {
  const seen = new Map<number, number>();
  return async (spec, context) => {
    const rate = context.offered.value;
    if (context.probe) {
      calls.push('probe');
      return {
        point: { offered: context.offered, throughputRps: 20, p50Ms: 10, p95Ms: 20, p99Ms: 30, failed: 0, dropped: 0, stable: true, meetsSla: true },
        environment: FAKE_ENVIRONMENT,
        costExtras: [],
      };
    }
    const k = seen.get(rate) ?? 0;
    seen.set(rate, k + 1);
    calls.push(`${rate}`);
    const requests = 400;
    const over = Math.min(requests, Math.round(requests * 0.05 * (rate / 40) ** 6));
    const h = createLatencyHistogram();
    for (let i = 0; i < requests; i++) recordMs(h, i < over ? 200 : 50);
    return {
      point: { offered: context.offered, throughputRps: rate, p50Ms: 50, p95Ms: over > 20 ? 200 : 50, p99Ms: 200, failed: 0, dropped: 0, stable: true, meetsSla: over <= 20 },
      environment: FAKE_ENVIRONMENT,
      costExtras: [],
      run: { completed: requests, failed: 0, dropped: 0, latencyHistogram: encodeHistogram(h), otherCpuPct: busy(rate, k), wallS: 15 },
    };
  };
}

const baseSpec = ProfileSpec.parse({ name: 'fake', model: { source: 'tiny' } });

describe('runSweep with an rps capacity search', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-capacity-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes the probe, each step of the search and each rate on the bus, which the progress lines read', async () => {
    const definition = buildDefinition({ baseSpec, vary: parseVary([]), sla, maxPoints: 4, budgetS: 300 });
    const bus = createRunEventBus({ runId: 'search', clock: new ManualClock() });
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    await runSweep({ definition, checkpointPath: checkpointPathFor(join(dir, 'events.json')), measure: fakeTarget([]), now: () => NOW, events: bus });
    const types = events.map((e) => e.type);
    expect(types.slice(0, 6)).toEqual(['sweep-start', 'point-start', 'probe-done', 'search-step', 'point-start', 'point-done']);
    expect(events[1]).toMatchObject({ type: 'point-start', probe: true, offered: { kind: 'concurrency', value: 1 } });
    const step = events.find((e): e is RunEventOf<'search-step'> => e.type === 'search-step')!;
    const lines = events.flatMap((e) => sweepProgressLines(e, sla));
    expect(lines[1]).toBe('[default] probe, one client: 20.0 req/s, p95 20.0 ms: the search starts at 20.00 req/s');
    expect(lines[2]).toBe(`[default] rps ${step.rateRps}: ${step.why}`);
    expect(lines[3]).toMatch(/^\[default\] rps [\d.]+ run 1: p95 50\.0 ms; over 1 run\(s\) \d+ of 400 over 100 ms/);
    // Only the search's own lines for whatif: no per-rate evidence lines.
    expect(events.flatMap((e) => searchProgressLines(e, sla)).filter((l) => / run 1: /.test(l) || /probe, one client/.test(l))).toEqual([]);
  });

  it('brackets from the probe on the grid, pools runs per rate and reports the capacity with its interval', async () => {
    const definition = buildDefinition({ baseSpec, vary: parseVary([]), sla, maxPoints: 40, budgetS: 300 });
    const calls: string[] = [];
    const result = await runSweep({ definition, checkpointPath: checkpointPathFor(join(dir, 's.json')), measure: fakeTarget(calls), now: () => NOW });
    expect(SweepResult.parse(result)).toEqual(result);
    expect(result.schemaVersion).toBe(3);
    // probe 20 -> 20, 40, 80 (doubling until a miss is decided), then the grid between.
    expect(calls.slice(0, 2)).toEqual(['probe', '20']);
    const rates = calls.slice(1).map(Number);
    for (const r of rates) expect(Math.abs(gridRate(20, gridIndex(20, r)) - r)).toBeLessThan(0.01);
    // 300 s at 15 s a run: 20 runs at the most.
    expect(rates.length).toBeLessThanOrEqual(20);
    const config = result.configurations[0]!;
    const cap = config.capacity!;
    expect(cap.lowerRps).toBeLessThanOrEqual(40);
    expect(cap.upperRps!).toBeGreaterThanOrEqual(40);
    expect(Math.abs(cap.estimateRps! - 40) / 40).toBeLessThan(0.1);
    expect(config.search).toMatchObject({ runs: rates.length, spentS: rates.length * 15 });
    // Each point pools its runs: the judgement counts every run, the figures keep each.
    for (const p of config.points) {
      expect(p.judgement!.runs).toBe(p.repeats!.length);
      expect(p.judgement!.requests).toBe(400 * p.repeats!.length);
      expect(p.meetsSla).toBe(p.judgement!.decision === 'meets');
    }
    expect(formatSweep(result)).toMatch(/^default: capacity \d+\.\d req\/s \(90% interval \d+\.\d–\d+\.\d\) at p95<=100ms/m);
    expect(result.interference).toMatchObject({ runsFlagged: 0, runsKeptFlagged: 0 });
  });

  it('gives each configuration an equal share of what the ones before it left unspent', async () => {
    // Two configurations, 300 s. The first is decided fast at a lax precision (±50%); the second
    // is always undecided (exactly 5% over), so it measures until its budget is gone: the 300 s
    // less what the first spent, more than an equal half.
    const definition = buildDefinition({ baseSpec, vary: parseVary(['instances=1,2']), sla, maxPoints: 40, budgetS: 300, targetPrecisionPct: 50 });
    const [a, b] = definition.configurations.map((c) => c.label) as [string, string];
    const decided = fakeTarget([]);
    const undecided = fakeTarget([]);
    const measure: MeasurePoint = async (spec, context) => {
      if (context.configuration === a || context.probe) return decided(spec, context);
      const out = await undecided(spec, context);
      const h = createLatencyHistogram();
      for (let i = 0; i < 400; i++) recordMs(h, i < 20 ? 200 : 50);
      return { ...out, run: { ...out.run!, latencyHistogram: encodeHistogram(h) } };
    };
    const result = await runSweep({ definition, checkpointPath: checkpointPathFor(join(dir, 'carry.json')), measure, now: () => NOW });
    const spent = new Map(result.configurations.map((c) => [c.label, c.search!.spentS]));
    expect(spent.get(a)!).toBeLessThan(150);
    expect(spent.get(b)!).toBeGreaterThan(150);
    expect(spent.get(a)! + spent.get(b)!).toBeLessThanOrEqual(300);
  });

  it('replays a checkpoint to the same capacity, and a larger budget on a re-run goes on from it', async () => {
    const out = join(dir, 's.json');
    const small = buildDefinition({ baseSpec, vary: parseVary([]), sla, maxPoints: 40, budgetS: 90 });
    const first: string[] = [];
    const controller = new AbortController();
    const measure = fakeTarget(first);
    const interrupting: MeasurePoint = async (spec, context) => {
      if (first.length === 4) controller.abort();
      return measure(spec, context);
    };
    await expect(runSweep({ definition: small, checkpointPath: checkpointPathFor(out), measure: interrupting, now: () => NOW, signal: controller.signal })).rejects.toThrow(/interrupted/);
    const second: string[] = [];
    const resumed = await runSweep({ definition: small, checkpointPath: checkpointPathFor(out), measure: fakeTarget(second), now: () => NOW });
    expect(first.length + second.length).toBe(1 + 90 / 15);
    // A larger budget with the same checkpoint: the 90 s already measured replay, then the search goes on.
    const more: string[] = [];
    const larger = buildDefinition({ baseSpec, vary: parseVary([]), sla, maxPoints: 40, budgetS: 300 });
    const again = await runSweep({ definition: larger, checkpointPath: checkpointPathFor(out), measure: fakeTarget(more), now: () => NOW });
    expect(more.length).toBeGreaterThan(0);
    expect(again.configurations[0]!.search!.runs).toBe(resumed.configurations[0]!.search!.runs + more.length);
  });

  it('re-measures a run disturbed by other processes once: a clean re-run replaces it, a busy one is kept and the sweep says so', async () => {
    const definition = buildDefinition({ baseSpec, vary: parseVary([]), sla, maxPoints: 40, budgetS: 300 });
    // Recorded readings: at 20 req/s the first run saw 45% other CPU and its re-run 5%; at 40 req/s
    // both runs saw 38%.
    const busy = (rate: number, k: number): number => (rate === 20 && k === 0 ? 45 : rate === 40 && k <= 1 ? 38 : 2);
    const calls: string[] = [];
    const result = await runSweep({ definition, checkpointPath: checkpointPathFor(join(dir, 'b.json')), measure: fakeTarget(calls, busy), now: () => NOW });
    expect(calls.slice(0, 3)).toEqual(['probe', '20', '20']);
    const points = result.configurations[0]!.points;
    const at20 = points.find((p) => p.offered.value === 20)!;
    expect(at20.repeats!.map((r) => [r.otherCpuPct, r.interference, r.excluded])).toEqual([
      [45, true, 'interference'],
      [2, false, undefined],
    ]);
    // The excluded run is kept in the document but not in the evidence.
    expect(at20.judgement!.runs).toBe(1);
    const at40 = points.find((p) => p.offered.value === 40)!;
    expect(at40.repeats!.slice(0, 2).map((r) => r.excluded)).toEqual([undefined, undefined]);
    expect(result.interference).toMatchObject({ thresholdPct: 20, runsFlagged: 3, runsKeptFlagged: 2, ratesAffected: 1, meanOtherCpuPct: 38 });
    expect(result.warnings).toContain(
      `the host was busy: 38% of CPU used by other processes during 1 of ${points.length} rates (2 run(s) re-measured and still busy); capacity may be understated`,
    );
    expect(formatSweep(result)).toMatch(/warning: the host was busy: 38% of CPU/);
  });
});
