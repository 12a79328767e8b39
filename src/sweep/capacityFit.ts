import { CONFIDENCE_PCT, type CapacityEstimate, type RateJudgement } from '../schema/capacityEstimate.js';
import { betaSample } from '../util/stats/beta.js';
import { seededRandom } from '../util/random.js';

/**
 * A configuration's capacity from every rate it was measured at (pure).
 *
 * The share of requests over the SLA bound rises with the offered rate. An isotonic (pool adjacent
 * violators) fit of the measured shares against the rate, weighted by each rate's effective count,
 * keeps that shape without assuming a queueing formula, and pools contradicting evidence (a miss
 * at 30 req/s, a pass at 40) instead of letting one run decide. The capacity is where the fit
 * crosses the allowed share, interpolated between the two rates around it.
 *
 * The interval is a parametric bootstrap: each rate's share is redrawn from its Beta posterior
 * (the same deflated counts as its own interval, so one run carries the prior design effect), the
 * curve refitted and the crossing taken again, BOOTSTRAP_REPLICATES times. Between two measured
 * rates the curve's shape is unknown (a straight line is only the point estimate's guess), so a
 * replicate's crossing lies anywhere on its crossing segment, uniformly: two rates 2x apart can
 * never give a narrow interval, only rates measured close to the crossing can. The 5th and 95th
 * percentiles are the 90% interval. A crossing below the lowest rate counts as 0 and one above
 * the highest as unbounded, so those ends are reported as such rather than clipped. Seeded: the
 * same evidence always gives the same interval (a resumed sweep replays to the same figure).
 */

export interface RateEvidence {
  rateRps: number;
  judgement: RateJudgement;
}

export const BOOTSTRAP_REPLICATES = 400;
const BOOTSTRAP_SEED = 17;

/** Pool adjacent violators: the non-decreasing sequence closest to `values` in weighted least squares. */
export function isotonicFit(values: readonly number[], weights: readonly number[]): number[] {
  const blocks: { sum: number; weight: number; size: number }[] = [];
  values.forEach((v, i) => {
    const w = Math.max(weights[i] ?? 0, 1e-12);
    blocks.push({ sum: v * w, weight: w, size: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const before = blocks[blocks.length - 2]!;
      if (before.sum / before.weight <= last.sum / last.weight) break;
      blocks.pop();
      blocks[blocks.length - 1] = { sum: before.sum + last.sum, weight: before.weight + last.weight, size: before.size + last.size };
    }
  });
  return blocks.flatMap((b) => Array<number>(b.size).fill(b.sum / b.weight));
}

/**
 * Where a non-decreasing curve of shares first goes over `allowed`: -Infinity when the lowest
 * rate already does, Infinity when no rate does, else interpolated on the segment that crosses.
 */
export function crossingRps(ratesRps: readonly number[], fitted: readonly number[], allowed: number, position?: number): number {
  const over = fitted.findIndex((f) => f > allowed);
  if (over === -1) return Number.POSITIVE_INFINITY;
  if (over === 0) return Number.NEGATIVE_INFINITY;
  const [r0, r1, f0, f1] = [ratesRps[over - 1]!, ratesRps[over]!, fitted[over - 1]!, fitted[over]!];
  // position (0..1) places the crossing on the segment; absent, it is interpolated linearly.
  return r0 + (position ?? (allowed - f0) / (f1 - f0)) * (r1 - r0);
}

/** The fitted share at each rate (sorted by rate), with its weights: counts over the design effect. */
export function fitShares(points: readonly RateEvidence[]): { ratesRps: number[]; fitted: number[] } {
  const sorted = [...points].sort((a, b) => a.rateRps - b.rateRps);
  const fitted = isotonicFit(
    sorted.map((p) => p.judgement.exceedanceFraction),
    sorted.map((p) => p.judgement.requests / p.judgement.designEffect),
  );
  return { ratesRps: sorted.map((p) => p.rateRps), fitted };
}

export function fitCapacity(points: readonly RateEvidence[], replicates = BOOTSTRAP_REPLICATES): CapacityEstimate | undefined {
  const usable = [...points].filter((p) => p.judgement.requests > 0).sort((a, b) => a.rateRps - b.rateRps);
  const first = usable[0];
  if (!first) return undefined;
  const allowed = first.judgement.allowedFraction;
  const ratesRps = usable.map((p) => p.rateRps);
  const highest = ratesRps[ratesRps.length - 1]!;
  const { fitted } = fitShares(usable);
  const crossing = crossingRps(ratesRps, fitted, allowed);

  const random = seededRandom(BOOTSTRAP_SEED);
  const weights = usable.map((p) => p.judgement.requests / p.judgement.designEffect);
  const draws: number[] = [];
  for (let b = 0; b < replicates; b++) {
    const shares = usable.map((p, i) => {
      const n = weights[i]!;
      const k = p.judgement.exceedanceFraction * n;
      return betaSample(random, k + 0.5, n - k + 0.5);
    });
    draws.push(crossingRps(ratesRps, isotonicFit(shares, weights), allowed, random()));
  }
  draws.sort((a, b) => a - b);
  const tail = (1 - CONFIDENCE_PCT / 100) / 2;
  const at = (q: number): number => draws[Math.min(draws.length - 1, Math.max(0, Math.floor(q * draws.length)))]!;
  const lowerDraw = at(tail);
  const upperDraw = at(1 - tail);
  const certified = usable.filter((p) => p.judgement.decision === 'meets').map((p) => p.rateRps);
  const estimateRps = crossing === Number.NEGATIVE_INFINITY ? null : Number.isFinite(crossing) ? round2(crossing) : highest;
  let lowerRps = lowerDraw === Number.NEGATIVE_INFINITY ? 0 : round2(Math.min(lowerDraw, highest));
  let upperRps = Number.isFinite(upperDraw) ? round2(Math.max(upperDraw, 0)) : upperDraw === Number.NEGATIVE_INFINITY ? round2(first.rateRps) : null;
  // The interpolated estimate can sit nearer a segment's end than the band's 5th or 95th
  // percentile of uniform placements: the interval always holds the figure it is quoted with.
  if (estimateRps !== null) {
    lowerRps = Math.min(lowerRps, estimateRps);
    if (upperRps !== null) upperRps = Math.max(upperRps, estimateRps);
  }
  return {
    estimateRps,
    lowerRps,
    upperRps,
    confidencePct: CONFIDENCE_PCT,
    certifiedRps: certified.length > 0 ? Math.max(...certified) : null,
    method: 'isotonic-exceedance',
  };
}

/** Rates whose own interval excludes the fitted share: evidence the curve does not believe. */
export function contradictingRates(points: readonly RateEvidence[]): number[] {
  const sorted = [...points].filter((p) => p.judgement.requests > 0).sort((a, b) => a.rateRps - b.rateRps);
  const { fitted } = fitShares(sorted);
  return sorted.filter((p, i) => fitted[i]! < p.judgement.fractionLower || fitted[i]! > p.judgement.fractionUpper).map((p) => p.rateRps);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
