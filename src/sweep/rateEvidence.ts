import { countAboveMs, mergeHistograms, type LatencyHistogram } from '../profile/core/histogram.js';
import type { RateJudgement } from '../schema/capacityEstimate.js';
import { MAX_FAILED_FRACTION } from '../profile/core/stability.js';
import type { Sla } from '../schema/sla.js';
import { clopperPearson } from '../util/stats/beta.js';
import { percentileInterval, PRIOR_DESIGN_EFFECT, TAIL_PROB } from '../profile/core/percentileInterval.js';

export { PRIOR_DESIGN_EFFECT };

/**
 * Whether one offered rate meets a percentile SLA, from every run measured at it (pure).
 *
 * The SLA `p95 <= B` holds when at most 5% of requests take longer than B (a failed or dropped
 * request counts as one that did). So each run contributes counts, not a p95: n requests, k over
 * the bound. Counts pool across runs; a p95 of a few hundred requests does not (MLPerf LoadGen
 * decides the same way).
 *
 * Requests within a run are not independent: a slow spell or a queue delays many in a row, so the
 * pooled share varies more between runs than a binomial would (docs/sweep.md measures by how
 * much on this host). That excess is the design effect φ; counts are divided by it before a
 * Clopper–Pearson interval is taken. With one run there is nothing to estimate φ from, so a prior
 * stands in; with more, the between-run spread of the runs' shares takes over, weighted by its
 * degrees of freedom. A rate *meets* the SLA when the interval's upper end is within the allowed
 * share, *misses* when its lower end is above it, and is *undecided* otherwise.
 */

/** What one run at a rate contributes. */
export interface RunCounts {
  /** Completed + failed + dropped. */
  requests: number;
  /** Completed over the bound + failed + dropped. */
  exceedances: number;
  /** Failed + dropped: past MAX_FAILED_FRACTION of requests a rate is no capacity, whatever its latency. */
  failed?: number;
  /** Its completed requests' latencies; absent in documents that did not keep them. */
  histogram?: LatencyHistogram;
}

/** How many runs' worth of spread the prior is worth when the runs' own spread is averaged in. */
export const PRIOR_DESIGN_EFFECT_DF = 2;

/** The share of requests the SLA lets go over its bound: 0.05 for a p95. */
export function allowedFraction(sla: Sla): number {
  return 1 - Number(sla.percentile.slice(1)) / 100;
}

/**
 * The design effect from the runs' spread, pooled with the prior (a weighted mean of two variance
 * ratios, the prior counting as PRIOR_DESIGN_EFFECT_DF degrees of freedom). Never below 1: fewer
 * exceedances than chance allows is luck, not evidence.
 */
export function designEffect(runs: readonly Pick<RunCounts, 'requests' | 'exceedances'>[]): number {
  const used = runs.filter((r) => r.requests > 0);
  const m = used.length;
  if (m < 2) return PRIOR_DESIGN_EFFECT;
  const n = used.reduce((s, r) => s + r.requests, 0);
  const k = used.reduce((s, r) => s + r.exceedances, 0);
  const share = k / n;
  // The ratio estimator's variance from its clusters (runs), m/(m-1) for the mean removed.
  const between = (m / (m - 1)) * used.reduce((s, r) => s + (r.exceedances - share * r.requests) ** 2, 0) / (n * n);
  // A binomial's, with a half-count nudge so a rate with no exceedance still has a scale.
  const nudged = (k + 0.5) / (n + 1);
  const binomial = (nudged * (1 - nudged)) / n;
  const observed = between / binomial;
  const pooled = (PRIOR_DESIGN_EFFECT_DF * PRIOR_DESIGN_EFFECT + (m - 1) * observed) / (PRIOR_DESIGN_EFFECT_DF + m - 1);
  return Math.max(1, pooled);
}

export function judgeRate(runs: readonly RunCounts[], sla: Sla): RateJudgement {
  const allowed = allowedFraction(sla);
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  const exceedances = runs.reduce((s, r) => s + r.exceedances, 0);
  const phi = designEffect(runs);
  const effectiveN = requests / phi;
  const effectiveK = exceedances / phi;
  const share = requests > 0 ? exceedances / requests : 0;
  const { lower, upper } = clopperPearson(effectiveK, effectiveN, TAIL_PROB);
  const failed = runs.reduce((s, r) => s + (r.failed ?? 0), 0);
  // A rate at which requests fail is not serving them: it misses, however fast the rest were.
  const failing = failed > requests * MAX_FAILED_FRACTION;
  const decision = requests === 0 ? 'undecided' : failing || lower > allowed ? 'misses' : upper <= allowed ? 'meets' : 'undecided';
  return {
    decision,
    runs: runs.length,
    requests,
    exceedances,
    allowedFraction: allowed,
    exceedanceFraction: share,
    fractionLower: lower,
    fractionUpper: upper,
    designEffect: phi,
    latencyMs: latencyInterval(runs, 1 - allowed, effectiveN, requests),
  };
}

/** The SLA percentile of the runs' merged histogram, with its interval. */
function latencyInterval(runs: readonly RunCounts[], level: number, effectiveN: number, requests: number): RateJudgement['latencyMs'] {
  const histograms = runs.map((r) => r.histogram).filter((h): h is LatencyHistogram => h !== undefined);
  if (histograms.length === 0 || requests === 0) return { estimate: 0, lower: 0, upper: null };
  return percentileInterval(mergeHistograms(histograms), level, requests, effectiveN);
}

/** Counts of one run from its histogram and request counts: exceedances = completed over the bound + failed + dropped. */
export function runCounts(histogram: LatencyHistogram | undefined, requests: { completed: number; failed: number; dropped: number }, sla: Sla): RunCounts {
  const total = requests.completed + requests.failed + requests.dropped;
  const over = histogram ? countAboveMs(histogram, sla.maxLatencyMs) : 0;
  return { requests: total, exceedances: over + requests.failed + requests.dropped, failed: requests.failed + requests.dropped, ...(histogram ? { histogram } : {}) };
}
