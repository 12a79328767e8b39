import { z } from 'zod';
import { ProfileSpec, StageName } from './profileSpec.js';
import { TransportInfo } from './transport.js';

/**
 * ProfileResult: one self-describing document per profile run (0x's meta.json idea: the environment
 * is written beside the data). Parsed with this schema on every read; bump PROFILE_SCHEMA_VERSION on
 * any incompatible change.
 */
export const PROFILE_SCHEMA_VERSION = 2;
/** Versions this build reads: version 1 documents are upgraded on read (upgradeProfileDocument). */
export const PROFILE_READABLE_VERSIONS: readonly number[] = [1, 2];

/** The percentiles of the distribution table, HdrHistogram-plotter style: room for the tail. */
export const DISTRIBUTION_PERCENTILES: readonly number[] = [0, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];

export const PercentilePoint = z
  .object({ percentile: z.number().min(0).max(100), latencyMs: z.number().nonnegative() })
  .strict();
export type PercentilePoint = z.infer<typeof PercentilePoint>;

/** Latency distribution summary from an HDR histogram, in milliseconds. */
export const LatencySummary = z
  .object({
    count: z.number().int().nonnegative(),
    meanMs: z.number().nonnegative(),
    minMs: z.number().nonnegative(),
    p50Ms: z.number().nonnegative(),
    p90Ms: z.number().nonnegative(),
    p95Ms: z.number().nonnegative(),
    p99Ms: z.number().nonnegative(),
    maxMs: z.number().nonnegative(),
  })
  .strict();
export type LatencySummary = z.infer<typeof LatencySummary>;

export const StageSummary = LatencySummary.extend({
  name: StageName,
  /** This stage's mean as a percentage of the mean end-to-end (server-side) request time. */
  sharePct: z.number().nonnegative(),
}).strict();
export type StageSummary = z.infer<typeof StageSummary>;

export const GpuSample = z
  .object({
    utilPct: z.number().nonnegative().optional(),
    memoryUsedMiB: z.number().nonnegative().optional(),
    powerW: z.number().nonnegative().optional(),
    smClockMHz: z.number().nonnegative().optional(),
  })
  .strict();
export type GpuSample = z.infer<typeof GpuSample>;

export const MeasurementWindow = z
  .object({
    index: z.number().int().nonnegative(),
    startMs: z.number().nonnegative(),
    durationMs: z.number().positive(),
    completed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    throughputRps: z.number().nonnegative(),
    latency: LatencySummary,
    cpuUtilPct: z.number().nonnegative().optional(),
    /** Whole-host CPU busy time (all processes), in percent of the host. */
    hostCpuUtilPct: z.number().nonnegative().optional(),
    rssMiB: z.number().nonnegative().optional(),
    gpu: GpuSample.optional(),
    /** This window's stages (sharePct of this window's mean); absent in older documents. */
    stages: z.array(StageSummary).optional(),
    /** batch size -> batches of that size dispatched in this window, as in batches.sizeCounts; absent in older documents. */
    batchSizeCounts: z.record(z.string(), z.number().int().nonnegative()).optional(),
  })
  .strict();
export type MeasurementWindow = z.infer<typeof MeasurementWindow>;

export const Environment = z
  .object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpuCores: z.number().int().positive(),
    memoryGiB: z.number().nonnegative(),
    nodeVersion: z.string(),
    onnxruntimeVersion: z.string().optional(),
    executionProvider: z.string().optional(),
    gpus: z
      .array(
        z
          .object({
            name: z.string(),
            memoryMiB: z.number().nonnegative().optional(),
            driverVersion: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    /** Why there are no GPU figures (no nvidia-smi, no GPU, ...), when there are none. */
    gpuAbsentReason: z.string().optional(),
    ec2: z
      .object({
        instanceType: z.string(),
        region: z.string().optional(),
        availabilityZone: z.string().optional(),
      })
      .strict()
      .optional(),
    /** The EC2 instance type the figures stand for: from IMDS, or declared with --instance-type. */
    instanceType: z.string().optional(),
    recordedAt: z.string(),
  })
  .strict();
export type Environment = z.infer<typeof Environment>;

export const ModelInfo = z
  .object({
    source: z.string(),
    path: z.string().optional(),
    sha256: z.string().optional(),
    bytes: z.number().int().nonnegative().optional(),
    inputName: z.string(),
    inputShape: z.array(z.union([z.number().int(), z.string()])),
    inputType: z.string(),
    outputName: z.string(),
    outputShape: z.array(z.union([z.number().int(), z.string()])),
    /** Every output, when the model has more than the first. */
    outputs: z.array(z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number().int(), z.string()])) }).strict()).optional(),
    layout: z.enum(['nchw', 'nhwc']).optional(),
    /** How postprocess read the outputs: classification (softmax + top-k), probabilities (top-k), raw (summaries). */
    outputKind: z.enum(['classification', 'probabilities', 'raw']).optional(),
  })
  .strict();
export type ModelInfo = z.infer<typeof ModelInfo>;

