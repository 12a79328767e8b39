import { describe, expect, it } from 'vitest';
import { regularizedIncompleteBeta, studentTTwoSidedP, welchTTest } from '../../../src/util/stats/welch.js';
import { compareMeasured } from '../../../src/util/stats/verdict.js';

describe('studentTTwoSidedP', () => {
  it('matches closed forms: df 1 is Cauchy, df 2 has p = 1 - t / sqrt(2 + t²)', () => {
    for (const t of [0.3, 1, 2.5, 10]) {
      expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
      expect(studentTTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
    }
  });

  it('matches textbook critical values: t(10) = 2.228 and t(20) = 2.086 at two-sided 0.05', () => {
    // scipy: 2 * stats.t.sf(2.228, 10) = 0.0500118, 2 * stats.t.sf(2.086, 20) = 0.0499964
    expect(studentTTwoSidedP(2.228, 10)).toBeCloseTo(0.0500118, 6);
    expect(studentTTwoSidedP(2.086, 20)).toBeCloseTo(0.0499964, 6);
    // Fractional df, as Welch's test gives: 2 * stats.t.sf(1.5, 3.7) = 0.2135982
    expect(studentTTwoSidedP(1.5, 3.7)).toBeCloseTo(0.2135982, 6);
    expect(studentTTwoSidedP(0, 7)).toBe(1);
  });

  it('I_x(a, b) is symmetric: I_x(a, b) = 1 - I_{1-x}(b, a)', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 4)).toBeCloseTo(1 - regularizedIncompleteBeta(0.7, 4, 2.5), 12);
    // I_x(1, 1) = x
    expect(regularizedIncompleteBeta(0.42, 1, 1)).toBeCloseTo(0.42, 12);
  });
});

describe('welchTTest', () => {
  it("reproduces Wikipedia's Welch example 1 (scipy ttest_ind equal_var=False)", () => {
    // Worked by hand: mean A1 = 20.82, s² = 7.9231 (n 15); mean A2 = 22.98667, s² = 3.7041 (n 15);
    // t = (20.82 - 22.98667) / sqrt(7.9231/15 + 3.7041/15) = -2.16667 / 0.88244 = -2.4554;
    // df = (0.52821 + 0.24694)² / (0.52821²/14 + 0.24694²/14) = 24.99.
    // scipy: statistic -2.455356398286006, pvalue 0.021378001462866992, df 24.988529290231416.
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a, b)!;
    expect(r.t).toBeCloseTo(-2.455356398286006, 10);
    expect(r.df).toBeCloseTo(24.988529290231416, 8);
    expect(r.pValue).toBeCloseTo(0.021378001462866992, 8);
  });

  it('reproduces example 2: unequal sizes (10 and 20), not significant', () => {
    // scipy: statistic -1.5654335235985037, pvalue 0.14884169660532817, df 9.904741248650831
    const a = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const b = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
    const r = welchTTest(a, b)!;
    expect(r.t).toBeCloseTo(-1.5654335235985037, 10);
    expect(r.df).toBeCloseTo(9.904741248650831, 8);
    expect(r.pValue).toBeCloseTo(0.14884169660532817, 8);
  });

  it('needs two values a side; spread-free samples are equal or certainly different', () => {
    expect(welchTTest([1], [1, 2])).toBeUndefined();
    expect(welchTTest([5, 5], [5, 5])!.pValue).toBe(1);
    expect(welchTTest([5, 5], [6, 6])!.pValue).toBe(0);
  });
});

describe('compareMeasured', () => {
  const stable = true;
  it('names a winner when the difference is significant and above 5%', () => {
    const v = compareMeasured(
      { name: 'a', samples: [100, 102, 98, 101], stable },
      { name: 'b', samples: [120, 121, 119, 122], stable },
      'throughput',
      'req/s',
    );
    expect(v.kind).toBe('winner');
    expect(v.sentence).toMatch(/^b gives 1\.20x the throughput of a/);
    expect(v.sentence).not.toMatch(/UNSTABLE/);
  });

  it('quotes the headline figures the table shows, not the window means, when given', () => {
    // Window means 100.25 and 120.5; the whole-run throughputs the reader sees are 99.0 and 118.8.
    const v = compareMeasured(
      { name: 'a', samples: [100, 102, 98, 101], value: 99, stable },
      { name: 'b', samples: [120, 121, 119, 122], value: 118.8, stable },
      'throughput',
      'req/s',
    );
    expect(v.kind).toBe('winner');
    expect(v.sentence).toMatch(/^b gives 1\.20x the throughput of a \(118\.8 vs 99\.0 req\/s, p = /);
  });

  it('says within noise when significant but under 5%', () => {
    const v = compareMeasured(
      { name: 'a', samples: [100, 100.1, 99.9, 100], stable },
      { name: 'b', samples: [103, 103.1, 102.9, 103], stable },
      'throughput',
      'req/s',
    );
    expect(v.kind).toBe('within-noise');
    expect(v.sentence).toMatch(/within noise \(±/);
  });

  it('says within noise when large but not significant, and names an unstable side in the sentence', () => {
    const v = compareMeasured(
      { name: 'torchserve', samples: [50, 150, 80, 120], stable: false },
      { name: 'triton', samples: [130, 90, 160, 100], stable },
      'throughput',
      'req/s',
    );
    expect(v.kind).toBe('within-noise');
    expect(v.sentence).toMatch(/UNSTABLE: torchserve did not stabilise/);
    if (v.kind === 'within-noise') expect(v.noisePct).toBeGreaterThan(10);
  });

  it('a winner from an unstable run carries the caveat in its own line', () => {
    const v = compareMeasured(
      { name: 'a', samples: [100, 102, 98], stable: false },
      { name: 'b', samples: [200, 201, 199], stable: false },
      'throughput',
      'req/s',
    );
    expect(v.kind).toBe('winner');
    expect(v.sentence).toMatch(/UNSTABLE: a and b did not stabilise/);
  });
});
