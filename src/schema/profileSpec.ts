import { z } from 'zod';
import { LoadModel } from './loadModel.js';
import { STAGE_ORDER } from './stageOrder.js';

/**
 * ProfileSpec: everything that decides how a profile runs. Presets (profiles/presets/*.yaml) are
 * partial specs; defaults < preset file < environment < flags. Unknown keys are rejected.
 */

export const StageName = z.enum(STAGE_ORDER);
export type StageName = z.infer<typeof StageName>;
export const STAGE_NAMES: readonly StageName[] = StageName.options;
/**
 * The stages a TorchServe worker's handler runs, one batch at a time (see serving/handlerWorker.ts);
 * deserialize and serialize stay in its frontend.
 */
export const TORCHSERVE_HANDLER_STAGES: ReadonlySet<StageName> = new Set<StageName>(['configLoad', 'payloadSpool', 'preprocess', 'postprocess', 'requestLog']);

export const Device = z.enum(['cpu', 'cuda', 'tensorrt']);
export type Device = z.infer<typeof Device>;

export const ModelRef = z
  .object({
    /** 'resnet50' | 'tiny' (built and cached on first use) or a path to an .onnx file. */
    source: z.string().min(1).default('resnet50'),
    /** C,H,W for models whose non-batch input dimensions are dynamic. */
    inputShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]).optional(),
    /** Where the input's channels are; absent: detected from its shape (channels last when only the last dimension is 1 or 3). */
    layout: z.enum(['nchw', 'nhwc']).optional(),
    /** How outputs are read (classification, probabilities, raw); absent: detected from the outputs. */
    output: z.enum(['classification', 'probabilities', 'raw']).optional(),
  })
  .strict();

export const EngineSpec = z
  .object({
    device: Device.default('cpu'),
    /** Model instances (Triton's instance_group count / TorchServe workers): one worker + session each. */
    instances: z.number().int().positive().default(1),
    intraOpNumThreads: z.number().int().nonnegative().default(0),
    interOpNumThreads: z.number().int().nonnegative().default(0),
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  })
  .strict();

/**
 * For the nested settings whose main key is a choice: a bare value where the mapping belongs
 * (`requestLog: file`) gets an error naming the key to use and its allowed values.
 */
function mappingWith(key: string, choice: z.ZodEnum) {
  const values = choice.options.join('|');
  return {
    error: (issue: { code?: string }) =>
      issue.code === 'invalid_type' ? `expected a mapping such as {${key}: ${choice.options[0]}}, where ${key} is one of ${values}` : undefined,
  };
}

export const PreprocessWhere = z.enum(['server', 'client']);
export type PreprocessWhere = z.infer<typeof PreprocessWhere>;
export const RequestLogMode = z.enum(['off', 'file', 'file-fsync', 'async', 'http']);
export type RequestLogMode = z.infer<typeof RequestLogMode>;
export const PayloadSpoolMode = z.enum(['memory', 'temp-file']);
export type PayloadSpoolMode = z.infer<typeof PayloadSpoolMode>;
export const ConfigLoadMode = z.enum(['per-request', 'cached']);
export type ConfigLoadMode = z.infer<typeof ConfigLoadMode>;
export const BatchingPolicy = z.enum(['none', 'triton', 'torchserve']);
export type BatchingPolicy = z.infer<typeof BatchingPolicy>;

/**
 * How an image meets the model's H x W: cover (crop), contain (letterbox, centred), fill (stretch),
 * or keep-aspect:<multiple> (detection models: the long side resized to fit, the image at the top
 * left, padded right and bottom; H and W must be multiples of <multiple>).
 */
export type ResizeMode = 'cover' | 'contain' | 'fill' | `keep-aspect:${number}`;
export const ResizeMode = z.union([
  z.enum(['cover', 'contain', 'fill']),
  z
    .string()
    .regex(/^keep-aspect:[1-9]\d*$/, 'expected cover, contain, fill or keep-aspect:<multiple>, e.g. keep-aspect:32')
    .transform((value) => value as `keep-aspect:${number}`),
]);

/** The multiple of keep-aspect:<multiple>, or undefined for the other modes. */
export function keepAspectMultiple(resize: ResizeMode): number | undefined {
  return resize.startsWith('keep-aspect:') ? Number(resize.slice('keep-aspect:'.length)) : undefined;
}

