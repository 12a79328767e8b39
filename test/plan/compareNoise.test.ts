import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/planner.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { BusinessHoursTraffic } from '../../src/schema/traffic.js';
import { curveCandidate } from '../support/samples.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const traffic = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 245, offPeakRps: 245 });

function plan(aSamples: number[], bSamples: number[], bStable = true) {
  // a: 100 x 0.8 = 80 req/s an instance -> ceil(245/80) = 4; b: 104 x 0.8 = 83.2 -> 3.
  const a = { ...curveCandidate('a', 'g4dn.xlarge', [[100, 80]]), document: 'a.json', capacitySamples: aSamples, stable: true };
  const b = { ...curveCandidate('b', 'g4dn.xlarge', [[104, 80]]), document: 'b.json', capacitySamples: bSamples, stable: bStable };
  return buildPlan({
    createdAt: NOW.toISOString(),
    documents: ['a.json', 'b.json'],
    sla: { percentile: 'p95', maxLatencyMs: 100 },
    utilization: 0.8,
    minInstances: 1,
    region: 'us-east-1',
    traffic,
    demandRps: weeklyDemandRps(traffic, NOW),
    candidates: [a, b],
    prices: new PriceBook(snapshotCatalog()),
    compare: true,
  });
}

describe('plan --compare on measured documents', () => {
  it('says a saving from capacities within noise is not a measured one', () => {
    const entry = plan([95, 105, 100, 98], [99, 109, 104, 102]).comparison![0]!;
    expect(entry.sentence).toMatch(/^switching from a to b saves \$\d+\.\d\d\/month \(25%\); but a and b: capacity within noise \(±\d+\.\d%;/);
    expect(entry.sentence).toMatch(/so the difference is not a measured one$/);
    expect(entry.capacityVerdict).toMatch(/within noise/);
  });

  it('adds nothing to the sentence when the capacities differ beyond noise, and keeps the verdict', () => {
    const entry = plan([100, 100.5, 99.5, 100], [110, 110.5, 109.5, 110]).comparison![0]!;
    expect(entry.sentence).toMatch(/^switching from a to b saves \$\d+\.\d\d\/month \(25%\)$/);
    expect(entry.capacityVerdict).toMatch(/^b gives 1\.10x the capacity of a/);
  });

  it('names an unstable measurement in the verdict itself', () => {
    const entry = plan([95, 105, 100, 98], [99, 109, 104, 102], false).comparison![0]!;
    expect(entry.sentence).toMatch(/UNSTABLE: b did not stabilise/);
  });
});
