import { describe, expect, it } from 'vitest';
import { candidatesFromDocument } from '../../src/plan/candidates.js';
import { buildPlan } from '../../src/plan/planner.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { BusinessHoursTraffic } from '../../src/schema/traffic.js';
import { FAKE_ENVIRONMENT } from '../sweep/syntheticServer.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const traffic = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 60, offPeakRps: 60 });

function sweepDoc(kind: 'concurrency' | 'rps'): SweepResult {
  const spec = ProfileSpec.parse({ name: 's', model: { source: 'tiny' } });
  const point = (value: number, throughputRps: number, p95Ms: number) => ({
    offered: { kind, value }, throughputRps, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms, failed: 0, dropped: 0, stable: true, meetsSla: p95Ms <= 100,
  });
  const config = (label: string) => ({ label, params: {}, spec, points: [point(4, 80, 50), point(8, 120, 90)], maxThroughputAtSlaRps: 120 });
  return SweepResult.parse({
    schemaVersion: 2, kind: 'sweep-result', name: 's', createdAt: NOW.toISOString(), sla: { percentile: 'p95', maxLatencyMs: 100 },
    environment: FAKE_ENVIRONMENT, configurations: [config('a'), config('b')],
  });
}

function planFor(kind: 'concurrency' | 'rps') {
  const candidates = candidatesFromDocument({ kind: 'sweep-result', path: 's.json', doc: sweepDoc(kind) });
  return buildPlan({
    createdAt: NOW.toISOString(), documents: ['s.json'], sla: { percentile: 'p95', maxLatencyMs: 100 }, utilization: 1, minInstances: 1,
    region: 'us-east-1', traffic, demandRps: weeklyDemandRps(traffic, NOW), candidates, prices: new PriceBook(snapshotCatalog()),
  });
}

describe('plan: capacity from a closed loop', () => {
  it('warns on every candidate whose capacity comes from a closed-loop curve', () => {
    const plan = planFor('concurrency');
    expect(plan.warnings).toEqual(expect.arrayContaining([
      's/a: closed-loop capacity overstates open traffic; sweep with the default load',
      's/b: closed-loop capacity overstates open traffic; sweep with the default load',
    ]));
    expect(plan.candidates.map((c) => c.capacity.load)).toEqual(['closed-loop', 'closed-loop']);
  });

  it('says nothing of the kind for an open-loop (rps) curve', () => {
    const plan = planFor('rps');
    expect(plan.warnings.join('\n')).not.toMatch(/closed-loop/);
    expect(plan.candidates.map((c) => c.capacity.load)).toEqual(['open-loop', 'open-loop']);
  });
});
