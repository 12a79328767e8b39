import { z } from 'zod';
import { CapacityInterval } from './capacityEstimate.js';
import { FleetSource } from './fleet.js';
import { PriceOriginDoc } from './plan.js';
import { Percentile, Sla } from './sla.js';
import { AfterDiscounts } from './fleetPurchase.js';

/**
 * Findings: what `capacity-plan rightsize` concluded about a live fleet, in Compute Optimizer's
 * vocabulary (finding, reason codes, estimatedMonthlySavings, a 0-4 risk) but measured in requests
 * per second at the SLA. Self-describing: the fleet, the capacity document, the window and the
 * price it used, so a findings file read later still says what it assumed.
 */
export const FINDINGS_SCHEMA_VERSION = 1;

export const FINDING_KINDS = [
  'OVER_PROVISIONED',
  'UNDER_PROVISIONED',
  'SLA_AT_RISK',
  'IO_BOUND',
  'GPU_SATURATED',
  'GPU_MEMORY_HEADROOM',
  'PROFILE_DRIFT',
  'IDLE',
  'INSUFFICIENT_DATA',
  'COMMITMENT_COVERS',
] as const;
export const FindingKind = z.enum(FINDING_KINDS);
export type FindingKind = z.infer<typeof FindingKind>;

export const PeakStat = z.enum(['max', 'p99']);
export type PeakStat = z.infer<typeof PeakStat>;

export const Finding = z
  .object({
    finding: FindingKind,
    reasonCodes: z.array(z.string()).min(1),
    /** One sentence a person can act on. */
    summary: z.string(),
    /** What to do about it. */
    recommendation: z.string(),
    evidence: z
      .object({
        /** Start (UTC ISO) of the clock hours that triggered it; at most 24 listed, `hourCount` counts all. */
        hours: z.array(z.string()),
        hourCount: z.number().int().nonnegative(),
        figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
      })
      .strict(),
    estimatedMonthlySavings: z.object({ currency: z.literal('USD'), value: z.number() }).strict(),
    /** 0 (none) to 4 (high): the risk of missing the SLA if nothing changes, or after the recommended change for savings. */
    risk: z.number().int().min(0).max(4),
  })
  .strict();
export type Finding = z.infer<typeof Finding>;

export const HourFigures = z
  .object({
    /** Start of the clock hour, UTC ISO. */
    start: z.string(),
    /** Minutes of the hour inside the window. */
    minutes: z.number().int().positive(),
    peakRps: z.number().nonnegative(),
    meanRps: z.number().nonnegative(),
    /** Mean instances in service; null when no instance metric covers the hour. */
    runningInstances: z.number().nonnegative().nullable(),
    neededInstances: z.number().int().nonnegative(),
    /** Worst per-minute latency at the SLA percentile; null without datapoints. */
    latencyMs: z.number().nonnegative().nullable(),
    /** Minutes whose latency percentile exceeded the SLA. */
    minutesOverSla: z.number().int().nonnegative(),
    /** Mean GPU utilisation per GPU, percent; null without GPU metrics. */
    gpuUtilPct: z.number().nonnegative().nullable(),
  })
  .strict();
export type HourFigures = z.infer<typeof HourFigures>;

export const Findings = z
  .object({
    schemaVersion: z.literal(FINDINGS_SCHEMA_VERSION),
    kind: z.literal('findings'),
    createdAt: z.string(),
    fleet: z
      .object({
        name: z.string(),
        region: z.string(),
        instanceType: z.string(),
        sla: Sla,
        utilization: z.number().positive().max(1),
        minInstances: z.number().int().nonnegative(),
        source: FleetSource,
      })
      .strict(),
    capacity: z
      .object({
        /** The capacity document as the fleet file names it. */
        document: z.string(),
        /** The profile, sweep configuration or plan candidate used. */
        id: z.string(),
        from: z.enum(['profile-result', 'sweep-result', 'plan']),
        percentile: Percentile,
        /** Highest profiled throughput meeting the SLA (or the closest point when none does). */
        throughputRps: z.number().positive(),
        latencyMs: z.number().nonnegative(),
        meetsSla: z.boolean(),
        /** throughputRps x utilization: what one instance is planned to carry. */
        perInstanceRps: z.number().positive(),
        /** GPU utilisation the profile reached at that throughput; null when not recorded. */
        gpuUtilPct: z.number().nonnegative().nullable(),
        /** The profile's slowest stages (share of request time), for I/O-bound findings. */
        topStages: z.array(z.object({ name: z.string(), sharePct: z.number().nonnegative() }).strict()),
        /**
         * The capacity's interval when its document has one (a sweep from version 3, or a plan made
         * from one): throughputRps is then its lower end, and over/under-provisioning is named only
         * when demand per instance lies outside the interval. Absent in findings before intervals.
         */
        interval: CapacityInterval.optional(),
      })
      .strict(),
    window: z
      .object({
        start: z.string(),
        end: z.string(),
        minutes: z.number().int().positive(),
        hours: z.number().int().nonnegative(),
        peakStat: PeakStat,
        /** Where the metrics came from: CloudWatch (region) or a recording file. */
        source: z.string(),
        /** The metric instances in service were read from. */
        instancesFrom: z.string(),
      })
      .strict(),
    price: z.object({ usdPerHour: z.number().positive(), origin: PriceOriginDoc }).strict(),
    summary: z
      .object({
        /** Most instances in service in any hour (rounded). */
        runningInstances: z.number().int().nonnegative().nullable(),
        peakDemandRps: z.number().nonnegative(),
        peakHour: z.string().nullable(),
        /** Instances the peak hour needs (the static fleet). */
        neededInstances: z.number().int().nonnegative(),
        /** Dropping to neededInstances in every hour. */
        staticSavingsUsdPerMonth: z.number(),
        /** Following the hour-of-week schedule below. */
        scheduledSavingsUsdPerMonth: z.number(),
        verdict: z.string(),
      })
      .strict(),
    findings: z.array(Finding),
    /** Things the reader should know: fallbacks taken, imported figures, a capacity measured elsewhere. */
    warnings: z.array(z.string()),
    hours: z.array(HourFigures),
    /**
     * Hour of the week (168, Monday 00:00 UTC first, as traffic models count): the highest peak
     * observed in that hour and the instances it needs; null where the window holds no such hour.
     */
    weekly: z
      .object({
        peakRps: z.array(z.number().nonnegative().nullable()).length(168),
        recommendedInstances: z.array(z.number().int().nonnegative().nullable()).length(168),
      })
      .strict(),
    /** When the fleet file says how the fleet is paid for: the savings after discounts. */
    afterDiscounts: AfterDiscounts.optional(),
  })
  .strict();
export type Findings = z.infer<typeof Findings>;
