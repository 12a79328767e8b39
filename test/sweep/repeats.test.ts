import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { checkpointPathFor } from '../../src/sweep/checkpoint.js';
import { buildDefinition } from '../../src/sweep/definition.js';
import { formatSweep } from '../../src/sweep/format.js';
import { heldIn } from '../../src/sweep/repeats.js';
import { runSweep, type MeasurePoint } from '../../src/sweep/runSweep.js';
import { parseVary } from '../../src/sweep/vary.js';
import { FAKE_ENVIRONMENT } from './syntheticServer.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const sla = parseSla('p95<=100ms');

/**
 * A fake open-loop target, worked by hand: throughput = the offered rate; p95 = 50 ms up to
 * 100 req/s, 200 ms above; except that seed 2's arrivals are burstier, so above 90 req/s it
 * misses (p95 120 ms). The probe (one client) gets 40 req/s.
 */
function fakeTarget(calls: string[]): MeasurePoint {
  return async (spec, context) => {
    const seed = spec.load.kind === 'poisson' ? spec.load.seed : undefined;
    calls.push(context.probe ? 'probe' : `${context.offered.value}@seed${seed}`);
    const rps = context.probe ? 40 : context.offered.value;
    const p95Ms = context.probe ? 20 : rps > 100 ? 200 : seed === 2 && rps > 90 ? 120 : 50;
    return {
      point: { offered: context.offered, throughputRps: rps, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 1.2, failed: 0, dropped: 0, stable: true, meetsSla: p95Ms <= sla.maxLatencyMs },
      environment: FAKE_ENVIRONMENT,
      costExtras: [],
    };
  };
}

describe('repeat search at the edge (default sweep: rps from a probe, Poisson, 3 seeds)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-repeats-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the highest rate at which the SLA held with every seed', async () => {
    const definition = buildDefinition({ baseSpec: ProfileSpec.parse({ name: 'fake', model: { source: 'tiny' } }), vary: parseVary([]), sla, maxPoints: 12 });
    const calls: string[] = [];
    const result = await runSweep({ definition, checkpointPath: checkpointPathFor(join(dir, 's.json')), measure: fakeTarget(calls), now: () => NOW });
    // probe 40 -> start at 40: seeds 1, 2, 3 hold; 80 holds; 160 misses with seed 1 (no more seeds);
    // bisect [80, 160]: 120 misses; [80, 120]: 100 holds with seed 1, misses with seed 2;
    // [80, 100]: 90 holds with all three; [90, 100]: 95 misses with seed 2; [90, 95]: 92.5 misses
    // with seed 2; [90, 92.5] is within 5%: done. Capacity: 90 req/s.
    expect(calls).toEqual([
      'probe',
      ...['40@seed1', '40@seed2', '40@seed3'],
      ...['80@seed1', '80@seed2', '80@seed3'],
      '160@seed1',
      '120@seed1',
      ...['100@seed1', '100@seed2'],
      ...['90@seed1', '90@seed2', '90@seed3'],
      ...['95@seed1', '95@seed2'],
      ...['92.5@seed1', '92.5@seed2'],
    ]);
    expect(SweepResult.parse(result)).toEqual(result);
    const config = result.configurations[0]!;
    expect(config.maxThroughputAtSlaRps).toBe(90);
    expect(config.probe).toEqual({ concurrency: 1, throughputRps: 40, p95Ms: 20 });
    expect(config.spec.load).toMatchObject({ kind: 'poisson', rps: 90, seed: 1 });
    // The document keeps each repeat's figures; a point that held in only some says so.
    const at100 = config.points.find((p) => p.offered.value === 100)!;
    expect(at100.meetsSla).toBe(false);
    expect(at100.repeats!.map((r) => [r.seed, r.p95Ms, r.meetsSla])).toEqual([
      [1, 50, true],
      [2, 120, false],
    ]);
    expect(at100.p95Ms).toBe(120);
    expect(heldIn(at100)).toBe('held in 1 of 3 (1 not run after a miss)');
    expect(heldIn(config.points.find((p) => p.offered.value === 90)!)).toBe('held in 3 of 3');
    expect(formatSweep(result)).toMatch(/^\s+100\s+100\.0 .* no\s+held in 1 of 3 \(1 not run after a miss\)$/m);
  });

  it('replays every repeat from the checkpoint on a re-run', async () => {
    const definition = buildDefinition({ baseSpec: ProfileSpec.parse({ name: 'fake', model: { source: 'tiny' } }), vary: parseVary([]), sla, maxPoints: 12, repeats: 2 });
    const checkpointPath = checkpointPathFor(join(dir, 's.json'));
    const first: string[] = [];
    const controller = new AbortController();
    const measure = fakeTarget(first);
    const interrupting: MeasurePoint = async (spec, context) => {
      if (first.length === 4) controller.abort();
      return measure(spec, context);
    };
    await expect(runSweep({ definition, checkpointPath, measure: interrupting, now: () => NOW, signal: controller.signal })).rejects.toThrow(/interrupted/);
    const second: string[] = [];
    const resumed = await runSweep({ definition, checkpointPath, measure: fakeTarget(second), now: () => NOW });
    // probe, 40 x2, 80 x1 were measured before the interruption; the re-run starts at 80's second seed.
    expect(first).toEqual(['probe', '40@seed1', '40@seed2', '80@seed1', '80@seed2']);
    expect(second[0]).toBe('160@seed1');
    // 40, 80, 90, 92.5, 95, 100 ran both seeds (at 92.5, 95, 100 seed 2 missed); 120, 160 missed at seed 1.
    expect(resumed.configurations[0]!.points.map((p) => p.repeats!.length)).toEqual([2, 2, 2, 2, 2, 2, 1, 1]);
  });
});

describe('sweep documents of version 1', () => {
  it('are still read: no repeats, no probe, the same figures', async () => {
    const { readAnyDocument } = await import('../../src/util/documents.js');
    const { writeFile, mkdtemp: mk, rm: remove } = await import('node:fs/promises');
    const dir = await mk(join(tmpdir(), 'capacity-plan-sweep-v1-'));
    try {
      const spec = ProfileSpec.parse({ name: 'old', model: { source: 'tiny' } });
      const point = { offered: { kind: 'concurrency', value: 4 }, throughputRps: 120, p50Ms: 20, p95Ms: 80, p99Ms: 90, failed: 0, dropped: 0, stable: true, meetsSla: true };
      const v1 = {
        schemaVersion: 1, kind: 'sweep-result', name: 'old', createdAt: NOW.toISOString(), sla,
        environment: FAKE_ENVIRONMENT, configurations: [{ label: 'default', params: {}, spec, points: [point], maxThroughputAtSlaRps: 120 }], costExtras: [],
      };
      await writeFile(join(dir, 'old.json'), JSON.stringify(v1));
      const read = await readAnyDocument(join(dir, 'old.json'));
      expect(read.kind).toBe('sweep-result');
      if (read.kind === 'sweep-result') expect(read.doc.configurations[0]!.points[0]).toEqual(point);
      await writeFile(join(dir, 'future.json'), JSON.stringify({ ...v1, schemaVersion: 3 }));
      await expect(readAnyDocument(join(dir, 'future.json'))).rejects.toThrow(/has schemaVersion 3, this version of capacity-plan reads schemaVersion 1 or 2/);
    } finally {
      await remove(dir, { recursive: true, force: true });
    }
  });
});
