import { describe, expect, it } from 'vitest';
import { criticalT, regularizedIncompleteBeta, studentTTwoSidedP, welchTTest } from '../../../src/util/stats/welch.js';

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

  it('unequal sizes: t = -10.954, df = 8.197, p = 3.54e-6 (scipy)', () => {
    const r = welchTTest([100, 102, 98, 101, 99], [110, 111, 109, 112, 108, 110])!;
    expect(r.t).toBeCloseTo(-10.954451150103322, 9);
    expect(r.df).toBeCloseTo(8.196721311475407, 9);
    expect(r.pValue / 3.539730758635247e-6).toBeCloseTo(1, 6);
  });

  it('criticalT inverts the tail: scipy.stats.t.ppf(0.975, 10) = 2.2281388519649385', () => {
    expect(criticalT(10, 0.05)).toBeCloseTo(2.2281388519649385, 8);
    expect(regularizedIncompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
  });

  it('needs two values a side; spread-free samples are equal or certainly different', () => {
    expect(welchTTest([1], [1, 2])).toBeUndefined();
    expect(welchTTest([5, 5], [5, 5])!.pValue).toBe(1);
    expect(welchTTest([5, 5], [6, 6])!.pValue).toBe(0);
  });
});
