import { normal, type Random } from '../random.js';
import { regularizedIncompleteBeta } from './welch.js';

/**
 * The beta distribution (pure): its quantile function, for Clopper–Pearson bounds on a share, and
 * draws from it, for the parametric bootstrap of a capacity fit.
 */

/** x with I_x(a, b) = prob, by bisection (I_x is monotone in x); a, b > 0. */
export function betaQuantile(prob: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new Error(`betaQuantile: shape parameters must be positive (a=${a}, b=${b})`);
  if (prob <= 0) return 0;
  if (prob >= 1) return 1;
  let lo = 0;
  let hi = 1;
  // 60 halvings put the answer within 1e-18 of the root: far below anything printed.
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedIncompleteBeta(mid, a, b) < prob) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Clopper–Pearson bounds on a share from k successes in n trials, one-sided at `tailProb` each
 * (0.05 each gives a 90% two-sided interval). k and n may be fractional (counts deflated by a
 * design effect); the beta form takes them as they are.
 */
export function clopperPearson(k: number, n: number, tailProb: number): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const lower = k <= 0 ? 0 : betaQuantile(tailProb, k, n - k + 1);
  const upper = k >= n ? 1 : betaQuantile(1 - tailProb, k + 1, n - k);
  return { lower, upper };
}

/** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the boost u^(1/shape)). */
export function gammaSample(random: Random, shape: number): number {
  if (shape < 1) {
    const u = Math.max(random(), Number.MIN_VALUE);
    return gammaSample(random, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw from two gamma draws. */
export function betaSample(random: Random, a: number, b: number): number {
  const x = gammaSample(random, a);
  const y = gammaSample(random, b);
  return x + y > 0 ? x / (x + y) : 0.5;
}
