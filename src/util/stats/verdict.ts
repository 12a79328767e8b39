import { criticalT, summarizeSample, welchTTest } from './welch.js';

/**
 * The one comparison: every "A vs B" the project prints (the demo, sweep's best, `plan --compare`,
 * `profile --compare` and every report page) is a sentence from `compareSides`, so the terminal and
 * the page cannot disagree. The rule, in order:
 *
 * 1. A side without the figure (a stage it does not run): "removed" / "added", not noise.
 * 2. Per-window samples on either side but fewer than MIN_WINDOWS on one: "not enough windows to
 *    judge" (two windows give a noise band too wide to be worth printing).
 * 3. No per-window samples at all: the figures and how far apart, "not tested".
 * 4. No spread in either side's windows: a deterministic difference (or equal); no test needed.
 * 5. Otherwise Welch's t-test: a winner only when p < SIGNIFICANCE_ALPHA *and* the larger figure is
 *    more than 1 + MIN_EFFECT times the smaller (symmetric: swapping A and B never changes the
 *    verdict). Not significant: "within noise (±band%)", the band being the 95% half-width of the
 *    difference of the window means (t_crit(df) × se) over their average. Significant but smaller:
 *    "below the 5% worth naming".
 *
 * An unstable side is named in the sentence itself, so the caveat cannot be read past.
 */

export const SIGNIFICANCE_ALPHA = 0.05;
/** A difference of 5% or less is not named even when significant (a noisy host shifts that much). */
export const MIN_EFFECT = 0.05;
/** Fewer windows a side than this and no verdict is given: the stability rule needs 3 as well. */
export const MIN_WINDOWS = 3;

export interface MeasuredSide {
  name: string;
  /** Per-window figures (req/s, ms, ...): the samples the test compares. */
  samples: readonly number[];
  /**
   * The headline figure the reader sees elsewhere (a profile's throughput over all its windows),
   * when it is not the samples' mean: the sentence and the effect size use it, so the verdict
   * quotes the same numbers as the table above it. Default: the samples' mean. null: this side has
   * no such figure (a stage it does not run).
   */
  value?: number | null;
  /** Whether the run it came from was judged stable. */
  stable: boolean;
}

/** What is compared: "throughput" in "req/s", higher is better, one decimal. */
export interface Measure {
  what: string;
  unit: string;
  better: 'higher' | 'lower';
  digits?: number;
}

interface VerdictBase {
  /** Names of the sides that did not stabilise. */
  unstable: string[];
  /** The whole verdict, one sentence, as the terminal prints it and the page shows it. */
  sentence: string;
  /** The same verdict in a table cell (the report's "better" column). */
  short: string;
}

export type Verdict = VerdictBase &
  (
    | { kind: 'winner'; winner: string; loser: string; ratio: number; pValue: number | null; basis: 'welch' | 'deterministic' | 'untested' }
    | { kind: 'within-noise'; noisePct: number; pValue: number }
    | { kind: 'small-difference'; differencePct: number; pValue: number | null }
    | { kind: 'equal' }
    | { kind: 'not-enough-windows'; windows: [number, number] }
    | { kind: 'untested'; differencePct: number }
    | { kind: 'removed'; present: string; absent: string }
  );

/** A p-value as a phrase: "p = 0.012", or "p < 0.001". */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** Compares two sides on a figure where higher is better (`what`: "throughput"). */
export function compareMeasured(a: MeasuredSide, b: MeasuredSide, what: string, unit: string): Verdict {
  return compareSides(a, b, { what, unit, better: 'higher', digits: 1 });
}

