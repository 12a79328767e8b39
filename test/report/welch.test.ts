import { describe, expect, it } from 'vitest';
import { criticalT, incompleteBeta, noiseVerdict, welchTest } from '../../web/lib/welch.js';

/** Worked values checked against scipy.stats.ttest_ind(a, b, equal_var=False) (scipy 1.17). */
describe("Welch's t-test", () => {
  it("Wikipedia's example 1: t = -2.4554, df = 24.99, p = 0.02138", () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTest(a, b)!;
    expect(r.t).toBeCloseTo(-2.455356398286006, 10);
    expect(r.df).toBeCloseTo(24.988529290231416, 8);
    expect(r.p).toBeCloseTo(0.021378001462866992, 8);
  });

  it('unequal sizes: t = -10.954, df = 8.197, p = 3.54e-6', () => {
    const r = welchTest([100, 102, 98, 101, 99], [110, 111, 109, 112, 108, 110])!;
    expect(r.t).toBeCloseTo(-10.954451150103322, 9);
    expect(r.df).toBeCloseTo(8.196721311475407, 9);
    expect(r.p / 3.539730758635247e-6).toBeCloseTo(1, 6);
  });

  it('needs two samples a side; constant samples are decided without dividing by zero', () => {
    expect(welchTest([1], [1, 2])).toBeNull();
    expect(welchTest([5, 5], [5, 5])).toMatchObject({ t: 0, p: 1 });
    expect(welchTest([5, 5], [6, 6])).toMatchObject({ p: 0 });
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
    // scipy.stats.t.ppf(0.975, 10) = 2.2281388519649385
    expect(criticalT(10, 0.05)).toBeCloseTo(2.2281388519649385, 8);
  });

  it('names a winner only when significant at 0.05 and above 5%', () => {
    const big = noiseVerdict([100, 102, 98, 101, 99], [110, 111, 109, 112, 108, 110], { names: ['A', 'B'] });
    expect(big).toMatchObject({ winner: 'B', significant: true, text: 'B is better by 10.0% (Welch p = < 0.001)' });
    // Significant but only 2% apart: noise by the rule.
    const small = noiseVerdict([100, 100.1, 99.9, 100], [102, 102.1, 101.9, 102]);
    expect(small).toMatchObject({ winner: null, significant: true, text: 'within noise (±5.0%)' });
    // Not significant: the ± is the 95% interval of the difference, here wider than 5%.
    // scipy: t.ppf(0.975, df = 3.4787) * se (10.4297) / mean(a) (100) = 30.7519%.
    const wide = noiseVerdict([100, 110, 90], [112, 95, 125]);
    expect(wide.winner).toBeNull();
    expect(wide.ciPct).toBeCloseTo(30.75190358214115, 6);
    expect(wide.text).toBe('within noise (±30.8%)');
    // Lower is better (latency): B lower wins.
    expect(noiseVerdict([50, 52, 51], [40, 41, 39], { higherIsBetter: false, names: ['A', 'B'] }).winner).toBe('B');
  });
});
