import type { Command } from 'commander';
import { fitMeasurementToDuration } from '../profile/measurementFit.js';
import { loadPreset } from '../profile/presets.js';
import { ClosedLoopLoad, ConstantRateLoad, PoissonLoad } from '../schema/loadModel.js';
import {
  BatchingPolicy,
  ConfigLoadMode,
  DEFAULT_LOAD,
  Device,
  PayloadSpoolMode,
  PreprocessWhere,
  ProfileSpec,
  RequestLogMode,
  ResizeMode,
  TritonBatching,
} from '../schema/profileSpec.js';
import { OUTPUT_KINDS } from '../serving/outputKind.js';
import { SPEC_FLAG_OVERRIDES, type SpecFlagUse } from './specFlagUses.js';
import { UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { addFlags, type FlagRow, type FlagTable, type FlagValues } from './flagTable.js';
import { enumOf, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveIntList, positiveNumber, shape3, text } from './flags.js';

function resizeMode(flag: string) {
  return (value: string): ResizeMode => {
    const parsed = ResizeMode.safeParse(value);
    if (!parsed.success) throw new UsageError(`${flag} must be cover, contain, fill or keep-aspect:<multiple>, got '${value}'`, 'e.g. --resize keep-aspect:32');
    return parsed.data;
  };
}

/** Batch size a batching policy gets when neither the preset nor a flag sets one. */
const DEFAULT_BATCH_SIZE = 8;

const LOAD_KINDS = [ClosedLoopLoad, ConstantRateLoad, PoissonLoad].map((load) => load.shape.kind.value);

/** A flag that shapes the ProfileSpec. It has no commander default: unset, the preset's value stands. */
interface SpecFlagRow<T> extends Omit<FlagRow<T>, 'default'> {
  /** Where the value lands in the ProfileSpec; absent for --preset, the base the others override. */
  path?: string;
  /**
   * server: configures the serving side only (`agent` takes it; `profile --target` rejects it, the
   * target's own configuration applies). both: `agent` takes it and the client side reads it too.
   * Unset: the load and the measurement, which only the profiler reads.
   */
  side?: 'server' | 'both';
}

/**
 * The flags that shape a ProfileSpec, shared by `profile`, `agent` and `sweep` (and single rows by
 * `demo`, which passes them on to `profile`).
 * Layering: defaults < preset file < environment (CAPACITY_PLAN_DEVICE) < flags.
 */
export const SPEC_FLAGS = {
  model: {
    flag: '--model <name|file>',
    path: 'model.source',
    parse: text,
    help: "ONNX model: 'resnet50', 'tiny' (built on first use) or a path to an .onnx file",
    side: 'server',
  },
  inputShape: {
    flag: '--input-shape <C,H,W>',
    path: 'model.inputShape',
    parse: shape3,
    help: 'input shape for models with dynamic non-batch dimensions',
    side: 'both',
  },
  layout: {
    flag: '--layout <layout>',
    path: 'model.layout',
    parse: enumOf(['nchw', 'nhwc'] as const),
    help: "where the input's channels are: nchw or nhwc",
    defaultHelp: 'detected: nhwc when only the last dimension is 1 or 3',
    side: 'both',
  },
  output: {
    flag: '--output <kind>',
    path: 'model.output',
    parse: enumOf(OUTPUT_KINDS),
    help: 'how outputs are read: classification (softmax, top 5), probabilities (top 5, no softmax) or raw (name, shape, min/max/mean)',
    defaultHelp: "detected from the model's outputs",
    side: 'server',
  },
  preset: {
    flag: '--preset <name|file>',
    parse: text,
    help: 'serving preset: torchserve-default, triton-dynamic, or a .yaml file; it replaces the defaults shown here',
    side: 'server',
  },
  name: { flag: '--name <name>', path: 'name', parse: text, help: 'name of the result document' },
  device: {
    flag: '--device <device>',
    path: 'engine.device',
    parse: enumOf(Device.options),
    help: 'execution provider: cpu, cuda, tensorrt',
    defaultHelp: 'cpu, or $CAPACITY_PLAN_DEVICE',
    side: 'server',
  },
  instances: { flag: '--instances <n>', path: 'engine.instances', parse: positiveInt, help: 'model instances (workers), each its own session', side: 'server' },
  threads: { flag: '--threads <n>', path: 'engine.intraOpNumThreads', parse: nonNegativeInt, help: 'intra-op threads per instance (0 = share the cores)', side: 'server' },
  batching: { flag: '--batching <policy>', path: 'batching.policy', parse: enumOf(BatchingPolicy.options), help: 'batching policy: none, triton, torchserve', side: 'server' },
  maxBatchSize: {
    flag: '--max-batch-size <n>',
    path: 'batching.maxBatchSize',
    parse: positiveInt,
    help: 'triton: max batch size',
    defaultHelp: String(DEFAULT_BATCH_SIZE),
    side: 'server',
  },
  preferredBatchSizes: {
    flag: '--preferred-batch-sizes <list>',
    path: 'batching.preferredBatchSizes',
    parse: positiveIntList,
    help: 'triton: preferred batch sizes, e.g. 4,8,16',
    side: 'server',
  },
  maxQueueDelayUs: {
    flag: '--max-queue-delay-us <us>',
    path: 'batching.maxQueueDelayUs',
    parse: nonNegativeInt,
    help: 'triton: max queue delay in microseconds',
    defaultHelp: String(TritonBatching.parse({ policy: 'triton', maxBatchSize: DEFAULT_BATCH_SIZE }).maxQueueDelayUs),
    side: 'server',
  },
  batchSize: {
    flag: '--batch-size <n>',
    path: 'batching.batchSize',
    parse: positiveInt,
    help: 'torchserve: batch size',
    defaultHelp: String(DEFAULT_BATCH_SIZE),
    side: 'server',
  },
  maxBatchDelayMs: {
    flag: '--max-batch-delay-ms <ms>',
    path: 'batching.maxBatchDelayMs',
    parse: nonNegativeNumber,
    help: 'torchserve: max batch delay (unset: wait for a full batch)',
    side: 'server',
  },
  configLoad: { flag: '--config-load <mode>', path: 'pipeline.configLoad', parse: enumOf(ConfigLoadMode.options), help: 'per-request or cached', side: 'server' },
  payloadSpool: { flag: '--payload-spool <mode>', path: 'pipeline.payloadSpool.mode', parse: enumOf(PayloadSpoolMode.options), help: 'memory or temp-file', side: 'server' },
  spoolThresholdBytes: {
    flag: '--spool-threshold-bytes <n>',
    path: 'pipeline.payloadSpool.thresholdBytes',
    parse: nonNegativeInt,
    help: 'temp-file: spool payloads larger than this',
    side: 'server',
  },
  resize: {
    flag: '--resize <mode>',
    path: 'pipeline.preprocess.resize',
    parse: resizeMode,
    help: 'cover (crop), contain (letterbox), fill (stretch), or keep-aspect:<multiple> (long side fitted, padded right and bottom, as detection models expect)',
    side: 'both',
  },
  preprocess: { flag: '--preprocess <where>', path: 'pipeline.preprocess.where', parse: enumOf(PreprocessWhere.options), help: 'server or client', side: 'both' },
  requestLog: {
    flag: '--request-log <mode>',
    path: 'pipeline.requestLog.mode',
    parse: enumOf(RequestLogMode.options),
    help: 'off, file, file-fsync, async, http',
    side: 'server',
  },
  requestLogUrl: {
    flag: '--request-log-url <url>',
    path: 'pipeline.requestLog.url',
    parse: text,
    help: 'http: where to POST each record',
    defaultHelp: 'a local sink',
    side: 'server',
  },
  load: { flag: '--load <model>', path: 'load.kind', parse: enumOf(LOAD_KINDS), help: 'closed-loop, constant-rate, poisson' },
  concurrency: { flag: '--concurrency <n>', path: 'load.concurrency', parse: positiveInt, help: 'closed-loop: concurrent clients' },
  rps: { flag: '--rps <n>', path: 'load.rps', parse: positiveNumber, help: 'open models: requests per second' },
  // Also load.seed for --load poisson.
  seed: { flag: '--seed <n>', path: 'images.seed', parse: nonNegativeInt, help: 'poisson and synthetic images: seed' },
  duration: { flag: '--duration <s>', path: 'measurement.durationS', parse: positiveNumber, help: 'bound on the whole run, warm-up included, in seconds' },
  warmup: {
    flag: '--warmup <s>',
    path: 'measurement.warmupS',
    parse: nonNegativeNumber,
    help: 'warm-up seconds',
    defaultHelp: '2, less to fit a short --duration',
  },
  window: {
    flag: '--window <s>',
    path: 'measurement.windowS',
    parse: positiveNumber,
    help: 'measurement window seconds',
    defaultHelp: '2, less to fit a short --duration',
  },
  stabilityPct: { flag: '--stability-pct <p>', path: 'measurement.stabilityPct', parse: positiveNumber, help: 'windows agree within this percent' },
  maxWindows: { flag: '--max-windows <n>', path: 'measurement.maxWindows', parse: positiveInt, help: 'bound on measurement windows' },
  images: { flag: '--images <dir>', path: 'images.path', parse: text, help: 'your own images (.jpg, .png, .webp) instead of the synthetic corpus' },
  imageCount: { flag: '--image-count <n>', path: 'images.count', parse: positiveInt, help: 'synthetic corpus size' },
  imageBytes: { flag: '--image-bytes <n>', path: 'images.meanBytes', parse: positiveInt, help: 'synthetic corpus: mean JPEG size in bytes', defaultHelp: '1200000 (the article\'s ~1.2 MB)' },
} satisfies Record<string, SpecFlagRow<unknown>>;

export type SpecFlags = FlagValues<typeof SPEC_FLAGS>;
type SpecFlagKey = keyof typeof SPEC_FLAGS;
const SPEC_FLAG_ROWS = Object.entries(SPEC_FLAGS) as [SpecFlagKey, SpecFlagRow<unknown>][];

/** The defaults a spec without preset or flags gets, shown in --help. */
const SPEC_DEFAULTS = ProfileSpec.parse({});

/** The spec flags as commander options; `agent` gets only those the serving side reads. */
function specFlagTable(use: SpecFlagUse): FlagTable {
  const overrides = SPEC_FLAG_OVERRIDES[use];
  const rows = SPEC_FLAG_ROWS.filter(([key, row]) => (use !== 'agent' || row.side !== undefined) && overrides[key] !== 'omit');
  return Object.fromEntries(
    rows.map(([key, row]) => {
      const override = overrides[key];
      const shown = override && override !== 'omit' ? { ...row, ...override } : row;
      return [key, { ...shown, defaultHelp: shown.defaultHelp ?? shownDefault(row.path) }];
    }),
  );
}

function shownDefault(path: string | undefined): string | undefined {
  const value = path === undefined ? undefined : getPath(SPEC_DEFAULTS, path);
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function addSpecFlags(command: Command, use: SpecFlagUse): Command {
  return addFlags(command, specFlagTable(use));
}

type Obj = Record<string, unknown>;
const obj = (parent: Obj, key: string): Obj => {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
};

function getPath(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Obj)[key] : undefined), root);
}

