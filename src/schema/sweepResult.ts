import { z } from 'zod';
import { CostExtra, Environment } from './profileResult.js';
import { ProfileSpec } from './profileSpec.js';
import { Sla } from './sla.js';
import { CapacityEstimate, InterferenceSummary, RateJudgement, SearchSpend } from './capacityEstimate.js';

/**
 * SweepResult: capacity curves, one per serving configuration (offered load -> throughput and
 * latency), and the maximum sustainable throughput at the SLA. The planner prefers these to a
 * single-point profile.
 */
export const SWEEP_SCHEMA_VERSION = 3;
/**
 * Versions this build reads: 1 (no repeats, no probe) and 2 (pass/fail points, no intervals) parse
 * as a 3 without those fields; their capacity is the old rule's (highest point meeting the SLA).
 */
export const SWEEP_SCHEMA_VERSIONS_READ = [1, 2, 3] as const;

/** One repeat of a point: the same offered load with another arrival seed. */
export const RepeatFigures = z
  .object({
    /** The Poisson seed of this repeat (absent for a closed loop, which has none). */
    seed: z.number().int().nonnegative().optional(),
    throughputRps: z.number().nonnegative(),
    p50Ms: z.number().nonnegative(),
    p95Ms: z.number().nonnegative(),
    p99Ms: z.number().nonnegative(),
    failed: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    stable: z.boolean(),
    meetsSla: z.boolean(),
    windowThroughputsRps: z.array(z.number().nonnegative()).optional(),
    /** Version 3: requests offered (completed + failed + dropped) and those over the SLA bound, failed or dropped. */
    requests: z.number().int().nonnegative().optional(),
    exceedances: z.number().int().nonnegative().optional(),
    /** Version 3: the run's end-to-end histogram (encodeHistogram), merged with the rate's other runs. */
    latencyHistogram: z.string().optional(),
    /** Version 3: mean share of the host's CPU used by other processes during the run, and CPU steal where reported. */
    otherCpuPct: z.number().nonnegative().optional(),
    stealPct: z.number().nonnegative().optional(),
    /** Version 3: other processes used more CPU than the sweep's interference threshold. */
    interference: z.boolean().optional(),
    /** Version 3: left out of the evidence (a flagged run whose re-measurement was clean). */
    excluded: z.enum(['interference']).optional(),
    /** Version 3: wall time the run took, model load included: what the budget counts. */
    wallS: z.number().nonnegative().optional(),
  })
  .strict();
export type RepeatFigures = z.infer<typeof RepeatFigures>;

export const CurvePoint = z
  .object({
    offered: z.object({ kind: z.enum(['concurrency', 'rps']), value: z.number().positive() }).strict(),
    throughputRps: z.number().nonnegative(),
    p50Ms: z.number().nonnegative(),
    p95Ms: z.number().nonnegative(),
    p99Ms: z.number().nonnegative(),
    gpuUtilPct: z.number().nonnegative().optional(),
    cpuUtilPct: z.number().nonnegative().optional(),
    failed: z.number().int().nonnegative().default(0),
    dropped: z.number().int().nonnegative().default(0),
    stable: z.boolean(),
    meetsSla: z.boolean(),
    /** Throughput of each measurement window the point's figures came from: what verdicts compare. */
    windowThroughputsRps: z.array(z.number().nonnegative()).optional(),
    /**
     * Each repeat's own figures (version 2). The point's figures above are then the repeats'
     * together: mean throughput, the highest percentiles, failures and drops summed, stable only
     * when every repeat was, and meetsSla only when the SLA held in every one of the repeats asked
     * for (a repeat that misses ends the point: the rest are not measured).
     */
    repeats: z.array(RepeatFigures).optional(),
    /** How many repeats were asked for (version 2); repeats.length may be fewer after a miss. */
    repeatsAsked: z.number().int().positive().optional(),
    /**
     * Version 3: the pooled evidence of every kept run at this rate and its decision; meetsSla is
     * then `judgement.decision === 'meets'`, and the percentiles above come from the merged histogram.
     */
    judgement: RateJudgement.optional(),
  })
  .strict();
export type CurvePoint = z.infer<typeof CurvePoint>;

export const SweepConfiguration = z
  .object({
    label: z.string(),
    /** The varied parameters and their values for this configuration, e.g. { maxBatchSize: 8 }. */
    params: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.number())])),
    spec: ProfileSpec,
    points: z.array(CurvePoint),
    /** Highest measured throughput whose latency percentile meets the SLA; null when no point does. */
    maxThroughputAtSlaRps: z.number().nonnegative().nullable(),
    /**
     * The short closed-loop probe (one client) an rps search started from (version 2): its
     * throughput was the first rate offered.
     */
    probe: z.object({ concurrency: z.number().int().positive(), throughputRps: z.number().nonnegative(), p95Ms: z.number().nonnegative() }).strict().optional(),
    /** Version 3 (rps searches): the capacity at the SLA with its interval; plans use it. */
    capacity: CapacityEstimate.optional(),
    /** Version 3: how the search spent its budget. */
    search: SearchSpend.optional(),
  })
  .strict();
export type SweepConfiguration = z.infer<typeof SweepConfiguration>;

export const SweepResult = z
  .object({
    schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(SWEEP_SCHEMA_VERSION)]),
    kind: z.literal('sweep-result'),
    name: z.string(),
    createdAt: z.string(),
    sla: Sla,
    environment: Environment,
    configurations: z.array(SweepConfiguration),
    costExtras: z.array(CostExtra).default([]),
    coldStartMs: z.number().nonnegative().optional(),
    /** Version 3: the measurement budget asked for, in seconds, and the interval width asked for. */
    budgetS: z.number().positive().optional(),
    targetPrecisionPct: z.number().positive().optional(),
    /** Version 3: other processes' CPU during the runs. */
    interference: InterferenceSummary.optional(),
    /** Version 3: what the reader should know (a busy host, an interval wider than asked). */
    warnings: z.array(z.string()).optional(),
  })
  .strict();
export type SweepResult = z.infer<typeof SweepResult>;
