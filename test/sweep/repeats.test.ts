import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { checkpointPathFor } from '../../src/sweep/checkpoint.js';
import { buildDefinition } from '../../src/sweep/definition.js';
import { heldIn } from '../../src/sweep/repeats.js';
import { runSweep, type MeasurePoint } from '../../src/sweep/runSweep.js';
import { parseVary } from '../../src/sweep/vary.js';
import { FAKE_ENVIRONMENT } from './syntheticServer.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const sla = parseSla('p95<=100ms');

/** A fake target: p95 50 ms, except seed 2's arrivals above 90 req/s (p95 120 ms). */
function fakeTarget(calls: string[]): MeasurePoint {
  return async (spec, context) => {
    const seed = spec.load.kind === 'poisson' ? spec.load.seed : undefined;
    calls.push(`${context.offered.value}@seed${seed}`);
    const rps = context.offered.value;
    const p95Ms = seed === 2 && rps > 90 ? 120 : 50;
    return {
      point: { offered: context.offered, throughputRps: rps, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 1.2, failed: 0, dropped: 0, stable: true, meetsSla: p95Ms <= sla.maxLatencyMs },
      environment: FAKE_ENVIRONMENT,
      costExtras: [],
    };
  };
}

describe('repeats on a listed rps axis', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-repeats-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs each listed rate with 3 seeds, stops a rate at its first miss and the list at the first rate that misses', async () => {
    const definition = buildDefinition({ baseSpec: ProfileSpec.parse({ name: 'fake', model: { source: 'tiny' } }), vary: parseVary(['rps=80,100,120']), sla, maxPoints: 12 });
    const calls: string[] = [];
    const result = await runSweep({ definition, checkpointPath: checkpointPathFor(join(dir, 's.json')), measure: fakeTarget(calls), now: () => NOW });
    expect(calls).toEqual(['80@seed1', '80@seed2', '80@seed3', '100@seed1', '100@seed2']);
    const [at80, at100] = result.configurations[0]!.points;
    expect(heldIn(at80!)).toBe('held in 3 of 3');
    expect(heldIn(at100!)).toBe('held in 1 of 3 (1 not run after a miss)');
    expect(at100!.p95Ms).toBe(120);
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
      await writeFile(join(dir, 'future.json'), JSON.stringify({ ...v1, schemaVersion: 4 }));
      await expect(readAnyDocument(join(dir, 'future.json'))).rejects.toThrow(/has schemaVersion 4, this version of capacity-plan reads schemaVersion 1, 2 or 3/);
    } finally {
      await remove(dir, { recursive: true, force: true });
    }
  });
});
