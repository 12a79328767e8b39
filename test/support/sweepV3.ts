import type { CapacityEstimate } from '../../src/schema/capacityEstimate.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { SweepResult, type CurvePoint } from '../../src/schema/sweepResult.js';
import { profileDoc } from './samples.js';

/** A rate of a version-3 sweep: offered (= throughput) req/s, its p95, and whether it met the SLA. */
export type RatePoint = [offeredRps: number, p95Ms: number, meetsSla: boolean];

export function ratePoint([rps, p95Ms, meetsSla]: RatePoint): CurvePoint {
  return { offered: { kind: 'rps', value: rps }, throughputRps: rps, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 1.5, failed: 0, dropped: 0, stable: true, meetsSla };
}

/**
 * A version-3 sweep of one configuration ('default') on g4dn.xlarge, SLA p95<=100ms; without
 * `capacity`, a version-2 document with the same points (the old rule plans on them).
 */
export function sweepDoc(points: RatePoint[], capacity?: Partial<CapacityEstimate>, name = 'tiny-triton'): SweepResult {
  const passing = points.filter((p) => p[2]).map((p) => p[0]);
  return SweepResult.parse({
    schemaVersion: capacity ? 3 : 2,
    kind: 'sweep-result',
    name,
    createdAt: '2026-12-07T12:00:00.000Z',
    sla: { percentile: 'p95', maxLatencyMs: 100 },
    environment: { ...ProfileResult.shape.environment.parse(profileDoc({ name: 'x' }).environment), instanceType: 'g4dn.xlarge' },
    configurations: [
      {
        label: 'default',
        params: {},
        spec: ProfileSpec.parse({ name, model: { source: 'tiny' } }),
        points: points.map(ratePoint),
        maxThroughputAtSlaRps: passing.length > 0 ? Math.max(...passing) : null,
        ...(capacity
          ? { capacity: { estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90, certifiedRps: 35, method: 'isotonic-exceedance', ...capacity } }
          : {}),
      },
    ],
  });
}

/** The rates every interval test uses: 20 and 35 met; 42 undecided at p95 95 ms; 50 missed. */
export const RATES: RatePoint[] = [
  [20, 30, true],
  [35, 60, true],
  [42, 95, false],
  [50, 140, false],
];
