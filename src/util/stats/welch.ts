import { incompleteBeta, logGamma, studentTwoSidedP, welchTest } from '../../../web/lib/welch.js';

/**
 * Welch's t-test (two samples, unequal variances), pure. The arithmetic is web/lib/welch.js, the
 * one implementation the browser report runs too; this file gives it the CLI's names and shapes.
 */

export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample variance (n - 1 in the denominator). */
  variance: number;
}

export interface WelchResult {
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
}

export function summarizeSample(values: readonly number[]): SampleSummary {
  const n = values.length;
  const mean = n > 0 ? values.reduce((s, v) => s + v, 0) / n : Number.NaN;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : Number.NaN;
  return { n, mean, variance };
}

/**
 * Welch's test of equal means. Undefined when either sample has fewer than 2 values (no variance
 * to judge noise by). Two samples without any spread are "different" when their means differ
 * (p = 0) and "the same" when they do not (p = 1).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | undefined {
  const test = welchTest(a, b);
  return test ? { t: test.t, df: test.df, pValue: test.p } : undefined;
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export const studentTTwoSidedP: (t: number, df: number) => number = studentTwoSidedP;

/** I_x(a, b), the regularized incomplete beta function, for 0 <= x <= 1 and a, b > 0. */
export const regularizedIncompleteBeta: (x: number, a: number, b: number) => number = incompleteBeta;

export { logGamma };
