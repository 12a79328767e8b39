import { z } from 'zod';
import { CostExtra, Environment } from './profileResult.js';
import { ProfileSpec } from './profileSpec.js';
import { Sla } from './sla.js';

/**
 * SweepResult: capacity curves, one per serving configuration (offered load -> throughput and
 * latency), and the maximum sustainable throughput at the SLA. The planner prefers these to a
 * single-point profile.
 */
export const SWEEP_SCHEMA_VERSION = 2;
/** Versions this build reads: 1 (no repeats, no probe) parses as a 2 without those fields. */
export const SWEEP_SCHEMA_VERSIONS_READ = [1, 2] as const;

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
  })
  .strict();
export type SweepConfiguration = z.infer<typeof SweepConfiguration>;

export const SweepResult = z
  .object({
    schemaVersion: z.union([z.literal(1), z.literal(SWEEP_SCHEMA_VERSION)]),
    kind: z.literal('sweep-result'),
    name: z.string(),
    createdAt: z.string(),
    sla: Sla,
    environment: Environment,
    configurations: z.array(SweepConfiguration),
    costExtras: z.array(CostExtra).default([]),
    coldStartMs: z.number().nonnegative().optional(),
  })
  .strict();
export type SweepResult = z.infer<typeof SweepResult>;
