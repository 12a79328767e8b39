import { describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import type { CurvePoint, SweepResult } from '../../src/schema/sweepResult.js';
import { bestVerdict, formatSweep } from '../../src/sweep/format.js';

function point(throughputRps: number, windows: number[], stable = true): CurvePoint {
  return { offered: { kind: 'rps', value: throughputRps }, throughputRps, p50Ms: 10, p95Ms: 50, p99Ms: 60, failed: 0, dropped: 0, stable, meetsSla: true, windowThroughputsRps: windows };
}

function sweep(a: CurvePoint, b: CurvePoint): SweepResult {
  const spec = ProfileSpec.parse({ name: 's', model: { source: 'tiny' } });
  const config = (label: string, p: CurvePoint) => ({ label, params: {}, spec, points: [p], maxThroughputAtSlaRps: p.throughputRps });
  return {
    schemaVersion: 1,
    kind: 'sweep-result',
    name: 's',
    createdAt: '2026-11-29T00:00:00.000Z',
    sla: { percentile: 'p95', maxLatencyMs: 100 },
    environment: { hostname: 'h', platform: 'linux', arch: 'x64', cpuModel: 'c', cpuCores: 2, memoryGiB: 4, nodeVersion: 'v20', gpus: [], recordedAt: '2026-11-29T00:00:00.000Z' },
    configurations: [config('x', a), config('y', b)],
    costExtras: [],
  };
}

describe("sweep's best", () => {
  it('names no winner for a 0.6% lead on noisy windows', () => {
    const result = sweep(point(126.4, [120, 131, 128]), point(125.6, [118, 133, 126]));
    expect(bestVerdict(result)?.kind).toBe('within-noise');
    expect(formatSweep(result)).toMatch(/^best: no clear winner at p95<=100ms — x and y: throughput at the SLA within noise \(±\d+\.\d%/m);
  });

  it('names the winner when the lead is significant and above 5%', () => {
    const result = sweep(point(100, [99, 100, 101]), point(150, [149, 150, 151]));
    expect(formatSweep(result)).toMatch(/^best: y — 150\.0 req\/s at p95<=100ms; y gives 1\.50x the throughput at the SLA of x/m);
  });

  it("quotes each point's own throughput (the table's), not the mean of its windows", () => {
    // y's windows average 140, its point (the mean of its repeats, as the table prints) 150.
    const result = sweep(point(100, [99, 100, 101]), point(150, [139, 140, 141]));
    const text = formatSweep(result);
    expect(text).toContain('(150.0 vs 100.0 req/s, p < 0.001)');
    expect(text).not.toContain('140.0');
  });

  it('says UNSTABLE in the best line when the best point did not stabilise', () => {
    const result = sweep(point(100, [99, 100, 101], false), point(150, [149, 150, 151], false));
    expect(formatSweep(result)).toMatch(/^best: y .*UNSTABLE: y and x did not stabilise/m);
  });
});
