import { z } from 'zod';
import { CostExtra, Environment } from './profileResult.js';
import { ProfileSpec } from './profileSpec.js';
import { Sla } from './sla.js';

/**
 * SweepResult: capacity curves, one per serving configuration (offered load -> throughput and
 * latency), and the maximum sustainable throughput at the SLA. The planner prefers these to a
 * single-point profile.
 */
export const SWEEP_SCHEMA_VERSION = 1;

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
  })
  .strict();
export type SweepConfiguration = z.infer<typeof SweepConfiguration>;

export const SweepResult = z
  .object({
    schemaVersion: z.literal(SWEEP_SCHEMA_VERSION),
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
