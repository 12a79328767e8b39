import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityFromInterval, type CapacityInterval, type IntervalPoint } from '../../src/plan/capacity.js';
import { candidatesFromDocument } from '../../src/plan/candidates.js';
import { explainPlan } from '../../src/plan/explain.js';
import { renderPlan } from '../../src/plan/formatPlan.js';
import { buildPlan, type PlanRequest } from '../../src/plan/planner.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { PLAN_SCHEMA_VERSION, PlanDocument } from '../../src/schema/plan.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { BusinessHoursTraffic } from '../../src/schema/traffic.js';
import { InputError } from '../../src/util/errors.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { profileDoc } from '../support/samples.js';
import { RATES, sweepDoc } from '../support/sweepV3.js';

/**
 * Plans from a sweep's capacity interval. Every case: SLA p95<=100ms, flat 60 req/s, utilisation
 * 0.8, g4dn.xlarge at $0.526/h (embedded snapshot), 730 h a month; the sweep's rates are RATES
 * (20 and 35 req/s met, 42 undecided at p95 95 ms, 50 missed at 140 ms) and, unless a case says
 * otherwise, its capacity is 41.2 req/s (90% 36.5–45), certified 35.
 */
const NOW = new Date('2026-12-07T12:00:00.000Z');
const traffic = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 60, offPeakRps: 60 });
const sla = { percentile: 'p95', maxLatencyMs: 100 } as const;

function plan(doc: ReturnType<typeof sweepDoc>, overrides: Partial<PlanRequest> = {}) {
  return buildPlan({
    createdAt: NOW.toISOString(),
    documents: ['sweep.json'],
    sla,
    utilization: 0.8,
    minInstances: 1,
    region: 'us-east-1',
    traffic,
    demandRps: weeklyDemandRps(traffic, NOW),
    candidates: candidatesFromDocument({ kind: 'sweep-result', path: 'sweep.json', doc }),
    prices: new PriceBook(snapshotCatalog()),
    ...overrides,
  });
}

describe('plan: a sweep with a capacity interval', () => {
  // [case, capacity override, --capacity, planned req/s, planned on, per instance, instances, $/month, latency ms]
  const cases: [string, Parameters<typeof sweepDoc>[1], 'lower' | 'estimate' | undefined, number, string, number, number, number, number][] = [
    // 36.5 x 0.8 = 29.2; ceil(60 / 29.2 = 2.055) = 3; 3 x 0.526 x 730 = 1151.94; latency: 35 req/s (60 ms), the highest met rate <= 36.5
    ['the lower end by default', {}, undefined, 36.5, 'lower', 29.2, 3, 1151.94, 60],
    ['--capacity lower', {}, 'lower', 36.5, 'lower', 29.2, 3, 1151.94, 60],
    // 41.2 x 0.8 = 32.96; ceil(60 / 32.96 = 1.820) = 2; 2 x 0.526 x 730 = 767.96
    ['--capacity estimate', {}, 'estimate', 41.2, 'estimate', 32.96, 2, 767.96, 60],
    // lower end 0: the certified 20 req/s stands in; 20 x 0.8 = 16; ceil(60 / 16 = 3.75) = 4; 4 x 0.526 x 730 = 1535.92; latency at 20 req/s: 30 ms
    ['a lower end of 0, certified 20', { lowerRps: 0, certifiedRps: 20 }, undefined, 20, 'certified', 16, 4, 1535.92, 30],
    // unbounded above changes nothing at the lower end
    ['an interval unbounded above', { upperRps: null }, undefined, 36.5, 'lower', 29.2, 3, 1151.94, 60],
  ];
  it.each(cases)('%s', (_, capacity, end, rps, plannedOn, perInstance, instances, usd, latency) => {
    const p = plan(sweepDoc(RATES, capacity), end ? { capacity: end } : {});
    const c = p.candidates[0]!;
    expect(c.capacity).toMatchObject({ throughputRps: rps, plannedOn, latencyMs: latency, from: 'sweep-curve' });
    expect(c.capacity.perInstanceRps).toBeCloseTo(perInstance, 9);
    expect(c).toMatchObject({ peakInstances: instances, usdPerMonth: usd, meetsSla: true });
    expect(p.inputs.capacity).toBe(end ?? 'lower');
    expect(p.schemaVersion).toBe(PLAN_SCHEMA_VERSION);
  });

  it('records the interval per candidate and prints it beside the candidate, saying what it planned on', () => {
    const p = plan(sweepDoc(RATES, {}));
    expect(p.candidates[0]!.capacity.interval).toEqual({ estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90 });
    const text = renderPlan(p);
    expect(text).toMatch(/capacity +per instance/);
    expect(text).toContain('41.2 req/s (90% 36.5–45), planned on 36.5');
    expect(p.warnings.join('\n')).not.toContain('point estimate');
  });

  it('--explain shows the interval, the end taken and why', () => {
    const lower = explainPlan(plan(sweepDoc(RATES, {}))).join('\n');
    expect(lower).toContain('  sweep capacity: estimate 41.2 req/s, 90% interval 36.5 to 45 req/s');
    expect(lower).toContain('  planned on: the lower end, 36.5 req/s (--capacity lower, the default): the capacity is at least this with 95% confidence');
    expect(lower).toContain('  capacity per instance = 36.5 req/s x 0.8 = 29.2 req/s');
    const estimate = plan(sweepDoc(RATES, {}), { capacity: 'estimate' });
    expect(explainPlan(estimate).join('\n')).toContain('  planned on: the estimate, 41.2 req/s (--capacity estimate); the capacity is below it about half the time');
    expect(estimate.warnings).toContain(
      "tiny-triton/default: planned on the capacity's point estimate (--capacity estimate), 41.2 req/s; the sweep's 90% interval goes down to 36.5 req/s (36.5–45): verify it, or plan with --capacity lower",
    );
    const unbounded = explainPlan(plan(sweepDoc(RATES, { upperRps: null }))).join('\n');
    expect(unbounded).toContain('90% interval 36.5 to unbounded (above every rate measured) req/s');
  });

  it('a null estimate (even the lowest rate misses) plans as a sweep with no point meeting the SLA: the closest point', () => {
    // Closest miss: 20 req/s at 130 ms, 30 ms (30%) over.
    const p = plan(sweepDoc([[20, 130, false], [30, 160, false]], { estimateRps: null, lowerRps: 0, upperRps: 20, certifiedRps: null }));
    const c = p.candidates[0]!;
    expect(c).toMatchObject({ meetsSla: false, slaMiss: { byMs: 30, byPct: 30 } });
    expect(c.capacity).toMatchObject({ throughputRps: 20, latencyMs: 130 });
    expect(p.recommended).toBeNull();
    expect(p.closest).toEqual({ id: 'tiny-triton/default', byMs: 30, byPct: 30 });
    expect(renderPlan(p)).toContain('none (90% 0–20): even the lowest rate misses');
  });

  it("carries the sweep's own warnings (a busy host) into the plan's", () => {
    const doc = { ...sweepDoc(RATES, {}), warnings: ['the host was busy: 90% of CPU used by other processes during 3 of 3 rates (6 run(s) re-measured and still busy); capacity may be understated'] };
    expect(plan(doc).warnings).toContain(
      'tiny-triton: the host was busy: 90% of CPU used by other processes during 3 of 3 rates (6 run(s) re-measured and still busy); capacity may be understated',
    );
  });

  it('an old (version 2) sweep with the same points plans as before: on the highest point within the SLA', () => {
    // 42 req/s at p95 95 ms is within 100 ms: 42 x 0.8 = 33.6; ceil(60 / 33.6 = 1.786) = 2; $767.96
    const p = plan(sweepDoc(RATES));
    const c = p.candidates[0]!;
    expect(c.capacity).toMatchObject({ throughputRps: 42, perInstanceRps: 33.6, latencyMs: 95 });
    expect(c.capacity.interval).toBeUndefined();
    expect(c.capacity.plannedOn).toBeUndefined();
    expect(c).toMatchObject({ peakInstances: 2, usdPerMonth: 767.96 });
    expect(renderPlan(p)).not.toMatch(/capacity +per instance/);
  });
});

