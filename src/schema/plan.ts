import { z } from 'zod';
import { CostExtra } from './profileResult.js';
import { Percentile, Sla } from './sla.js';
import { TrafficSummary } from './traffic.js';

/**
 * Plan: what `capacity-plan plan` decides and why. Self-describing (inputs, the prices used and
 * their dates, warnings) so a plan read months later still says what it assumed. Money is in USD,
 * rounded to cents here (the planner computes unrounded and rounds only when it writes this).
 */
export const PLAN_SCHEMA_VERSION = 1;

/** A month is 730 hours (8760 / 12), as AWS's own calculator counts it. */
export const MONTH_HOURS = 730;

export const PriceOriginDoc = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), sourceId: z.string(), date: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('cache'), fetchedAt: z.string() }).strict(),
]);

export const PlanCandidate = z
  .object({
    /** Unique within the plan: the document name, plus `/<configuration>` for sweep configurations. */
    id: z.string(),
    /** The profile or sweep document's name. */
    profile: z.string(),
    /** The file it was read from, as given on the command line. */
    document: z.string(),
    /** The sweep configuration's label; null for a profile. */
    configuration: z.string().nullable(),
    instanceType: z.string(),
    region: z.string(),
    /** The figures come from a publication, not from a capacity-plan measurement. */
    imported: z.boolean(),
    capacity: z
      .object({
        from: z.enum(['sweep-curve', 'single-point']),
        percentile: Percentile,
        /** The chosen point's latency at the SLA percentile. */
        latencyMs: z.number().nonnegative(),
        /** Highest measured throughput meeting the SLA; when none does, the closest point's throughput. */
        throughputRps: z.number().positive(),
        utilization: z.number().positive().max(1),
        /** throughputRps x utilization: what one instance is planned to carry. */
        perInstanceRps: z.number().positive(),
        /** How the measured load was offered (absent for imported figures): a closed loop overstates open traffic. */
        load: z.enum(['open-loop', 'closed-loop']).optional(),
      })
      .strict(),
    meetsSla: z.boolean(),
    /** How far the closest point misses the SLA; null when it meets it. */
    slaMiss: z.object({ byMs: z.number().positive(), byPct: z.number().positive() }).strict().nullable(),
    peakDemandRps: z.number().nonnegative(),
    /** Static fleet: ceil(peak demand / capacity per instance), at least minInstances. */
    peakInstances: z.number().int().nonnegative(),
    /** Scheduled scaling: instances each hour, summarised. */
    scheduledInstances: z
      .object({ min: z.number().int().nonnegative(), mean: z.number().nonnegative(), max: z.number().int().nonnegative() })
      .strict(),
    usdPerHour: z.number().positive(),
    price: PriceOriginDoc,
    extras: z.array(CostExtra),
    extrasUsdPerMonth: z.number().nonnegative(),
    /** Static fleet instances only. */
    usdPerMonthInstances: z.number().nonnegative(),
    /** Static fleet, extras included: the ranking figure. */
    usdPerMonth: z.number().nonnegative(),
    /** Scheduled scaling hour by hour, extras included. */
    usdPerMonthScheduled: z.number().nonnegative(),
    /** null when the traffic has no requests. */
    usdPerMillionRequests: z.number().nonnegative().nullable(),
    usdPerMillionRequestsScheduled: z.number().nonnegative().nullable(),
    /** Profiled cold start (model load), which scheduled scale-ups must start ahead of; null if not profiled. */
    coldStartMs: z.number().nonnegative().nullable(),
    /** 1 = cheapest that meets the SLA; candidates that miss it come after, closest first. */
    rank: z.number().int().positive(),
  })
  .strict();
export type PlanCandidate = z.infer<typeof PlanCandidate>;

export const ComparisonEntry = z
  .object({
    from: z.string(),
    to: z.string(),
    fromUsdPerMonth: z.number().nonnegative(),
    toUsdPerMonth: z.number().nonnegative(),
    /** Negative when switching costs more. */
    savesUsdPerMonth: z.number(),
    /** Of the baseline's monthly cost; null when the baseline costs nothing. */
    savesPct: z.number().nullable(),
    toMeetsSla: z.boolean(),
    /**
     * Welch's verdict on the two capacities (per-window throughputs), when both were measured:
     * a saving from capacities within noise is not a measured saving.
     */
    capacityVerdict: z.string().optional(),
    sentence: z.string(),
  })
  .strict();
export type ComparisonEntry = z.infer<typeof ComparisonEntry>;

export const Plan = z
  .object({
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    kind: z.literal('plan'),
    createdAt: z.string(),
    inputs: z
      .object({
        documents: z.array(z.string()),
        sla: Sla,
        utilization: z.number().positive().max(1),
        minInstances: z.number().int().nonnegative(),
        region: z.string(),
        monthHours: z.literal(MONTH_HOURS),
        traffic: TrafficSummary,
      })
      .strict(),
    prices: z
      .object({
        /** Every distinct origin of the prices this plan used. */
        used: z.array(PriceOriginDoc),
        /** The embedded snapshot's assembly date (its per-source dates are in `used`). */
        snapshotAssembled: z.string(),
        statement: z.string(),
      })
      .strict(),
    warnings: z.array(z.string()),
    candidates: z.array(PlanCandidate).min(1),
    /** The cheapest candidate that meets the SLA; null when none does. */
    recommended: z.string().nullable(),
    /** When none meets the SLA: the candidate that misses it least. */
    closest: z.object({ id: z.string(), byMs: z.number(), byPct: z.number() }).strict().nullable(),
    /** With --compare: the first document is the baseline, each other compared with it. */
    comparison: z.array(ComparisonEntry).optional(),
  })
  .strict();
export type Plan = z.infer<typeof Plan>;
