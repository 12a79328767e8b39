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
import { isSageMakerUri, parseSageMakerUri } from '../profile/sagemaker/targetUri.js';
import { SageMakerProtocol, type HttpProtocol } from '../schema/transport.js';
import { OUTPUT_KINDS } from '../serving/outputKind.js';
import { UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { addFlags, flagName, type FlagRow, type FlagTable, type FlagValues } from './flagTable.js';
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
 * The flags that shape a ProfileSpec, shared by `profile`, `agent` and `sweep`.
 * Layering: defaults < preset file < environment (CAPACITY_PLAN_DEVICE) < flags.
 */
const SPEC_FLAGS = {
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
  name: { flag: '--name <name>', path: 'name', parse: text, help: 'name of the result document', side: 'both' },
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
function specFlagTable(which: 'all' | 'agent'): FlagTable {
  const rows = SPEC_FLAG_ROWS.filter(([, row]) => which === 'all' || row.side !== undefined);
  return Object.fromEntries(rows.map(([key, row]) => [key, { ...row, defaultHelp: row.defaultHelp ?? shownDefault(row.path) }]));
}

function shownDefault(path: string | undefined): string | undefined {
  const value = path === undefined ? undefined : getPath(SPEC_DEFAULTS, path);
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function addSpecFlags(command: Command, which: 'all' | 'agent' = 'all'): Command {
  return addFlags(command, specFlagTable(which));
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

/** How `profile` reaches the model. */
const TRANSPORT_FLAGS = {
  transport: {
    flag: '--transport <kind>',
    parse: enumOf(['inprocess', 'http'] as const),
    help: 'inprocess (the pipeline in this process) or http (start the agent and drive it over loopback)',
    defaultHelp: 'inprocess',
  },
  target: {
    flag: '--target <url>',
    parse: text,
    help:
      'profile a server you already run (Triton, TorchServe, KServe, a capacity-plan agent) at this base URL, ' +
      'or a SageMaker real-time endpoint: sagemaker://<endpoint>[/<variant>]',
  },
  protocol: {
    flag: '--protocol <protocol>',
    // json: SageMaker targets only ({"instances": [...]}, the framework containers' JSON).
    parse: enumOf(SageMakerProtocol.options),
    help:
      'over HTTP: raw (POST /v1/infer), kserve-v2 (POST /v2/models/<name>/infer, JSON tensors) or torchserve (POST /predictions/<name>); ' +
      'to a SageMaker endpoint: raw or torchserve (image bytes), kserve-v2 (Triton: KServe v2 JSON tensors) or json ({"instances": [...]} tensors)',
    defaultHelp: 'raw',
  },
  modelName: { flag: '--model-name <name>', parse: text, help: '--target: the model name in the protocol paths (kserve-v2, torchserve)' },
  token: { flag: '--token <token>', parse: text, help: '--target: bearer token for an agent bound off loopback', defaultHelp: '$CAPACITY_PLAN_TOKEN' },
  region: {
    flag: '--region <region>',
    parse: text,
    help: 'sagemaker:// targets: the endpoint\'s region',
    defaultHelp: '$AWS_REGION, else the AWS profile\'s region',
  },
} satisfies FlagTable;

export type TransportFlags = FlagValues<typeof TRANSPORT_FLAGS>;

export type TransportChoice =
  | { kind: 'inprocess' }
  /** --transport http: start the agent with this spec and drive it over loopback. */
  | { kind: 'agent'; protocol: 'raw' | 'kserve-v2' }
  /** --target URL: a server the user already runs. */
  | { kind: 'remote'; url: string; protocol: HttpProtocol; modelName?: string; token?: string }
  /** --target sagemaker://<endpoint>[/<variant>]: a SageMaker real-time endpoint, through InvokeEndpoint. */
  | { kind: 'sagemaker'; endpointName: string; variant?: string; region?: string; protocol: SageMakerProtocol };

export function addTransportFlags(command: Command): Command {
  return addFlags(command, TRANSPORT_FLAGS);
}

/** Flags that configure the server: with --target the server's own configuration applies. */
const SERVER_FLAGS = SPEC_FLAG_ROWS.filter(([, row]) => row.side === 'server');

/** Checks the transport flags together; every invalid combination is a one-line UsageError. */
export function resolveTransport(flags: TransportFlags & SpecFlags): TransportChoice {
  const { transport, target, protocol, modelName, token } = flags;
  if (token !== undefined && (target === undefined || isSageMakerUri(target))) {
    throw new UsageError('--token applies to --target <url>', 'the agent started by --transport http listens on loopback and needs none');
  }
  if (flags.region !== undefined && (target === undefined || !isSageMakerUri(target))) {
    throw new UsageError('--region applies to --target sagemaker://<endpoint>', 'an HTTP target is reached at its URL');
  }
  if (protocol === 'json' && (target === undefined || !isSageMakerUri(target))) {
    throw new UsageError('--protocol json applies to --target sagemaker://<endpoint>', 'over HTTP use raw, kserve-v2 or torchserve');
  }
  if (target !== undefined && isSageMakerUri(target)) return sagemakerTransport(flags, target);
  if (target === undefined) {
    if (transport !== 'http') {
      const stray = protocol !== undefined ? '--protocol' : modelName !== undefined ? '--model-name' : undefined;
      if (stray) throw new UsageError(`${stray} applies to --transport http or --target <url>`);
      return { kind: 'inprocess' };
    }
    if (modelName !== undefined) {
      throw new UsageError('--model-name applies to --target <url>', 'the agent started by --transport http serves the model under its own name');
    }
    if (protocol === 'torchserve') {
      throw new UsageError('--protocol torchserve applies to --target <url>: the agent speaks raw and kserve-v2', 'use --protocol raw or kserve-v2');
    }
    return { kind: 'agent', protocol: (protocol as 'raw' | 'kserve-v2' | undefined) ?? 'raw' };
  }
  if (transport === 'inprocess') throw new UsageError('--target <url> profiles a server over HTTP: it cannot be combined with --transport inprocess');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`--target must be a URL such as http://127.0.0.1:8000, got '${target}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must be an http:// or https:// URL, got '${target}'`);
  if (url.pathname !== '/' || url.search !== '') {
    throw new UsageError(`--target takes the server's base URL (scheme, host and port), got '${target}'`, `the protocol picks the path; try --target ${url.origin}`);
  }
  rejectServerFlags(flags);
  const chosen = (protocol as HttpProtocol | undefined) ?? 'raw';
  if (chosen === 'torchserve' && modelName === undefined) throw new UsageError('--protocol torchserve needs --model-name <name> (the {name} in /predictions/{name})');
  return { kind: 'remote', url: url.origin, protocol: chosen, modelName, ...(token !== undefined ? { token } : {}) };
}

function rejectServerFlags(flags: TransportFlags & SpecFlags): void {
  const server = SERVER_FLAGS.find(([key]) => flags[key] !== undefined);
  if (server) {
    throw new UsageError(
      `${flagName(server[1])} does not apply with --target: the target server's own configuration applies`,
      server[0] === 'model' ? 'name the served model with --model-name' : 'shape the load with --load, --concurrency, --rps, --duration',
    );
  }
}

/** --target sagemaker://<endpoint>[/<variant>] [--region] [--protocol]. */
function sagemakerTransport(flags: TransportFlags & SpecFlags, target: string): TransportChoice {
  if (flags.transport === 'inprocess') throw new UsageError('--target sagemaker://... profiles an endpoint: it cannot be combined with --transport inprocess');
  if (flags.modelName !== undefined) {
    throw new UsageError('--model-name does not apply to a SageMaker endpoint', 'the endpoint (and its variant) name the model: sagemaker://<endpoint>/<variant>');
  }
  const uri = parseSageMakerUri(target);
  if (flags.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(flags.region)) {
    throw new UsageError(`--region '${flags.region}' is not an AWS region code`, 'e.g. --region us-east-1');
  }
  rejectServerFlags(flags);
  return { kind: 'sagemaker', ...uri, ...(flags.region !== undefined ? { region: flags.region } : {}), protocol: flags.protocol ?? 'raw' };
}

/**
 * The spec as the transport needs it: KServe v2 carries tensors (client-side preprocessing), and
 * TorchServe's inference API image files (server-side). Returns notes for the document.
 */
export function specForTransport(spec: ProfileSpec, choice: TransportChoice, flags: SpecFlags): { spec: ProfileSpec; warnings: string[] } {
  if (choice.kind === 'inprocess') return { spec, warnings: [] };
  const where = spec.pipeline.preprocess.where;
  if (choice.protocol === 'kserve-v2' || choice.protocol === 'json') {
    if (flags.preprocess === 'server') throw new UsageError(`--protocol ${choice.protocol} sends tensors: it needs --preprocess client`);
    if (where === 'client') return { spec, warnings: [] };
    const moved = withPreprocess(spec, 'client');
    return { spec: moved, warnings: flags.preset ? [`--protocol ${choice.protocol} sends tensors: preprocessing moved to the client (the preset has it on the server)`] : [] };
  }
  if (choice.protocol === 'torchserve' && where === 'client') {
    if (flags.preprocess === 'client') throw new UsageError('--protocol torchserve posts image files: it needs --preprocess server');
    return { spec: withPreprocess(spec, 'server'), warnings: [] };
  }
  return { spec, warnings: [] };
}

function withPreprocess(spec: ProfileSpec, where: PreprocessWhere): ProfileSpec {
  return { ...spec, pipeline: { ...spec.pipeline, preprocess: { ...spec.pipeline.preprocess, where } } };
}
