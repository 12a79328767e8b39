import { z } from 'zod';

/**
 * What a sweep knows about one offered rate and about a configuration's capacity, with the
 * uncertainty of each (docs/sweep.md "How capacity is estimated"). Runs at a rate are independent
 * replications; within a run, requests are not (a queue carries over), so counts are deflated by a
 * design effect before an interval is taken.
 */

/** The confidence of every interval a sweep reports: two-sided, so each end is a one-sided 95% bound. */
export const CONFIDENCE_PCT = 90;

export const RateDecision = z.enum(['meets', 'misses', 'undecided']);
export type RateDecision = z.infer<typeof RateDecision>;

/** The evidence at one offered rate: every kept run pooled. */
export const RateJudgement = z
  .object({
    decision: RateDecision,
    /** Runs pooled (runs excluded for interference are not counted). */
    runs: z.number().int().nonnegative(),
    /** Requests offered over those runs: completed + failed + dropped. */
    requests: z.number().int().nonnegative(),
    /** Requests over the SLA's latency bound, failed or dropped: each one breaks the SLA for its user. */
    exceedances: z.number().int().nonnegative(),
    /** The share the SLA allows over its bound: 0.05 for a p95. */
    allowedFraction: z.number().min(0).max(1),
    exceedanceFraction: z.number().min(0).max(1),
    fractionLower: z.number().min(0).max(1),
    fractionUpper: z.number().min(0).max(1),
    /** Variance of the pooled fraction over a binomial one's (1 = independent requests). */
    designEffect: z.number().min(1),
    /** The SLA percentile of the merged histogram of the kept runs, and its interval; upper null when the requests cannot bound it. */
    latencyMs: z.object({ estimate: z.number().nonnegative(), lower: z.number().nonnegative(), upper: z.number().nonnegative().nullable() }).strict(),
  })
  .strict();
export type RateJudgement = z.infer<typeof RateJudgement>;

/** A configuration's capacity at the SLA: the rate where the fitted exceedance curve crosses the allowed share. */
export const CapacityEstimate = z
  .object({
    /** Point estimate; null when even the lowest rate measured misses the SLA. */
    estimateRps: z.number().nonnegative().nullable(),
    /** The interval's lower end; 0 when the capacity may lie below the lowest rate measured. */
    lowerRps: z.number().nonnegative(),
    /** The interval's upper end; null when the capacity may lie above the highest rate measured. */
    upperRps: z.number().nonnegative().nullable(),
    confidencePct: z.number().positive().max(100),
    /** The highest rate decided to meet the SLA on its own evidence; null when none was. */
    certifiedRps: z.number().nonnegative().nullable(),
    method: z.literal('isotonic-exceedance'),
  })
  .strict();
export type CapacityEstimate = z.infer<typeof CapacityEstimate>;

/** The interval as a plan or a findings document quotes it. */
export const CapacityInterval = CapacityEstimate.pick({ estimateRps: true, lowerRps: true, upperRps: true, confidencePct: true });
export type CapacityInterval = z.infer<typeof CapacityInterval>;

/** How a configuration's search spent its measurement budget. */
export const SearchSpend = z
  .object({
    runs: z.number().int().nonnegative(),
    rates: z.number().int().nonnegative(),
    spentS: z.number().nonnegative(),
    stoppedBecause: z.string(),
  })
  .strict();
export type SearchSpend = z.infer<typeof SearchSpend>;

/** Other processes' CPU during a sweep (docs/sweep.md "Interference"). */
export const InterferenceSummary = z
  .object({
    /** A run is flagged when other processes used at least this share of the host's CPU. */
    thresholdPct: z.number().nonnegative(),
    runsMeasured: z.number().int().nonnegative(),
    runsFlagged: z.number().int().nonnegative(),
    /** Flagged runs kept because their re-measurement was flagged too. */
    runsKeptFlagged: z.number().int().nonnegative(),
    ratesAffected: z.number().int().nonnegative(),
    ratesMeasured: z.number().int().nonnegative(),
    /** Mean share of the host's CPU other processes used over the kept flagged runs. */
    meanOtherCpuPct: z.number().nonnegative().nullable(),
  })
  .strict();
export type InterferenceSummary = z.infer<typeof InterferenceSummary>;
