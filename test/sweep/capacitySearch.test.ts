import { describe, expect, it } from 'vitest';
import { parseSla } from '../../src/schema/sla.js';
import { gridIndex, gridRate, MAX_RUNS_PER_RATE, nextCapacityStep, type CapacityStep } from '../../src/sweep/capacitySearch.js';
import { judgeRate, type RunCounts } from '../../src/sweep/rateEvidence.js';
import { betaSample } from '../../src/util/stats/beta.js';
import { seededRandom, type Random } from '../../src/util/random.js';

const sla = parseSla('p95<=100ms');

/**
 * A fake target whose share of requests over the SLA bound follows a known curve,
 * share(λ) = 0.05 · exp(0.15 · (λ − 40)) (capped at 1), so the true capacity is 40 req/s. Each run
 * holds 300 requests or 10 s of them, and its share is drawn around the curve with three times a
 * binomial's variance (a beta-binomial: requests within a run are correlated), as on a real host.
 */
const TRUE_CAPACITY = 40;
function trueShare(rateRps: number): number {
  return Math.min(1, 0.05 * Math.exp(0.15 * (rateRps - TRUE_CAPACITY)));
}
function fakeRun(random: Random, rateRps: number): RunCounts {
  const requests = Math.max(300, Math.round(rateRps * 10));
  const share = trueShare(rateRps);
  // Beta-binomial with overdispersion 3: Beta(a, b) with a + b = (n - φ)/(φ - 1).
  const phi = 3;
  const concentration = (requests - phi) / (phi - 1);
  const p = share >= 1 ? 1 : betaSample(random, share * concentration, (1 - share) * concentration);
  let exceedances = 0;
  for (let i = 0; i < requests; i++) if (random() < p) exceedances += 1;
  return { requests, exceedances };
}

/** Drives the pure search the way searchCapacity does, each run costing 15 s of a 480 s budget. */
function search(seed: number, startRps: number, budgetS = 480): { step: CapacityStep; visits: number[] } {
  const random = seededRandom(seed);
  const runs = new Map<number, RunCounts[]>();
  const visits: number[] = [];
  for (;;) {
    const rates = [...runs].map(([rateRps, list]) => ({ rateRps, judgement: judgeRate(list, sla) }));
    const step = nextCapacityStep(startRps, rates, { leftS: budgetS - visits.length * 15, nextRunS: 15, runsLeft: 40 - visits.length }, 10);
    if (step.kind === 'stop') return { step, visits };
    visits.push(step.rateRps);
    runs.set(step.rateRps, [...(runs.get(step.rateRps) ?? []), fakeRun(random, step.rateRps)]);
  }
}

describe('grid', () => {
  it('puts six rates to a doubling, so a doubling and a halving land on the grid', () => {
    expect(gridRate(25, 6)).toBe(50);
    expect(gridRate(25, -6)).toBe(12.5);
    expect(gridRate(25, 1)).toBe(28.06);
    expect(gridIndex(25, 28.06)).toBe(1);
    expect(gridIndex(25, 12.5)).toBe(-6);
  });
});

describe('nextCapacityStep', () => {
  it('starts at the first rate, doubles past a rate that meets, halves below one that misses', () => {
    const meets = judgeRate([{ requests: 300, exceedances: 0 }], sla);
    const misses = judgeRate([{ requests: 300, exceedances: 90 }], sla);
    const budget = { leftS: 100, nextRunS: 10, runsLeft: 10 };
    expect(nextCapacityStep(20, [], budget, 10)).toMatchObject({ kind: 'measure', rateRps: 20 });
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: meets }], budget, 10)).toMatchObject({ kind: 'measure', rateRps: 40 });
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: misses }], budget, 10)).toMatchObject({ kind: 'measure', rateRps: 10 });
    // Bracket [20 meets, 40 misses]: bisect the grid between them, index 3 of 6 (28.28 req/s).
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: meets }, { rateRps: 40, judgement: misses }], budget, 10)).toMatchObject({ kind: 'measure', rateRps: 28.28 });
  });
  it('brackets in bracketSteps grid steps when the first rate is already near the capacity (whatif from a profile)', () => {
    const meets = judgeRate([{ requests: 300, exceedances: 0 }], sla);
    const misses = judgeRate([{ requests: 300, exceedances: 90 }], sla);
    const budget = { leftS: 100, nextRunS: 10, runsLeft: 10 };
    // Two steps up (x1.26) and down, instead of a doubling and a halving.
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: meets }], budget, 10, 2)).toMatchObject({ kind: 'measure', rateRps: 25.2, why: 'the highest rate meets the SLA: stepping up x1.26' });
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: misses }], budget, 10, 2)).toMatchObject({ kind: 'measure', rateRps: 15.87, why: 'the lowest rate misses the SLA: stepping down /1.26' });
    // Then bisection as before: the one grid rate between 20 and 25.2.
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: meets }, { rateRps: 25.2, judgement: misses }], budget, 10, 2)).toMatchObject({ rateRps: 22.45 });
  });
  it('measures an undecided rate again rather than deciding it, up to its run cap', () => {
    const undecided = judgeRate([{ requests: 300, exceedances: 15 }], sla);
    const budget = { leftS: 1000, nextRunS: 10, runsLeft: 40 };
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: undecided }], budget, 10)).toMatchObject({ kind: 'measure', rateRps: 20 });
    const capped = judgeRate(Array.from({ length: MAX_RUNS_PER_RATE }, () => ({ requests: 300, exceedances: 15 })), sla);
    expect(capped.decision).toBe('undecided');
    expect(nextCapacityStep(20, [{ rateRps: 20, judgement: capped }], budget, 10)).toMatchObject({ kind: 'measure', rateRps: 28.28 });
  });
  it('stops when the budget cannot pay for another run, with the capacity so far', () => {
    const meets = judgeRate([{ requests: 300, exceedances: 0 }], sla);
    const step = nextCapacityStep(20, [{ rateRps: 20, judgement: meets }], { leftS: 5, nextRunS: 10, runsLeft: 10 }, 10);
    expect(step).toMatchObject({ kind: 'stop', why: 'the measurement budget was spent' });
    expect(step.kind === 'stop' && step.capacity?.estimateRps).toBe(20);
  });
});

describe('the search on a target with a known capacity and noisy runs', () => {
  it('puts the true capacity inside its 90% interval in at least 90% of seeds, spending its runs near the crossing', () => {
    const seeds = 40;
    let inside = 0;
    let nearCrossing = 0;
    let total = 0;
    const estimates: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      // Start rates as a probe would give them: anywhere from far below to above the capacity.
      const { step, visits } = search(seed, 12 + seed);
      const cap = step.kind === 'stop' ? step.capacity : undefined;
      expect(cap?.estimateRps).not.toBeNull();
      if (cap && cap.lowerRps <= TRUE_CAPACITY && (cap.upperRps === null || TRUE_CAPACITY <= cap.upperRps)) inside += 1;
      estimates.push(cap!.estimateRps!);
      nearCrossing += visits.filter((r) => r >= TRUE_CAPACITY * 0.75 && r <= TRUE_CAPACITY * 1.33).length;
      total += visits.length;
    }
    expect(inside / seeds).toBeGreaterThanOrEqual(0.9);
    // The median estimate is within 10% of the truth, and most runs were spent within a third of it.
    estimates.sort((a, b) => a - b);
    expect(Math.abs(estimates[seeds / 2]! - TRUE_CAPACITY) / TRUE_CAPACITY).toBeLessThan(0.1);
    expect(nearCrossing / total).toBeGreaterThan(0.5);
  });
});
