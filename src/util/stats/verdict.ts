import { summarizeSample, welchTTest } from './welch.js';

/**
 * Noise-aware verdicts: a winner is named only when Welch's test says the difference is
 * significant (alpha 0.05) and it is larger than MIN_EFFECT. Anything else is "within noise".
 */

export const SIGNIFICANCE_ALPHA = 0.05;
/** A difference below 5% is not worth naming even when significant (a noisy host shifts that much). */
export const MIN_EFFECT = 0.05;

export interface MeasuredSide {
  name: string;
  /** Per-window figures (req/s, ...): the samples the test compares. */
  samples: readonly number[];
  /**
   * The headline figure the reader sees elsewhere (a profile's throughput over all its windows),
   * when it is not the samples' mean: the sentence and the effect size use it, so the verdict
   * quotes the same numbers as the table above it. Default: the samples' mean.
   */
  value?: number;
  /** Whether the run it came from was judged stable. */
  stable: boolean;
}

export type Verdict =
  | { kind: 'winner'; winner: string; loser: string; ratio: number; pValue: number; unstable: string[]; sentence: string }
  | { kind: 'within-noise'; noisePct: number; pValue: number | null; unstable: string[]; sentence: string };

/**
 * Compares two sides on a figure where higher is better (`what`: "throughput"). The sentence
 * names unstable sides itself, so the caveat cannot be read past.
 */
export function compareMeasured(a: MeasuredSide, b: MeasuredSide, what: string, unit: string): Verdict {
  const sa = summarizeSample(a.samples);
  const sb = summarizeSample(b.samples);
  const unstable = [a, b].filter((s) => !s.stable).map((s) => s.name);
  const caveat = unstable.length > 0 ? ` (UNSTABLE: ${unstable.join(' and ')} did not stabilise; read with care)` : '';
  const test = welchTTest(a.samples, b.samples);
  const va = a.value ?? sa.mean;
  const vb = b.value ?? sb.mean;
  const [hi, lo, vhi, vlo] = va >= vb ? [a, b, va, vb] : [b, a, vb, va];
  const ratio = vlo > 0 ? vhi / vlo : Number.POSITIVE_INFINITY;
  const figures = `${vhi.toFixed(1)} vs ${vlo.toFixed(1)} ${unit}`;
  if (test && test.pValue < SIGNIFICANCE_ALPHA && ratio > 1 + MIN_EFFECT) {
    return {
      kind: 'winner',
      winner: hi.name,
      loser: lo.name,
      ratio,
      pValue: test.pValue,
      unstable,
      sentence: `${hi.name} gives ${ratio.toFixed(2)}x the ${what} of ${lo.name} (${figures}, p = ${formatP(test.pValue)})${caveat}.`,
    };
  }
  const noisePct = noiseHalfWidthPct(sa, sb);
  const why = test ? `p = ${formatP(test.pValue)}` : 'too few windows to test';
  return {
    kind: 'within-noise',
    noisePct,
    pValue: test?.pValue ?? null,
    unstable,
    sentence: `${a.name} and ${b.name}: ${what} within noise (±${noisePct.toFixed(1)}%; ${figures}, ${why}, ${(Math.abs(ratio - 1) * 100).toFixed(1)}% apart)${caveat}.`,
  };
}

/**
 * How far apart the two means could be by noise alone, in percent of their average: ~2 standard
 * errors of the difference (the 95% half-width, normal approximation). Without spread to judge
 * by (fewer than 2 samples), the observed difference itself.
 */
function noiseHalfWidthPct(sa: ReturnType<typeof summarizeSample>, sb: ReturnType<typeof summarizeSample>): number {
  const avg = (sa.mean + sb.mean) / 2;
  if (!(avg > 0)) return 0;
  if (sa.n < 2 || sb.n < 2) return (Math.abs(sa.mean - sb.mean) / avg) * 100;
  const se = Math.sqrt(sa.variance / sa.n + sb.variance / sb.n);
  return ((1.96 * se) / avg) * 100;
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