function setPath(root: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  keys.reduce(obj, root)[last] = value;
}

export async function resolveSpec(flags: SpecFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ProfileSpec> {
  const base: Obj = flags.preset ? structuredClone((await loadPreset(flags.preset, cwd)).spec as Obj) : {};
  const envDevice = env.CAPACITY_PLAN_DEVICE;
  if (envDevice !== undefined) obj(base, 'engine').device = oneOf('CAPACITY_PLAN_DEVICE', Device.options)(envDevice);
  applyFlags(base, flags);
  const parsed = ProfileSpec.safeParse(base);
  if (!parsed.success) throw new UsageError(`invalid profile settings: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/**
 * Batching, load and images are each one of several shapes (a discriminated union): their rules
 * below pick the shape from the flags given, then place the values. Every other flag lands at its
 * path as it is.
 */
const RULED = ['batching.', 'load.', 'images.'];

function applyFlags(spec: Obj, f: SpecFlags): void {
  for (const [key, row] of SPEC_FLAG_ROWS) {
    const { path } = row;
    const value = f[key];
    if (value === undefined || path === undefined || RULED.some((prefix) => path.startsWith(prefix))) continue;
    setPath(spec, path, value);
  }
  applyBatching(spec, f);
  applyLoad(spec, f);
  applyImages(spec, f);
  if (f.duration !== undefined) {
    spec.measurement = fitMeasurementToDuration(obj(spec, 'measurement'), f.duration, { warmupS: f.warmup !== undefined, windowS: f.window !== undefined });
  }
}

function applyImages(spec: Obj, f: SpecFlags): void {
  if (f.images !== undefined) spec.images = { kind: 'dir', path: f.images };
  else if (f.imageCount !== undefined || f.seed !== undefined || f.imageBytes !== undefined) {
    const images = obj(spec, 'images');
    if (images.kind === undefined) images.kind = 'synthetic';
    if (images.kind === 'synthetic') {
      if (f.imageCount !== undefined) images.count = f.imageCount;
      if (f.seed !== undefined) images.seed = f.seed;
      if (f.imageBytes !== undefined) images.meanBytes = f.imageBytes;
    }
  }
}

function applyBatching(spec: Obj, f: SpecFlags): void {
  const tritonFlags = f.maxBatchSize !== undefined || f.preferredBatchSizes !== undefined || f.maxQueueDelayUs !== undefined;
  const torchFlags = f.batchSize !== undefined || f.maxBatchDelayMs !== undefined;
  const current = (spec.batching as Obj | undefined)?.policy as string | undefined;
  let policy = f.batching ?? current;
  if (!f.batching && tritonFlags && policy !== 'triton') policy = 'triton';
  if (!f.batching && torchFlags && policy !== 'torchserve') policy = 'torchserve';
  if (tritonFlags && policy !== 'triton') throw new UsageError('--max-batch-size, --preferred-batch-sizes and --max-queue-delay-us apply to --batching triton');
  if (torchFlags && policy !== 'torchserve') throw new UsageError('--batch-size and --max-batch-delay-ms apply to --batching torchserve');
  if (!policy) return;
  const batching: Obj = policy === current ? (spec.batching as Obj) : { policy };
  if (policy === 'triton') {
    batching.maxBatchSize = f.maxBatchSize ?? batching.maxBatchSize ?? DEFAULT_BATCH_SIZE;
    if (f.preferredBatchSizes) batching.preferredBatchSizes = f.preferredBatchSizes;
    if (f.maxQueueDelayUs !== undefined) batching.maxQueueDelayUs = f.maxQueueDelayUs;
    if (f.maxBatchSize !== undefined && !f.preferredBatchSizes && Array.isArray(batching.preferredBatchSizes)) {
      batching.preferredBatchSizes = (batching.preferredBatchSizes as number[]).filter((p) => p <= f.maxBatchSize!);
    }
  }
  if (policy === 'torchserve') {
    batching.batchSize = f.batchSize ?? batching.batchSize ?? DEFAULT_BATCH_SIZE;
    if (f.maxBatchDelayMs !== undefined) batching.maxBatchDelayMs = f.maxBatchDelayMs;
  }
  spec.batching = batching;
}

function applyLoad(spec: Obj, f: SpecFlags): void {
  const current = (spec.load as Obj | undefined) ?? { kind: 'closed-loop' };
  let kind = f.load ?? (current.kind as string);
  if (!f.load && f.rps !== undefined && kind === 'closed-loop') kind = 'constant-rate';
  if (!f.load && f.concurrency !== undefined && kind !== 'closed-loop') kind = 'closed-loop';
  if (f.concurrency !== undefined && kind !== 'closed-loop') throw new UsageError(`--concurrency applies to --load closed-loop, not ${kind}`);
  if (f.rps !== undefined && kind === 'closed-loop') throw new UsageError('--rps applies to --load constant-rate or poisson');
  if (kind === current.kind && f.rps === undefined && f.concurrency === undefined && f.seed === undefined) return;
  const load: Obj = kind === current.kind ? { ...current } : { kind };
  if (kind === 'closed-loop') load.concurrency = f.concurrency ?? load.concurrency ?? DEFAULT_LOAD.concurrency;
  else {
    const rps = f.rps ?? (load.rps as number | undefined);
    if (rps === undefined) throw new UsageError(`--load ${kind} needs --rps <requests per second>`);
    load.rps = rps;
    if (kind === 'poisson' && f.seed !== undefined) load.seed = f.seed;
  }
  spec.load = load;
}

/** Flags that configure the server: with --target the server's own configuration applies. */
export const SERVER_FLAGS = SPEC_FLAG_ROWS.filter(([, row]) => row.side === 'server');
