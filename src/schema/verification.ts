import { z } from 'zod';
import { Environment } from './profileResult.js';
import { Sla } from './sla.js';

/**
 * Verification: did a plan's candidate hold its SLA under seeded Poisson traffic at the rate the
 * plan gives one instance? One document per `capacity-plan verify` run, every trial kept.
 */
export const VERIFICATION_SCHEMA_VERSION = 1;

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
  })
  .strict();
export type VerificationTrial = z.infer<typeof VerificationTrial>;

export const Verification = z
  .object({
    schemaVersion: z.literal(VERIFICATION_SCHEMA_VERSION),
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
    held: z.number().int().nonnegative(),
    /** True only when the SLA held in every trial. */
    holds: z.boolean(),
    verdict: z.string(),
    environment: Environment.optional(),
  })
  .strict();
export type Verification = z.infer<typeof Verification>;
