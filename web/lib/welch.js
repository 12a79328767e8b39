/**
 * Welch's unequal-variance t-test, two-sided, for comparing per-window samples of two runs. The one
 * implementation: the browser runs it as is, and the CLI's verdicts (src/util/stats/welch.ts) import
 * it, so the report and the terminal can never disagree on a p-value.
 * Pure arithmetic: the p-value comes from Student's t distribution via the regularized incomplete
 * beta function (Numerical Recipes' continued fraction, Lanczos log-gamma).
 */

export function mean(xs) {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample variance (n - 1). */
export function variance(xs) {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * Returns { t, df, p } for H0: equal means, or null when a side has fewer than 2 samples. Two
 * constant samples with different means are infinitely significant (p = 0); equal, p = 1.
 */
export function welchTest(a, b) {
  if (a.length < 2 || b.length < 2) return null;
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const diff = mean(a) - mean(b);
  const se2 = va + vb;
  if (se2 === 0) return { t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: a.length + b.length - 2, p: diff === 0 ? 1 : 0 };
  const t = diff / Math.sqrt(se2);
  const df = se2 ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { t, df, p: studentTwoSidedP(t, df), se: Math.sqrt(se2) };
}

/** The t with P(|T| >= t) = alpha: the two-sided critical value, by bisection (the p-value falls as t grows). */
export function criticalT(df, alpha = 0.05) {
  let lo = 0;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom. */
export function studentTwoSidedP(t, df) {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
export function logGamma(x) {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < coefficients.length; i++) sum += coefficients[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x, a, b) {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/**
 * The comparison rule (autocannon-compare's): a winner only when the difference is significant at
 * alpha and larger than minPct of the baseline; otherwise "within noise (±x%)", x being the larger
 * of the difference's confidence interval (1 - alpha, as a share of the baseline mean) and minPct.
 */
export function noiseVerdict(a, b, { alpha = 0.05, minPct = 5, higherIsBetter = true, names = ['A', 'B'] } = {}) {
  const test = welchTest(a, b);
  if (!test) return { significant: false, winner: null, test: null, deltaPct: null, text: 'not tested (fewer than 2 windows on a side)' };
  const ma = mean(a);
  const deltaPct = ma === 0 ? null : ((mean(b) - ma) / Math.abs(ma)) * 100;
  const big = deltaPct !== null && Math.abs(deltaPct) > minPct;
  const significant = test.p < alpha;
  if (!significant || !big) {
    const ciPct = ma === 0 || !Number.isFinite(test.df) ? null : ((criticalT(test.df, alpha) * (test.se ?? 0)) / Math.abs(ma)) * 100;
    const spread = ciPct === null ? '?' : Math.max(ciPct, minPct).toFixed(1);
    return { significant, winner: null, test, deltaPct, ciPct, text: `within noise (±${spread}%)` };
  }
  const bBetter = higherIsBetter ? deltaPct > 0 : deltaPct < 0;
  const winner = bBetter ? names[1] : names[0];
  return { significant, winner, test, deltaPct, text: `${winner} is better by ${Math.abs(deltaPct).toFixed(1)}% (Welch p = ${formatP(test.p)})` };
}

export function formatP(p) {
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}
