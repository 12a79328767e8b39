import type { Sla } from './types.js';

/**
 * Number formatting for the report: fixed decimals and explicit units, never the browser's locale,
 * so the served page, the export and the tests print the same text.
 */

/** `x` with `digits` decimals; '–' for a missing value. */
export function fixed(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x.toFixed(digits);
}

/** 1234567.8 -> "1,234,567.80"-style grouping with a fixed number of decimals. */
export function grouped(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const [whole, frac] = Math.abs(x).toFixed(digits).split('.');
  const withCommas = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x < 0 ? '-' : ''}${withCommas}${frac ? `.${frac}` : ''}`;
}

export const ms = (x: number | null | undefined): string => `${fixed(x, x !== null && x !== undefined && Math.abs(x) >= 100 ? 0 : 1)} ms`;
export const rps = (x: number | null | undefined): string => `${fixed(x, 1)} req/s`;
export const pct = (x: number | null | undefined, digits = 1): string => `${fixed(x, digits)}%`;
export const usd = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `$${grouped(x, 2)}`);

/** Rounds for view models: exact values a test can state, free of float noise (0.1 + 0.2). */
export function round(x: number | null | undefined, digits = 3): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** ✓/✗ with words, so colour is never the only signal. */
export const tick = (ok: boolean): string => (ok ? '✓ yes' : '✗ no');

/** An SLA in words: "p95 ≤ 100 ms". */
export const slaText = (sla: Sla): string => `${sla.percentile} ≤ ${fixed(sla.maxLatencyMs, sla.maxLatencyMs % 1 === 0 ? 0 : 1)} ms`;
