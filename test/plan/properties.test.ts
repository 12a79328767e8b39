import { describe, expect, it } from 'vitest';
import type { CandidateInput } from '../../src/plan/candidates.js';
import { buildPlan, type PlanRequest } from '../../src/plan/planner.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import type { Plan } from '../../src/schema/plan.js';
import type { Percentile } from '../../src/schema/sla.js';
import { seededRandom, type Random } from '../../src/util/random.js';

/**
 * Properties of the planner on seeded random inputs (fast-check is not installed; a seeded
 * generator makes every failure reproducible from its trial number).
 */
const TRIALS = 150;
const prices = new PriceBook(snapshotCatalog());
const TYPES = ['g4dn.xlarge', 'g4dn.2xlarge', 'g5.xlarge', 'g6.xlarge', 'inf2.xlarge'];
const PERCENTILES: Percentile[] = ['p50', 'p90', 'p95', 'p99'];

const between = (r: Random, lo: number, hi: number): number => lo + (hi - lo) * r();
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

function randomCandidates(r: Random): CandidateInput[] {
  const count = 1 + Math.floor(r() * 4);
  return Array.from({ length: count }, (_, i) => {
    let throughput = between(r, 5, 100);
    let latency = between(r, 5, 60);
    const points = Array.from({ length: 1 + Math.floor(r() * 5) }, () => {
      throughput += between(r, 1, 150);
      latency += between(r, 0, 120);
      return { throughputRps: throughput, latencyMs: { p50: latency / 2, p90: latency * 0.9, p95: latency, p99: latency * 1.6 }, failed: 0 };
    });
    return {
      id: `c${i}`,
      profile: `c${i}`,
      document: `c${i}.json`,
      configuration: null,
      instanceType: pick(r, TYPES),
      instanceTypeField: 'test',
      from: 'sweep-curve' as const,
      points,
      extras: r() < 0.3 ? [{ item: 'logging', usdPerMonth: Math.round(between(r, 0, 100)) }] : [],
      coldStartMs: null,
      importedFrom: null,
      notes: [],
      measuredOn: null,
      model: null,
    };
  });
}

function randomRequest(r: Random): PlanRequest {
  const peak = between(r, 1, 3000);
  const demand = Array.from({ length: 168 }, () => (r() < 0.2 ? 0 : between(r, 0, peak)));
  return {
    createdAt: '2026-11-23T00:00:00.000Z',
    documents: [],
    sla: { percentile: pick(r, PERCENTILES), maxLatencyMs: between(r, 10, 400) },
    utilization: between(r, 0.1, 1),
    minInstances: Math.floor(r() * 3),
    region: 'us-east-1',
    traffic: { kind: 'weekly', hourlyRps: demand, growthFactor: 1 },
    demandRps: demand,
    candidates: randomCandidates(r),
    prices,
  };
}

const byId = (plan: Plan) => new Map(plan.candidates.map((c) => [c.id, c]));
const recommendedCost = (plan: Plan): number =>
  plan.recommended === null ? Number.POSITIVE_INFINITY : byId(plan).get(plan.recommended)!.usdPerMonth;

function forEachTrial(seed: number, check: (r: Random, base: PlanRequest, trial: number) => void): void {
  for (let trial = 0; trial < TRIALS; trial++) {
    const r = seededRandom(seed * 1000 + trial);
    check(r, randomRequest(r), trial);
  }
}

describe('planner properties (seeded random inputs)', () => {
  it('more traffic never needs fewer instances, nor costs less', () => {
    forEachTrial(1, (r, base, trial) => {
      const more = base.demandRps as number[];
      const scaled = more.map((d) => d * between(r, 1, 3) + (r() < 0.3 ? between(r, 0, 500) : 0));
      const a = byId(buildPlan(base));
      const b = byId(buildPlan({ ...base, demandRps: scaled, traffic: { kind: 'weekly', hourlyRps: scaled, growthFactor: 1 } }));
      for (const [id, before] of a) {
        const after = b.get(id)!;
        expect(after.peakInstances, `trial ${trial} ${id}`).toBeGreaterThanOrEqual(before.peakInstances);
        expect(after.scheduledInstances.mean, `trial ${trial} ${id}`).toBeGreaterThanOrEqual(before.scheduledInstances.mean);
        expect(after.usdPerMonth, `trial ${trial} ${id}`).toBeGreaterThanOrEqual(before.usdPerMonth);
        expect(after.usdPerMonthScheduled, `trial ${trial} ${id}`).toBeGreaterThanOrEqual(before.usdPerMonthScheduled);
      }
    });
  });

  it('a tighter SLA never costs less', () => {
    forEachTrial(2, (r, base, trial) => {
      const tighter = { ...base.sla, maxLatencyMs: base.sla.maxLatencyMs * between(r, 0.2, 1) };
      const loosePlan = buildPlan(base);
      const tightPlan = buildPlan({ ...base, sla: tighter });
      expect(recommendedCost(tightPlan), `trial ${trial}`).toBeGreaterThanOrEqual(recommendedCost(loosePlan));
      const loose = byId(loosePlan);
      for (const [id, tight] of byId(tightPlan)) {
        if (!tight.meetsSla) continue;
        expect(loose.get(id)!.meetsSla, `trial ${trial} ${id}`).toBe(true);
        expect(tight.usdPerMonth, `trial ${trial} ${id}`).toBeGreaterThanOrEqual(loose.get(id)!.usdPerMonth);
        expect(tight.usdPerMonthScheduled, `trial ${trial} ${id}`).toBeGreaterThanOrEqual(loose.get(id)!.usdPerMonthScheduled);
      }
    });
  });

  it('a higher utilisation target never costs more', () => {
    forEachTrial(3, (r, base, trial) => {
      const higher = Math.min(1, base.utilization * between(r, 1, 2));
      const lowPlan = buildPlan(base);
      const highPlan = buildPlan({ ...base, utilization: higher });
      expect(recommendedCost(highPlan), `trial ${trial}`).toBeLessThanOrEqual(recommendedCost(lowPlan));
      const low = byId(lowPlan);
      for (const [id, high] of byId(highPlan)) {
        expect(high.peakInstances, `trial ${trial} ${id}`).toBeLessThanOrEqual(low.get(id)!.peakInstances);
        expect(high.usdPerMonth, `trial ${trial} ${id}`).toBeLessThanOrEqual(low.get(id)!.usdPerMonth);
        expect(high.usdPerMonthScheduled, `trial ${trial} ${id}`).toBeLessThanOrEqual(low.get(id)!.usdPerMonthScheduled);
      }
    });
  });

  it('exercises both outcomes: plans that meet the SLA and plans that miss it', () => {
    let met = 0;
    let missed = 0;
    forEachTrial(4, (_r, base) => (buildPlan(base).recommended === null ? missed++ : met++));
    expect(met).toBeGreaterThan(TRIALS / 10);
    expect(missed).toBeGreaterThan(TRIALS / 10);
  });
});
