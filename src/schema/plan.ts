import { z } from 'zod';
import { CapacityInterval } from './capacityEstimate.js';
import { CostExtra } from './profileResult.js';
import { Percentile, Sla } from './sla.js';
import { TrafficSummary } from './traffic.js';
import { CandidatePurchase, PlanPurchaseInputs } from './planPurchase.js';

/**
 * Plan: what `capacity-plan plan` decides and why. Self-describing (inputs, the prices used and
 * their dates, warnings) so a plan read months later still says what it assumed. Money is in USD,
 * rounded to cents here (the planner computes unrounded and rounds only when it writes this).
 */
export const PLAN_SCHEMA_VERSION = 3;
/** 1 and 2 read as a 3 (see upgradePlanDocument); 3 added the capacity interval and the end planned on, and the purchase figures. */
export const PLAN_READABLE_VERSIONS: readonly number[] = [1, 2, 3];
export const WEEK_HOURS = 168;

/** A month is 730 hours (8760 / 12), as AWS's own calculator counts it. */
export const MONTH_HOURS = 730;

export const PriceOriginDoc = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), sourceId: z.string(), date: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('cache'), fetchedAt: z.string() }).strict(),
]);

/** Where the fleet runs: EC2 instances, or SageMaker real-time endpoints on the same hardware (`ml.` types). */
export const PlanPlatform = z.enum(['ec2', 'sagemaker']);

/** `plan --capacity`: which end of a sweep's capacity interval a plan is built on. */
export const CapacityEnd = z.enum(['lower', 'estimate']);
export type CapacityEnd = z.infer<typeof CapacityEnd>;

/**
 * The rate a candidate's capacity was taken at: an end of the sweep's interval, or (when its lower
 * end reaches 0, below every rate measured) the highest rate that met the SLA on its own evidence.
 */
export const PlannedOn = z.enum(['lower', 'estimate', 'certified']);
export type PlannedOn = z.infer<typeof PlannedOn>;
export type PlanPlatform = z.infer<typeof PlanPlatform>;

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
    /** The model the figures are for (built-in name, or the .onnx file's name). */
    model: z.string().optional(),
    /** The type priced: `g4dn.xlarge` on EC2, `ml.g4dn.xlarge` on SageMaker. */
    instanceType: z.string(),
    /** Absent in plans made before platforms: EC2. */
    platform: PlanPlatform.optional(),
    /** The instance type the figures were measured on, when it is not `instanceType` (the same hardware on the other platform). */
    measuredOn: z.string().optional(),
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
        /**
         * Version 3, from a sweep that estimated its capacity: the interval (req/s, upper null when
         * unbounded above) and the rate throughputRps was taken at. Absent for profiles and older sweeps,
         * whose capacity is the highest point meeting the SLA.
         */
        interval: CapacityInterval.optional(),
        plannedOn: PlannedOn.optional(),
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
    /**
     * The first week hour by hour (Monday 00:00 UTC first): the demand and the instances this
     * candidate runs in each hour. null in plans upgraded from version 1, which kept only a summary.
     */
    hourly: z
      .object({
        demandRps: z.array(z.number().nonnegative()).length(WEEK_HOURS),
        instances: z.array(z.number().int().nonnegative()).length(WEEK_HOURS),
      })
      .strict()
      .nullable(),
    /** Profiled cold start (model load), which scheduled scale-ups must start ahead of; null if not profiled. */
    coldStartMs: z.number().nonnegative().nullable(),
    /** 1 = cheapest that meets the SLA; candidates that miss it come after, closest first. */
    rank: z.number().int().positive(),
    /** How the fleet could be bought (version 3): On-Demand, each commitment option, Spot; absent in older plans. */
    purchase: CandidatePurchase.optional(),
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
        /** `plan --platform`; absent in plans made before platforms: EC2. */
        platform: z.enum(['ec2', 'sagemaker', 'both']).optional(),
        /** `plan --capacity` (version 3); absent in older plans, which had no intervals to choose from. */
        capacity: CapacityEnd.optional(),
        monthHours: z.literal(MONTH_HOURS),
        traffic: TrafficSummary,
        /** `plan --purchase` and `--spot` (version 3); absent in older plans: On-Demand. */
        purchase: PlanPurchaseInputs.optional(),
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
    /** Candidates whose figures cannot stand for the instance type they are priced as (also in warnings); `plan --strict` exits 3 on any. */
    mismatches: z.array(z.string()).optional(),
    candidates: z.array(PlanCandidate).min(1),
    /** The cheapest candidate that meets the SLA; null when none does. */
    recommended: z.string().nullable(),
    /** When none meets the SLA: the candidate that misses it least. */
    closest: z.object({ id: z.string(), byMs: z.number(), byPct: z.number() }).strict().nullable(),
    /** With --compare: the first document is the baseline, each other compared with it. */
    comparison: z.array(ComparisonEntry).optional(),
    /** With --platform both: each profile or configuration on SageMaker against EC2 (same capacity, same instance count). */
    platformComparison: z
      .array(
        z
          .object({
            ec2: z.string(),
            sagemaker: z.string(),
            ec2UsdPerMonth: z.number().nonnegative(),
            sagemakerUsdPerMonth: z.number().nonnegative(),
            /** SageMaker minus EC2: positive when SageMaker costs more. */
            differenceUsdPerMonth: z.number(),
            sentence: z.string(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
export type Plan = z.infer<typeof Plan>;

/**
 * Older plans read as version 3: version 1 had no hourly figures (each candidate's `hourly`
 * becomes null); version 2 lacks only fields that version 3 made optional (intervals, purchase).
 */
export function upgradePlanDocument(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (version === 2) return { ...raw, schemaVersion: PLAN_SCHEMA_VERSION };
  if (version !== 1) return raw;
  const v1 = raw as { candidates?: unknown };
  const candidates = Array.isArray(v1.candidates) ? v1.candidates.map((c: unknown) => (c && typeof c === 'object' ? { ...c, hourly: null } : c)) : v1.candidates;
  return { ...v1, schemaVersion: PLAN_SCHEMA_VERSION, candidates };
}

export const PlanDocument = z.preprocess(upgradePlanDocument, Plan);
