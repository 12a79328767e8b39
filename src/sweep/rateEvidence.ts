import { countAboveMs, mergeHistograms, percentileMs, type LatencyHistogram } from '../profile/core/histogram.js';
import { CONFIDENCE_PCT, type RateJudgement } from '../schema/capacityEstimate.js';
import type { Sla } from '../schema/sla.js';
import { clopperPearson, betaQuantile } from '../util/stats/beta.js';

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
  /** Its completed requests' latencies; absent in documents that did not keep them. */
  histogram?: LatencyHistogram;
}

/** φ when a rate has a single run: measured on this project's 2-core host (docs/sweep.md). */
export const PRIOR_DESIGN_EFFECT = 4;
/** How many runs' worth of spread the prior is worth when the runs' own spread is averaged in. */
export const PRIOR_DESIGN_EFFECT_DF = 2;
/** One-sided tail of each end of the interval: CONFIDENCE_PCT two-sided. */
export const TAIL_PROB = (1 - CONFIDENCE_PCT / 100) / 2;

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
  const decision = requests === 0 ? 'undecided' : upper <= allowed ? 'meets' : lower > allowed ? 'misses' : 'undecided';
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

/**
 * The percentile of the merged histogram and its interval (order statistics: the true p-quantile
 * lies between the sample quantiles at the levels a Beta(p·n, (1−p)·n) puts around p, with n the
 * effective count). Failed and dropped requests rank above every latency, so a level past the
 * completed requests has no finite latency: upper is null when the interval reaches there, or
 * past the slowest request the runs saw.
 */
function latencyInterval(runs: readonly RunCounts[], level: number, effectiveN: number, requests: number): RateJudgement['latencyMs'] {
  const histograms = runs.map((r) => r.histogram).filter((h): h is LatencyHistogram => h !== undefined);
  if (histograms.length === 0 || requests === 0) return { estimate: 0, lower: 0, upper: null };
  const merged = mergeHistograms(histograms);
  const completed = merged.hdr.totalCount;
  const at = (p: number): number | null => {
    const rank = p * requests;
    if (completed === 0 || rank > completed) return null;
    return percentileMs(merged, Math.min(100, (rank / completed) * 100));
  };
  const n = Math.max(effectiveN, 1e-9);
  const lowerLevel = betaQuantile(TAIL_PROB, Math.max(level * n, 1e-9), (1 - level) * n + 1);
  const upperLevel = betaQuantile(1 - TAIL_PROB, level * n + 1, Math.max((1 - level) * n, 1e-9));
  // Past the last rank the runs observed, the data say nothing of how slow the tail may be.
  const beyondData = (1 - upperLevel) * requests < 1;
  return {
    estimate: at(level) ?? percentileMs(merged, 100),
    lower: at(lowerLevel) ?? percentileMs(merged, 100),
    upper: beyondData ? null : at(upperLevel),
  };
}

/** Counts of one run from its histogram and request counts: exceedances = completed over the bound + failed + dropped. */
export function runCounts(histogram: LatencyHistogram | undefined, requests: { completed: number; failed: number; dropped: number }, sla: Sla): RunCounts {
  const total = requests.completed + requests.failed + requests.dropped;
  const over = histogram ? countAboveMs(histogram, sla.maxLatencyMs) : 0;
  return { requests: total, exceedances: over + requests.failed + requests.dropped, ...(histogram ? { histogram } : {}) };
}