export function compareSides(a: MeasuredSide, b: MeasuredSide, m: Measure): Verdict {
  const digits = m.digits ?? 1;
  const unstable = [a, b].filter((s) => !s.stable).map((s) => s.name);
  const caveat = unstable.length > 0 ? ` (UNSTABLE: ${unstable.join(' and ')} did not stabilise; read with care)` : '';
  const base = { unstable };
  const num = (v: number): string => v.toFixed(digits);
  const unit = m.unit ? ` ${m.unit}` : '';

  const va = a.value === undefined ? summarizeSample(a.samples).mean : a.value;
  const vb = b.value === undefined ? summarizeSample(b.samples).mean : b.value;
  if (va === null || vb === null || Number.isNaN(va) || Number.isNaN(vb)) {
    const [present, absent, v] = va === null || Number.isNaN(va) ? [b, a, vb] : [a, b, va];
    const word = present === a ? 'removed' : 'added';
    const shown = v === null || Number.isNaN(v) ? 'n/a' : `${num(v)}${unit}`;
    return {
      ...base,
      kind: 'removed',
      present: present.name,
      absent: absent.name,
      sentence: `${m.what}: ${word} in ${b.name} (${present.name}: ${shown}; ${absent.name} does not run it).`,
      short: `${word} in ${b.name}`,
    };
  }

  const figures = `${num(va)} vs ${num(vb)}${unit}`;
  const ratio = Math.max(va, vb) / Math.min(va, vb);
  const apartPct = va === vb ? 0 : (ratio - 1) * 100;
  const apart = Number.isFinite(apartPct) ? `${apartPct.toFixed(1)}% apart` : 'apart, one side zero';
  const pair = `${a.name} and ${b.name}`;

  const na = a.samples.length;
  const nb = b.samples.length;
  if ((na > 0 || nb > 0) && (na < MIN_WINDOWS || nb < MIN_WINDOWS)) {
    return {
      ...base,
      kind: 'not-enough-windows',
      windows: [na, nb],
      sentence: `${pair}: not enough windows to judge ${m.what} (${na} and ${nb} windows, ${MIN_WINDOWS} a side needed; ${figures})${caveat}.`,
      short: 'not enough windows to judge',
    };
  }

  const winner = (basis: 'welch' | 'deterministic' | 'untested', p: number | null, why: string): Verdict => {
    const aWins = m.better === 'higher' ? va > vb : va < vb;
    const [w, l, vw, vl] = aWins ? [a, b, va, vb] : [b, a, vb, va];
    const finite = Number.isFinite(ratio);
    const sentence =
      m.better === 'higher'
        ? finite
          ? `${w.name} gives ${ratio.toFixed(2)}x the ${m.what} of ${l.name} (${num(vw)} vs ${num(vl)}${unit}, ${why})${caveat}.`
          : `${w.name} gives the higher ${m.what} (${num(vw)} vs ${num(vl)}${unit}, ${why})${caveat}.`
        : finite
          ? `${w.name} has the lower ${m.what}: ${l.name}'s is ${ratio.toFixed(2)}x ${w.name}'s (${num(vl)} vs ${num(vw)}${unit}, ${why})${caveat}.`
          : `${w.name} has the lower ${m.what} (${num(vl)} vs ${num(vw)}${unit}, ${why})${caveat}.`;
    return { ...base, kind: 'winner', winner: w.name, loser: l.name, ratio, pValue: p, basis, sentence, short: `${w.name} ${m.better === 'higher' ? '↑' : '↓'} (${why})` };
  };
  const small = (p: number | null, why: string): Verdict => ({
    ...base,
    kind: 'small-difference',
    differencePct: apartPct,
    pValue: p,
    sentence: `${pair}: ${m.what} ${apart}, below the ${MIN_EFFECT * 100}% worth naming (${figures}, ${why})${caveat}.`,
    short: `${apart}, below ${MIN_EFFECT * 100}% (${why})`,
  });
  const big = ratio > 1 + MIN_EFFECT;

  if (na === 0 && nb === 0) {
    if (va === vb) return { ...base, kind: 'equal', sentence: `${pair}: ${m.what} equal (${num(va)}${unit})${caveat}.`, short: '= equal' };
    if (big) return winner('untested', null, 'no per-window figures: not tested');
    return {
      ...base,
      kind: 'untested',
      differencePct: apartPct,
      sentence: `${pair}: ${m.what} ${apart} (${figures}; no per-window figures: not tested)${caveat}.`,
      short: `${apart}, not tested`,
    };
  }

  const test = welchTTest(a.samples, b.samples)!;
  if (test.se === 0) {
    const why = "no spread in either side's windows";
    if (va === vb) return { ...base, kind: 'equal', sentence: `${pair}: ${m.what} equal (${num(va)}${unit}, ${why})${caveat}.`, short: '= equal' };
    return big ? winner('deterministic', 0, `deterministic: ${why}`) : small(0, `deterministic: ${why}`);
  }
  const p = formatP(test.pValue);
  if (test.pValue < SIGNIFICANCE_ALPHA) return big ? winner('welch', test.pValue, p) : small(test.pValue, p);
  const sa = summarizeSample(a.samples);
  const sb = summarizeSample(b.samples);
  const avg = (sa.mean + sb.mean) / 2;
  const noisePct = avg > 0 ? ((criticalT(test.df, SIGNIFICANCE_ALPHA) * test.se) / avg) * 100 : 0;
  return {
    ...base,
    kind: 'within-noise',
    noisePct,
    pValue: test.pValue,
    sentence: `${pair}: ${m.what} within noise (±${noisePct.toFixed(1)}%; ${figures}, ${p}, ${apart})${caveat}.`,
    short: `within noise (±${noisePct.toFixed(1)}%, ${p})`,
  };
}
