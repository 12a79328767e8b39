import { describe, expect, it } from 'vitest';
import { candidatesFromDocument } from '../../src/plan/candidates.js';
import { buildPlan } from '../../src/plan/planner.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { capacityFromDocument } from '../../src/rightsize/capacity.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { BusinessHoursTraffic } from '../../src/schema/traffic.js';
import { profileDoc } from '../support/samples.js';
import { RATES, sweepDoc } from '../support/sweepV3.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const traffic = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 60, offPeakRps: 60 });
const sla = { percentile: 'p95', maxLatencyMs: 100 } as const;

function planOn(capacity: 'lower' | 'estimate') {
  return buildPlan({
    createdAt: NOW.toISOString(), documents: ['s.json'], sla, utilization: 0.8, minInstances: 1, region: 'us-east-1', traffic, demandRps: weeklyDemandRps(traffic, NOW),
    candidates: candidatesFromDocument({ kind: 'sweep-result', path: 's.json', doc: sweepDoc(RATES, {}) }), prices: new PriceBook(snapshotCatalog()), capacity,
  });
}

describe('rightsize capacity from documents with an interval', () => {
  const interval = { estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90 };
  it('a version-3 sweep: its lower end, with the interval', () => {
    const c = capacityFromDocument({ kind: 'sweep-result', path: 's.json', doc: sweepDoc(RATES, {}) }, sla, 'g4dn.xlarge');
    expect(c).toMatchObject({ throughputRps: 36.5, latencyMs: 60, meetsSla: true, interval });
  });
  it('a plan made on the lower end: the same', () => {
    const c = capacityFromDocument({ kind: 'plan', path: 'plan.json', doc: planOn('lower') }, sla, 'g4dn.xlarge');
    expect(c).toMatchObject({ from: 'plan', throughputRps: 36.5, interval });
    expect(c.notes).toEqual([]);
  });
  it('a plan made on the estimate: the fleet is still judged on the lower end, and a note says so', () => {
    const c = capacityFromDocument({ kind: 'plan', path: 'plan.json', doc: planOn('estimate') }, sla, 'g4dn.xlarge');
    expect(c).toMatchObject({ throughputRps: 36.5, interval });
    expect(c.notes).toEqual(["the plan planned tiny-triton/default on its capacity's estimate (41.2 req/s); the fleet is judged on the interval's lower end, 36.5 req/s"]);
  });
  it('an old sweep and a profile: no interval, as before', () => {
    expect(capacityFromDocument({ kind: 'sweep-result', path: 's.json', doc: sweepDoc(RATES) }, sla, 'g4dn.xlarge')).toMatchObject({ throughputRps: 42 });
    expect(capacityFromDocument({ kind: 'sweep-result', path: 's.json', doc: sweepDoc(RATES) }, sla, 'g4dn.xlarge').interval).toBeUndefined();
  });
  it('a profile with over 1% failed still stands in rightsize (it has no --allow-failures), with a note', () => {
    const doc = ProfileResult.parse(profileDoc({ name: 'broken', requests: { completed: 371, failed: 372, dropped: 0, failures: [] } }));
    const c = capacityFromDocument({ kind: 'profile-result', path: 'broken.json', doc }, sla, 'g5.xlarge');
    expect(c.notes).toContain(
      "capacity 'broken.json': 372 of 743 requests failed (over 1%) while profiling, so its throughput overstates what an instance carries when every request succeeds; profile again without failures",
    );
  });
});
