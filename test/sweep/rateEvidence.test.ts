import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, recordMs } from '../../src/profile/core/histogram.js';
import { parseSla } from '../../src/schema/sla.js';
import { allowedFraction, designEffect, judgeRate, PRIOR_DESIGN_EFFECT, runCounts } from '../../src/sweep/rateEvidence.js';
import { mm1ShareOver, mm1Sojourns } from './support/mm1.js';

const sla = parseSla('p95<=100ms');

describe('allowedFraction', () => {
  it('is the share over the bound the percentile allows', () => {
    expect(allowedFraction(parseSla('p95<=1ms'))).toBeCloseTo(0.05, 12);
    expect(allowedFraction(parseSla('p99<=1ms'))).toBeCloseTo(0.01, 12);
    expect(allowedFraction(parseSla('p50<=1ms'))).toBeCloseTo(0.5, 12);
  });
});

describe('designEffect', () => {
  it('is the prior with one run', () => {
    expect(designEffect([{ requests: 300, exceedances: 15 }])).toBe(PRIOR_DESIGN_EFFECT);
  });
  it('pools the runs spread with the prior, worked by hand', () => {
    // Two runs of 100: 2 and 18 over. Pooled share 20/200 = 0.1.
    // between = 2/1 * ((2 - 10)² + (18 - 10)²) / 200² = 2 * 128 / 40000 = 0.0064
    // nudged = 20.5/201 = 0.101990; binomial = 0.101990 * 0.898010 / 200 = 0.00045794
    // observed = 0.0064 / 0.00045794 = 13.9756; pooled = (2 * 4 + 1 * 13.9756) / 3 = 7.3252
    expect(designEffect([{ requests: 100, exceedances: 2 }, { requests: 100, exceedances: 18 }])).toBeCloseTo(7.3252, 3);
  });
  it('never goes below 1 however alike the runs are', () => {
    const alike = Array.from({ length: 40 }, () => ({ requests: 1000, exceedances: 50 }));
    expect(designEffect(alike)).toBe(1);
  });
});

describe('judgeRate', () => {
  it('meets, misses or leaves undecided by where the interval of the share lies', () => {
    // One run of 300 deflated by the prior 4 is 75 effective requests: 0 over gives an upper
    // bound of 1 - 0.05^(1/75) = 3.9% (meets); 60 over (20%) has a lower bound well above 5% (misses);
    // 15 over (5%) straddles it.
    expect(judgeRate([{ requests: 300, exceedances: 0 }], sla).decision).toBe('meets');
    expect(judgeRate([{ requests: 300, exceedances: 60 }], sla).decision).toBe('misses');
    expect(judgeRate([{ requests: 300, exceedances: 15 }], sla).decision).toBe('undecided');
    // 2 of 150 (1.3%) is 37.5 effective requests: too few to bound a p95 below 5% from one run.
    expect(judgeRate([{ requests: 150, exceedances: 2 }], sla).decision).toBe('undecided');
    // Three alike runs of the same share decide it: the design effect pools toward their small spread.
    expect(judgeRate([{ requests: 150, exceedances: 2 }, { requests: 150, exceedances: 2 }, { requests: 150, exceedances: 1 }], sla).decision).toBe('meets');
    expect(judgeRate([], sla)).toMatchObject({ decision: 'undecided', requests: 0 });
  });

  it('reads the percentile and its interval from the merged histogram; a short run cannot bound the upper end', () => {
    const h = createLatencyHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i / 10); // 0.1 .. 100 ms, evenly
    const j = judgeRate([runCounts(h, { completed: 1000, failed: 0, dropped: 0 }, parseSla('p95<=200ms'))], parseSla('p95<=200ms'));
    expect(j.latencyMs.estimate).toBeCloseTo(95, 0);
    expect(j.latencyMs.lower).toBeLessThan(95);
    expect(j.latencyMs.upper!).toBeGreaterThan(95);
    expect(j.latencyMs.upper!).toBeLessThanOrEqual(100.1);
    const small = createLatencyHistogram();
    for (let i = 1; i <= 40; i++) recordMs(small, i);
    const few = judgeRate([runCounts(small, { completed: 40, failed: 0, dropped: 0 }, sla)], sla);
    // 40 requests over a design effect of 4 is 10: the upper end of a p95 lies past the slowest request.
    expect(few.latencyMs.upper).toBeNull();
    expect(few.decision).toBe('undecided');
  });

  it('counts failed and dropped requests as over the bound', () => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 100; i++) recordMs(h, 10);
    recordMs(h, 150);
    expect(runCounts(h, { completed: 101, failed: 3, dropped: 2 }, sla)).toMatchObject({ requests: 106, exceedances: 6, failed: 5 });
  });

  it('never lets a rate at which more than 1% of requests failed meet the SLA, however fast the rest', () => {
    // 10 000 requests, 150 failed (1.5%) and no slow one: 1.5% over the bound is well within 5%, but
    // failing requests are not served ones.
    const runs = [1, 2, 3].map(() => ({ requests: 10_000, exceedances: 150, failed: 150 }));
    expect(judgeRate(runs, sla).decision).toBe('misses');
    const fewFailures = [1, 2, 3].map(() => ({ requests: 10_000, exceedances: 50, failed: 50 }));
    expect(judgeRate(fewFailures, sla).decision).toBe('meets');
  });

  it('covers the true share over the bound at its nominal 90% within 5 points, on M/M/1 streams at 50% load', () => {
    // A queue's requests are correlated (each waits behind the last), the case the design effect
    // exists for. The bound is set where exactly 5% of sojourns exceed it.
    const arrival = 0.5;
    const service = 1;
    const bound = -Math.log(0.05) / (service - arrival);
    expect(mm1ShareOver(arrival, service, bound)).toBeCloseTo(0.05, 12);
    for (const runsPerRate of [1, 3]) {
      let covered = 0;
      const seeds = 300;
      for (let s = 0; s < seeds; s++) {
        const runs = Array.from({ length: runsPerRate }, (_, r) => {
          const xs = mm1Sojourns(arrival, service, 300, 1000 * s + r + 1);
          return { requests: xs.length, exceedances: xs.filter((x) => x > bound).length };
        });
        const j = judgeRate(runs, { percentile: 'p95', maxLatencyMs: bound });
        if (j.fractionLower <= 0.05 && 0.05 <= j.fractionUpper) covered += 1;
      }
      expect(covered / seeds).toBeGreaterThanOrEqual(0.85);
      expect(covered / seeds).toBeLessThanOrEqual(0.97);
    }
  });
});
