import { z } from 'zod';
import { RateDecision, RateJudgement } from './capacityEstimate.js';
import { Environment } from './profileResult.js';
import { Sla } from './sla.js';

/**
 * Verification: did a plan's candidate hold its SLA under seeded Poisson traffic at the rate the
 * plan gives one instance? One document per `capacity-plan verify` run, every trial kept.
 */
export const VERIFICATION_SCHEMA_VERSION = 2;
/** Version 1 (judged by "held in every trial", no pooled evidence) still reads; its new fields are absent. */
export const VERIFICATION_READABLE_VERSIONS: readonly number[] = [1, 2];

/** Whether the trials agree with the capacity interval the plan was built on (version 2). */
export const VerificationAgreement = z
  .object({
    /** no-interval: the plan's capacity had none (a profile, or a sweep from before intervals). */
    kind: z.enum(['agrees', 'disagrees', 'undecided', 'no-interval']),
    sentence: z.string(),
  })
  .strict();
export type VerificationAgreement = z.infer<typeof VerificationAgreement>;

export const VerificationTrial = z
  .object({
    /** The Poisson seed of this trial's arrivals. */
    seed: z.number().int().nonnegative(),
    offeredRps: z.number().positive(),
    /** Completed requests per second over the measured time. */
    achievedRps: z.number().nonnegative(),
    measuredS: z.number().nonnegative(),
    p50Ms: z.number().nonnegative(),
    p95Ms: z.number().nonnegative(),
    p99Ms: z.number().nonnegative(),
    /** The latency at the SLA's percentile. */
    latencyAtSlaMs: z.number().nonnegative(),
    completed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    held: z.boolean(),
    /** Why it did not hold; absent when it held. */
    reason: z.string().optional(),
    /** Version 2: requests offered (completed + failed + dropped) and those over the SLA bound, failed or dropped. */
    requests: z.number().int().nonnegative().optional(),
    exceedances: z.number().int().nonnegative().optional(),
  })
  .strict();
export type VerificationTrial = z.infer<typeof VerificationTrial>;

export const Verification = z
  .object({
    schemaVersion: z.union([z.literal(1), z.literal(VERIFICATION_SCHEMA_VERSION)]),
    kind: z.literal('verification'),
    createdAt: z.string(),
    /** The plan file, as given on the command line. */
    plan: z.string(),
    candidate: z.string(),
    sla: Sla,
    /** perInstanceRps: the plan's rate for one instance; capacity (--at-capacity): unscaled. */
    rateFrom: z.enum(['perInstanceRps', 'capacity']),
    rateRps: z.number().positive(),
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('in-process') }).strict(),
      z.object({ kind: z.literal('remote'), url: z.string() }).strict(),
    ]),
    trialDurationS: z.number().positive(),
    trials: z.array(VerificationTrial).min(1),
    /** Trials in which the SLA held on their own: detail beside the decision. */
    held: z.number().int().nonnegative(),
    /** Version 2: true when the pooled trials meet the SLA (decision meets); version 1: when it held in every trial. */
    holds: z.boolean(),
    /**
     * Version 2: the trials pooled as runs at one rate and judged by the sweep's own statistic
     * (src/sweep/rateEvidence.ts): meets when the exceedance share's 90% interval is within what
     * the SLA allows, misses when it is wholly above, undecided otherwise.
     */
    decision: RateDecision.optional(),
    judgement: RateJudgement.optional(),
    /** Version 2: the candidate's capacity interval, when the plan had one, and whether the trials agree with it. */
    capacityInterval: z
      .object({
        estimateRps: z.number().nonnegative().nullable(),
        lowerRps: z.number().nonnegative(),
        upperRps: z.number().nonnegative().nullable(),
        confidencePct: z.number().positive().max(100),
        plannedOn: z.enum(['lower', 'estimate', 'certified']).optional(),
      })
      .strict()
      .optional(),
    agreement: VerificationAgreement.optional(),
    /** Version 2: what to do next when the decision is not meets. */
    advice: z.string().optional(),
    verdict: z.string(),
    environment: Environment.optional(),
  })
  .strict();
export type Verification = z.infer<typeof Verification>;