export const PreprocessSpec = z
  .object({
    /** server: the pipeline decodes images; client: requests carry the ready CHW float32 tensor. */
    where: PreprocessWhere.default('server'),
    resize: ResizeMode.default('cover'),
    mean: z.tuple([z.number(), z.number(), z.number()]).default([0.485, 0.456, 0.406]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([0.229, 0.224, 0.225]),
  }, mappingWith('where', PreprocessWhere))
  .strict();

export const RequestLogSpec = z
  .object({
    mode: RequestLogMode.default('off'),
    /** Log file for file, file-fsync and async (default: a file in the run's scratch directory). */
    path: z.string().optional(),
    /** Sink for http (default: a local sink the runner starts on loopback). */
    url: z.string().url().optional(),
    /** async: flush when this many records are buffered, or every flushIntervalMs. */
    flushEveryRecords: z.number().int().positive().default(256),
    flushIntervalMs: z.number().positive().default(200),
    /** Monthly cost of this logging in production (e.g. the article's $35/month of S3 puts), for the planner. */
    usdPerMonth: z.number().nonnegative().optional(),
  }, mappingWith('mode', RequestLogMode))
  .strict();

export const PipelineSpec = z
  .object({
    configLoad: ConfigLoadMode.default('cached'),
    payloadSpool: z
      .object({
        mode: PayloadSpoolMode.default('memory'),
        /** temp-file: payloads above this many bytes are spooled (TorchServe's large-body behaviour). */
        thresholdBytes: z.number().int().nonnegative().default(0),
      }, mappingWith('mode', PayloadSpoolMode))
      .strict()
      .prefault({}),
    preprocess: PreprocessSpec.prefault({}),
    requestLog: RequestLogSpec.prefault({}),
  })
  .strict();

export const TritonBatching = z
  .object({
    policy: z.literal('triton'),
    maxBatchSize: z.number().int().positive(),
    preferredBatchSizes: z.array(z.number().int().positive()).default([]),
    maxQueueDelayUs: z.number().int().nonnegative().default(0),
  })
  .strict()
  .refine((b) => b.preferredBatchSizes.every((p) => p <= b.maxBatchSize), {
    message: 'every preferredBatchSizes entry must be <= maxBatchSize',
    path: ['preferredBatchSizes'],
  });

export const TorchServeBatching = z
  .object({
    policy: z.literal('torchserve'),
    batchSize: z.number().int().positive(),
    /** null/absent: wait for a full batch however long it takes (TorchServe without max_batch_delay). */
    maxBatchDelayMs: z.number().nonnegative().nullable().default(null),
  })
  .strict();

export const NoBatching = z.object({ policy: z.literal('none') }).strict();

export const BatchingSpec = z.discriminatedUnion('policy', [TritonBatching, TorchServeBatching, NoBatching], mappingWith('policy', BatchingPolicy));
export type BatchingSpec = z.infer<typeof BatchingSpec>;

export const MeasurementSpec = z
  .object({
    warmupS: z.number().nonnegative().default(2),
    windowS: z.number().positive().default(2),
    /** perf_analyzer's rule: stable when the last `stableWindows` throughputs and p95s agree within this percent. */
    stabilityPct: z.number().positive().default(10),
    stableWindows: z.number().int().min(2).default(3),
    maxWindows: z.number().int().positive().default(10),
    /** Hard bound on the whole run (warm-up included); the result is marked unstable if hit first. */
    durationS: z.number().positive().default(30),
    /**
     * Measure windows until the duration bound even once stable, and report every window: a sweep's
     * runs are replications of one length, not "until it settles" (absent: stop when stable).
     */
    fullDuration: z.boolean().optional(),
  })
  .strict();

export const ImageSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('synthetic'),
      count: z.number().int().positive().default(32),
      seed: z.number().int().nonnegative().default(1),
      /** Size distribution like the article's workload: ~1.2 MB JPEGs. */
      meanBytes: z.number().int().positive().default(1_200_000),
    })
    .strict(),
  z.object({ kind: z.literal('dir'), path: z.string().min(1) }).strict(),
]);
export type ImageSource = z.infer<typeof ImageSource>;

/** The load a spec without one gets; switching to closed-loop without a concurrency gets its concurrency too. */
export const DEFAULT_LOAD = { kind: 'closed-loop', concurrency: 8 } as const;

export const ProfileSpec = z
  .object({
    name: z.string().min(1).default('profile'),
    description: z.string().optional(),
    model: ModelRef.prefault({}),
    engine: EngineSpec.prefault({}),
    pipeline: PipelineSpec.prefault({}),
    batching: BatchingSpec.prefault({ policy: 'none' }),
    load: LoadModel.prefault(DEFAULT_LOAD),
    measurement: MeasurementSpec.prefault({}),
    images: ImageSource.prefault({ kind: 'synthetic' }),
  })
  .strict();
export type ProfileSpec = z.infer<typeof ProfileSpec>;
export type ProfileSpecInput = z.input<typeof ProfileSpec>;
