/**
 * Number formatting for the report: fixed decimals and explicit units, never the browser's locale,
 * so the served page, the export and the tests print the same text.
 */

/** `x` with `digits` decimals; '–' for a missing value. */
export function fixed(x, digits = 1) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x.toFixed(digits);
}

/** 1234567.8 -> "1,234,567.80"-style grouping with a fixed number of decimals. */
export function grouped(x, digits = 0) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const [whole, frac] = Math.abs(x).toFixed(digits).split('.');
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x < 0 ? '-' : ''}${withCommas}${frac ? `.${frac}` : ''}`;
}

export const ms = (x) => `${fixed(x, x !== null && x !== undefined && Math.abs(x) >= 100 ? 0 : 1)} ms`;
export const rps = (x) => `${fixed(x, 1)} req/s`;
export const pct = (x, digits = 1) => `${fixed(x, digits)}%`;
export const usd = (x) => (x === null || x === undefined ? '–' : `$${grouped(x, 2)}`);

/** Rounds for view models: exact values a test can state, free of float noise (0.1 + 0.2). */
export function round(x, digits = 3) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** ✓/✗ with words, so colour is never the only signal. */
export const tick = (ok) => (ok ? '✓ yes' : '✗ no');

/** An SLA in words: "p95 ≤ 100 ms". */
export const slaText = (sla) => `${sla.percentile} ≤ ${fixed(sla.maxLatencyMs, sla.maxLatencyMs % 1 === 0 ? 0 : 1)} ms`;
