import { describe, expect, it } from 'vitest';
import { betaQuantile, betaSample, clopperPearson } from '../../../src/util/stats/beta.js';
import { seededRandom } from '../../../src/util/random.js';

describe('betaQuantile', () => {
  it('inverts closed forms: Beta(1,1) is uniform, Beta(2,1) has CDF x², Beta(1,3) has CDF 1-(1-x)³', () => {
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 10);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 10);
    // 1 - (1 - x)^3 = 0.875 -> (1 - x)^3 = 0.125 -> x = 0.5
    expect(betaQuantile(0.875, 1, 3)).toBeCloseTo(0.5, 10);
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
    expect(() => betaQuantile(0.5, 0, 1)).toThrow(/positive/);
  });
});

describe('clopperPearson', () => {
  it('gives the rule of three family: k = 0 of n has upper bound 1 - tail^(1/n)', () => {
    // 0 of 59 at a one-sided 5%: 1 - 0.05^(1/59) = 0.04951 (the sample maximum bounds a p95 once n >= 59).
    const { lower, upper } = clopperPearson(0, 59, 0.05);
    expect(lower).toBe(0);
    expect(upper).toBeCloseTo(1 - 0.05 ** (1 / 59), 8);
    expect(upper).toBeLessThan(0.05);
    expect(clopperPearson(0, 58, 0.05).upper).toBeGreaterThan(0.05);
  });
  it('decides a single 300-request run as the research table does: pass at k <= 8, fail at k >= 22', () => {
    expect(clopperPearson(8, 300, 0.05).upper).toBeLessThanOrEqual(0.05);
    expect(clopperPearson(9, 300, 0.05).upper).toBeGreaterThan(0.05);
    expect(clopperPearson(22, 300, 0.05).lower).toBeGreaterThan(0.05);
    expect(clopperPearson(21, 300, 0.05).lower).toBeLessThanOrEqual(0.05);
  });
  it('is the whole range with no trials', () => {
    expect(clopperPearson(0, 0, 0.05)).toEqual({ lower: 0, upper: 1 });
  });
});

describe('betaSample', () => {
  it('has the mean a/(a+b) and the variance ab/((a+b)²(a+b+1)), shapes below 1 included', () => {
    for (const [a, b] of [[2, 5], [0.5, 0.5], [30, 570]] as const) {
      const random = seededRandom(7);
      const xs = Array.from({ length: 20000 }, () => betaSample(random, a, b));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
      const trueVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(Math.abs(mean - a / (a + b))).toBeLessThan(4 * Math.sqrt(trueVar / xs.length));
      expect(variance / trueVar).toBeGreaterThan(0.95);
      expect(variance / trueVar).toBeLessThan(1.05);
    }
  });
});