describe('capacityFromInterval', () => {
  const points: IntervalPoint[] = RATES.map(([rps, p95, meetsSla]) => ({ offeredRps: rps, throughputRps: rps, latencyMs: { p95 }, failed: 0, meetsSla }));
  const interval: CapacityInterval = { estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90, certifiedRps: 35 };
  it('with a lower end of 0 and nothing certified, nothing is known to hold', () => {
    const cap = capacityFromInterval({ ...interval, lowerRps: 0, certifiedRps: null }, points, sla, 'lower');
    expect(cap).toMatchObject({ meetsSla: false, plannedOn: 'lower' });
  });
  it('returns undefined when no point is usable', () => {
    expect(capacityFromInterval(interval, [], sla, 'lower')).toBeUndefined();
  });
});

describe('plan: failures are not capacity', () => {
  // 372 of 743 requests failed: the truncated-JPEG case.
  const failed = ProfileResult.parse(profileDoc({ name: 'broken', requests: { completed: 371, failed: 372, dropped: 0, failures: [{ reason: 'decode: premature end of JPEG', count: 372 }] } }));
  const d = { kind: 'profile-result' as const, path: 'broken.json', doc: failed };
  it('refuses a profile with more than 1% failed, naming the document and the count', () => {
    expect(() => candidatesFromDocument(d)).toThrow(InputError);
    expect(() => candidatesFromDocument(d)).toThrow("profile 'broken.json': 372 of 743 requests failed (over 1%), so its throughput is not a capacity");
  });
  it('plans on it with a warning under --allow-failures', () => {
    const [c] = candidatesFromDocument(d, { allowFailures: true });
    expect(c!.notes).toContain('broken: 372 of 743 requests failed while profiling; planned on anyway (--allow-failures): its throughput overstates what the server carries when every request succeeds');
  });
  it('1% or fewer failed is a note, not a refusal (7 of 743 = 0.94%)', () => {
    const few = ProfileResult.parse(profileDoc({ name: 'few', requests: { completed: 736, failed: 7, dropped: 0, failures: [] } }));
    expect(candidatesFromDocument({ kind: 'profile-result', path: 'few.json', doc: few })[0]!.notes).toContain('few: 7 of 743 requests failed while profiling');
  });
});

describe('old plans still read', () => {
  it('a version 2 plan reads as version 3, without intervals', () => {
    const raw = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/report/article-plan.json'), 'utf8'));
    expect(raw.schemaVersion).toBe(2);
    const parsed = PlanDocument.parse(raw);
    expect(parsed.schemaVersion).toBe(3);
    expect(parsed.inputs.capacity).toBeUndefined();
    expect(parsed.candidates.every((c) => c.capacity.interval === undefined)).toBe(true);
  });
});
