import { CONFIDENCE_PCT, type RateJudgement } from '../../schema/capacityEstimate.js';
import { betaQuantile } from '../../util/stats/beta.js';
import { percentileMs, type LatencyHistogram } from './histogram.js';

/**
 * How uncertain a percentile of a run is (pure). Requests within a run are not independent (a
 * slow spell or a queue delays many in a row), so n requests carry less information than n
 * independent draws: the design effect φ says by how much, and intervals use n/φ.
 */

/** φ for a single run, with nothing to estimate it from: measured on this project's 2-core host (docs/sweep.md). */
export const PRIOR_DESIGN_EFFECT = 4;
/** One-sided tail of each end of an interval: CONFIDENCE_PCT two-sided. */
export const TAIL_PROB = (1 - CONFIDENCE_PCT / 100) / 2;

/**
 * A percentile of a histogram with its interval, by order statistics: the true p-quantile lies
 * between the sample quantiles at the levels a Beta(p·n, (1−p)·n) puts around p, with n the
 * effective count (requests over the design effect). `requests` counts failed and dropped ones
 * too: they rank above every latency, so a level past the completed requests has no finite
 * latency. The upper end is null when the interval reaches there, or past the slowest request.
 */
export function percentileInterval(histogram: LatencyHistogram, level: number, requests: number, effectiveN = requests / PRIOR_DESIGN_EFFECT): RateJudgement['latencyMs'] {
  const completed = histogram.hdr.totalCount;
  if (completed === 0 || requests === 0) return { estimate: 0, lower: 0, upper: null };
  const at = (p: number): number | null => {
    const rank = p * requests;
    if (rank > completed) return null;
    return percentileMs(histogram, Math.min(100, (rank / completed) * 100));
  };
  const n = Math.max(effectiveN, 1e-9);
  const lowerLevel = betaQuantile(TAIL_PROB, Math.max(level * n, 1e-9), (1 - level) * n + 1);
  const upperLevel = betaQuantile(1 - TAIL_PROB, level * n + 1, Math.max((1 - level) * n, 1e-9));
  const slowest = percentileMs(histogram, 100);
  // Past the last rank the requests observed, the data say nothing of how slow the tail may be.
  const beyondData = (1 - upperLevel) * requests < 1;
  return { estimate: at(level) ?? slowest, lower: at(lowerLevel) ?? slowest, upper: beyondData ? null : at(upperLevel) };
}