export const Provenance = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('measured'), tool: z.string() }).strict(),
  z
    .object({
      kind: z.literal('imported'),
      /** The publication the figures come from; imported figures were not measured by this tool. */
      publication: z.string(),
      url: z.string().optional(),
      note: z.string().optional(),
    })
    .strict(),
]);

export const CostExtra = z
  .object({ item: z.string(), usdPerMonth: z.number().nonnegative() })
  .strict();
export type CostExtra = z.infer<typeof CostExtra>;

export const ProfileResult = z
  .object({
    schemaVersion: z.literal(PROFILE_SCHEMA_VERSION),
    kind: z.literal('profile-result'),
    name: z.string(),
    createdAt: z.string(),
    provenance: Provenance,
    /** Absent only for imported documents whose serving setup cannot be expressed as a spec. */
    spec: ProfileSpec.optional(),
    environment: Environment,
    model: ModelInfo.optional(),
    /** How requests reached the model; absent in documents written before HTTP profiling (in process). */
    transport: TransportInfo.optional(),
    measurement: z
      .object({
        stable: z.boolean(),
        /** Why the result is (un)stable, in words: e.g. "last 3 windows within 10%". */
        stabilityNote: z.string(),
        warmupS: z.number().nonnegative(),
        measuredS: z.number().nonnegative(),
        windows: z.array(MeasurementWindow),
      })
      .strict(),
    throughputRps: z.number().nonnegative(),
    latency: z
      .object({
        /**
         * End to end from the intended send time (open models) or the send time (closed loop).
         * Over HTTP this is what the client observed; the planner uses it.
         */
        endToEnd: LatencySummary,
        /** HTTP only: the server's own total per request (from Server-Timing). */
        server: LatencySummary.optional(),
        /**
         * The end-to-end HDR histogram of the measured windows, `<clamped>:<compressed base64>`
         * (src/profile/core/histogram.ts encodeHistogram); null in imported and version-1 documents.
         */
        endToEndHistogram: z.string().nullable(),
        /** Latency at DISTRIBUTION_PERCENTILES, read from that histogram; null where it is. */
        distribution: z.array(PercentilePoint).nullable(),
        /**
         * The 90% interval of p90, p95 and p99 end to end (src/sweep/rateEvidence.ts
         * percentileInterval, one run: the prior design effect); upperMs null where the requests
         * cannot bound it. Absent in documents written before intervals.
         */
        endToEndIntervals: z
          .record(z.enum(['p90', 'p95', 'p99']), z.object({ lowerMs: z.number().nonnegative(), upperMs: z.number().nonnegative().nullable() }).strict())
          .optional(),
      })
      .strict(),
    stages: z.array(StageSummary),
    batches: z
      .object({
        meanBatchSize: z.number().nonnegative(),
        /** batch size -> number of batches of that size */
        sizeCounts: z.record(z.string(), z.number().int().nonnegative()),
      })
      .strict(),
    requests: z
      .object({
        completed: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        /** Open models: requests that could not be issued on time (maxInFlight reached). */
        dropped: z.number().int().nonnegative(),
        failures: z.array(z.object({ reason: z.string(), count: z.number().int().positive() }).strict()),
      })
      .strict(),
    utilization: z
      .object({
        /** Process CPU time / wall time / cores, in percent of the whole host. */
        cpuPct: z.number().nonnegative().optional(),
        rssMiB: z.object({ mean: z.number(), max: z.number() }).strict().optional(),
        gpu: GpuSample.optional(),
      })
      .strict(),
    coldStart: z
      .object({
        modelLoadMs: z.number().nonnegative().optional(),
        firstRequestMs: z.number().nonnegative().optional(),
        /** Median of 5 lone requests sent right after the first, before any load: warm, unqueued. */
        warmMedianMs: z.number().nonnegative().optional(),
      })
      .strict(),
    /** Monthly costs the serving setup carries besides instances (e.g. request logging to S3). */
    costExtras: z.array(CostExtra).default([]),
    /** Things the reader should know: capped batch sizes, an unstable run, a declared instance type. */
    warnings: z.array(z.string()).default([]),
  })
  .strict();
export type ProfileResult = z.infer<typeof ProfileResult>;
export type ProfileResultInput = z.input<typeof ProfileResult>;

/**
 * Version 1 -> 2: version 1 recorded no histogram and no distribution table; they become null.
 * Anything else is returned as is, for the schema to judge.
 */
export function upgradeProfileDocument(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || (raw as { schemaVersion?: unknown }).schemaVersion !== 1) return raw;
  const v1 = raw as { latency?: unknown };
  const latency = v1.latency && typeof v1.latency === 'object' ? v1.latency : {};
  return { ...v1, schemaVersion: 2, latency: { ...latency, endToEndHistogram: null, distribution: null } };
}

/** What readers parse: the current schema, after upgrading an older document. */
export const ProfileResultDocument = z.preprocess(upgradeProfileDocument, ProfileResult);
