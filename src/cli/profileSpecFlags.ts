import type { Command } from 'commander';
import { Device, ProfileSpec } from '../schema/profileSpec.js';
import { HTTP_PROTOCOLS, type HttpProtocol } from '../schema/transport.js';
import { loadPreset } from '../profile/presets.js';
import { UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveIntList, positiveNumber, shape3 } from './flags.js';

/**
 * The flags that shape a ProfileSpec, shared by `profile`, `agent` and `sweep`.
 * Layering: defaults < preset file < environment (CAPACITY_PLAN_DEVICE) < flags.
 */
export interface SpecFlags {
  model?: string;
  inputShape?: [number, number, number];
  preset?: string;
  name?: string;
  device?: Device;
  instances?: number;
  threads?: number;
  batching?: 'none' | 'triton' | 'torchserve';
  maxBatchSize?: number;
  preferredBatchSizes?: number[];
  maxQueueDelayUs?: number;
  batchSize?: number;
  maxBatchDelayMs?: number;
  configLoad?: 'per-request' | 'cached';
  payloadSpool?: 'memory' | 'temp-file';
  spoolThresholdBytes?: number;
  preprocess?: 'server' | 'client';
  requestLog?: 'off' | 'file' | 'file-fsync' | 'async' | 'http';
  requestLogUrl?: string;
  load?: 'closed-loop' | 'constant-rate' | 'poisson';
  concurrency?: number;
  rps?: number;
  seed?: number;
  duration?: number;
  warmup?: number;
  window?: number;
  stabilityPct?: number;
  maxWindows?: number;
  images?: string;
  imageCount?: number;
}

export function addSpecFlags(command: Command): Command {
  return command
    .option('--model <name|file>', "ONNX model: 'resnet50', 'tiny' (built on first use) or a path to an .onnx file")
    .option('--input-shape <C,H,W>', 'input shape for models with dynamic non-batch dimensions', shape3('--input-shape'))
    .option('--preset <name|file>', 'serving preset: torchserve-default, triton-dynamic, or a .yaml file')
    .option('--name <name>', 'name of the result document')
    .option('--device <device>', 'execution provider: cpu, cuda, tensorrt', oneOf('--device', Device.options))
    .option('--instances <n>', 'model instances (workers), each its own session', positiveInt('--instances'))
    .option('--threads <n>', 'intra-op threads per instance (0 = share the cores)', nonNegativeInt('--threads'))
    .option('--batching <policy>', 'batching policy: none, triton, torchserve', oneOf('--batching', ['none', 'triton', 'torchserve'] as const))
    .option('--max-batch-size <n>', 'triton: max batch size', positiveInt('--max-batch-size'))
    .option('--preferred-batch-sizes <list>', 'triton: preferred batch sizes, e.g. 4,8,16', positiveIntList('--preferred-batch-sizes'))
    .option('--max-queue-delay-us <us>', 'triton: max queue delay in microseconds', nonNegativeInt('--max-queue-delay-us'))
    .option('--batch-size <n>', 'torchserve: batch size', positiveInt('--batch-size'))
    .option('--max-batch-delay-ms <ms>', 'torchserve: max batch delay (unset: wait for a full batch)', nonNegativeNumber('--max-batch-delay-ms'))
    .option('--config-load <mode>', 'per-request or cached', oneOf('--config-load', ['per-request', 'cached'] as const))
    .option('--payload-spool <mode>', 'memory or temp-file', oneOf('--payload-spool', ['memory', 'temp-file'] as const))
    .option('--spool-threshold-bytes <n>', 'temp-file: spool payloads larger than this', nonNegativeInt('--spool-threshold-bytes'))
    .option('--preprocess <where>', 'server or client', oneOf('--preprocess', ['server', 'client'] as const))
    .option('--request-log <mode>', 'off, file, file-fsync, async, http', oneOf('--request-log', ['off', 'file', 'file-fsync', 'async', 'http'] as const))
    .option('--request-log-url <url>', 'http: where to POST each record (default: a local sink)')
    .option('--load <model>', 'closed-loop, constant-rate, poisson', oneOf('--load', ['closed-loop', 'constant-rate', 'poisson'] as const))
    .option('--concurrency <n>', 'closed-loop: concurrent clients', positiveInt('--concurrency'))
    .option('--rps <n>', 'open models: requests per second', positiveNumber('--rps'))
    .option('--seed <n>', 'poisson and synthetic images: seed', nonNegativeInt('--seed'))
    .option('--duration <s>', 'bound on the whole run, warm-up included, in seconds', positiveNumber('--duration'))
    .option('--warmup <s>', 'warm-up seconds', nonNegativeNumber('--warmup'))
    .option('--window <s>', 'measurement window seconds', positiveNumber('--window'))
    .option('--stability-pct <p>', 'windows agree within this percent', positiveNumber('--stability-pct'))
    .option('--max-windows <n>', 'bound on measurement windows', positiveInt('--max-windows'))
    .option('--images <dir>', 'your own images (.jpg, .png, .webp) instead of the synthetic corpus')
    .option('--image-count <n>', 'synthetic corpus size', positiveInt('--image-count'));
}

type Obj = Record<string, unknown>;
const obj = (parent: Obj, key: string): Obj => {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
};

export async function resolveSpec(flags: SpecFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ProfileSpec> {
  const base: Obj = flags.preset ? structuredClone((await loadPreset(flags.preset, cwd)).spec as Obj) : {};
  const envDevice = env.CAPACITY_PLAN_DEVICE;
  if (envDevice !== undefined) obj(base, 'engine').device = oneOf('CAPACITY_PLAN_DEVICE', Device.options)(envDevice);
  applyFlags(base, flags);
  const parsed = ProfileSpec.safeParse(base);
  if (!parsed.success) throw new UsageError(`invalid profile settings: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function applyFlags(spec: Obj, f: SpecFlags): void {
  if (f.name) spec.name = f.name;
  if (f.model) obj(spec, 'model').source = f.model;
  if (f.inputShape) obj(spec, 'model').inputShape = f.inputShape;
  const engine = (): Obj => obj(spec, 'engine');
  if (f.device) engine().device = f.device;
  if (f.instances !== undefined) engine().instances = f.instances;
  if (f.threads !== undefined) engine().intraOpNumThreads = f.threads;

  applyBatching(spec, f);

  const pipeline = (): Obj => obj(spec, 'pipeline');
  if (f.configLoad) pipeline().configLoad = f.configLoad;
  if (f.payloadSpool) obj(pipeline(), 'payloadSpool').mode = f.payloadSpool;
  if (f.spoolThresholdBytes !== undefined) obj(pipeline(), 'payloadSpool').thresholdBytes = f.spoolThresholdBytes;
  if (f.preprocess) obj(pipeline(), 'preprocess').where = f.preprocess;
  if (f.requestLog) obj(pipeline(), 'requestLog').mode = f.requestLog;
  if (f.requestLogUrl) obj(pipeline(), 'requestLog').url = f.requestLogUrl;

  applyLoad(spec, f);

  const m = (): Obj => obj(spec, 'measurement');
  if (f.duration !== undefined) {
    m().durationS = f.duration;
    // A short --duration alone still gets a warm-up and three windows: scale the defaults to fit.
    const stableWindows = 3;
    if (f.warmup === undefined && (m().warmupS === undefined || (m().warmupS as number) + stableWindows * 2 > f.duration)) {
      m().warmupS = Math.min(2, Math.round(f.duration * 20) / 100);
    }
    if (f.window === undefined && (m().windowS === undefined || (m().warmupS as number) + stableWindows * ((m().windowS as number) ?? 2) > f.duration)) {
      // 0.9: leave room for the cold-start request and the drain inside the bound.
      const fit = ((f.duration - (m().warmupS as number)) * 0.9) / stableWindows;
      m().windowS = Math.min(2, Math.max(0.1, Math.floor(fit * 100) / 100));
    }
  }
  if (f.warmup !== undefined) m().warmupS = f.warmup;
  if (f.window !== undefined) m().windowS = f.window;
  if (f.stabilityPct !== undefined) m().stabilityPct = f.stabilityPct;
  if (f.maxWindows !== undefined) m().maxWindows = f.maxWindows;

  if (f.images) spec.images = { kind: 'dir', path: f.images };
  else if (f.imageCount !== undefined || f.seed !== undefined) {
    const images = obj(spec, 'images');
    if (images.kind === undefined) images.kind = 'synthetic';
    if (images.kind === 'synthetic') {
      if (f.imageCount !== undefined) images.count = f.imageCount;
      if (f.seed !== undefined) images.seed = f.seed;
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
    batching.maxBatchSize = f.maxBatchSize ?? batching.maxBatchSize ?? 8;
    if (f.preferredBatchSizes) batching.preferredBatchSizes = f.preferredBatchSizes;
    if (f.maxQueueDelayUs !== undefined) batching.maxQueueDelayUs = f.maxQueueDelayUs;
    if (f.maxBatchSize !== undefined && !f.preferredBatchSizes && Array.isArray(batching.preferredBatchSizes)) {
      batching.preferredBatchSizes = (batching.preferredBatchSizes as number[]).filter((p) => p <= f.maxBatchSize!);
    }
  }
  if (policy === 'torchserve') {
    batching.batchSize = f.batchSize ?? batching.batchSize ?? 8;
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
  if (kind === 'closed-loop') load.concurrency = f.concurrency ?? load.concurrency ?? 8;
  else {
    const rps = f.rps ?? (load.rps as number | undefined);
    if (rps === undefined) throw new UsageError(`--load ${kind} needs --rps <requests per second>`);
    load.rps = rps;
    if (kind === 'poisson' && f.seed !== undefined) load.seed = f.seed;
  }
  spec.load = load;
}

/** How `profile` reaches the model: `--transport`, `--target`, `--protocol`, `--model-name`. */
export interface TransportFlags {
  transport?: 'inprocess' | 'http';
  target?: string;
  protocol?: HttpProtocol;
  modelName?: string;
}

export type TransportChoice =
  | { kind: 'inprocess' }
  /** --transport http: start the agent with this spec and drive it over loopback. */
  | { kind: 'agent'; protocol: 'raw' | 'kserve-v2' }
  /** --target URL: a server the user already runs. */
  | { kind: 'remote'; url: string; protocol: HttpProtocol; modelName?: string };

export function addTransportFlags(command: Command): Command {
  return command
    .option(
      '--transport <kind>',
      'inprocess (the pipeline in this process, default) or http (start the agent and drive it over loopback)',
      oneOf('--transport', ['inprocess', 'http'] as const),
    )
    .option('--target <url>', 'profile a server you already run (Triton, TorchServe, KServe, a capacity-plan agent) at this base URL')
    .option(
      '--protocol <protocol>',
      'over HTTP: raw (POST /v1/infer), kserve-v2 (POST /v2/models/<name>/infer, JSON tensors) or torchserve (POST /predictions/<name>); default raw',
      oneOf('--protocol', HTTP_PROTOCOLS),
    )
    .option('--model-name <name>', '--target: the model name in the protocol paths (kserve-v2, torchserve)');
}

/** Flags that configure the server: with --target the server's own configuration applies. */
const SERVER_FLAGS: readonly (readonly [keyof SpecFlags, string])[] = [
  ['model', '--model'],
  ['preset', '--preset'],
  ['device', '--device'],
  ['instances', '--instances'],
  ['threads', '--threads'],
  ['batching', '--batching'],
  ['maxBatchSize', '--max-batch-size'],
  ['preferredBatchSizes', '--preferred-batch-sizes'],
  ['maxQueueDelayUs', '--max-queue-delay-us'],
  ['batchSize', '--batch-size'],
  ['maxBatchDelayMs', '--max-batch-delay-ms'],
  ['configLoad', '--config-load'],
  ['payloadSpool', '--payload-spool'],
  ['spoolThresholdBytes', '--spool-threshold-bytes'],
  ['requestLog', '--request-log'],
  ['requestLogUrl', '--request-log-url'],
];

/** Checks the transport flags together; every invalid combination is a one-line UsageError. */
export function resolveTransport(flags: TransportFlags & SpecFlags): TransportChoice {
  const { transport, target, protocol, modelName } = flags;
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
    return { kind: 'agent', protocol: protocol ?? 'raw' };
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
  const server = SERVER_FLAGS.find(([key]) => flags[key] !== undefined);
  if (server) {
    throw new UsageError(
      `${server[1]} does not apply with --target: the target server's own configuration applies`,
      server[0] === 'model' ? 'name the served model with --model-name' : 'shape the load with --load, --concurrency, --rps, --duration',
    );
  }
  const chosen = protocol ?? 'raw';
  if (chosen === 'torchserve' && modelName === undefined) throw new UsageError('--protocol torchserve needs --model-name <name> (the {name} in /predictions/{name})');
  return { kind: 'remote', url: url.origin, protocol: chosen, modelName };
}

/**
 * The spec as the transport needs it: KServe v2 carries tensors (client-side preprocessing), and
 * TorchServe's inference API image files (server-side). Returns notes for the document.
 */
export function specForTransport(spec: ProfileSpec, choice: TransportChoice, flags: SpecFlags): { spec: ProfileSpec; warnings: string[] } {
  if (choice.kind === 'inprocess') return { spec, warnings: [] };
  const where = spec.pipeline.preprocess.where;
  if (choice.protocol === 'kserve-v2') {
    if (flags.preprocess === 'server') throw new UsageError('--protocol kserve-v2 sends tensors: it needs --preprocess client');
    if (where === 'client') return { spec, warnings: [] };
    const moved = withPreprocess(spec, 'client');
    return { spec: moved, warnings: flags.preset ? ['--protocol kserve-v2 sends tensors: preprocessing moved to the client (the preset has it on the server)'] : [] };
  }
  if (choice.protocol === 'torchserve' && where === 'client') {
    if (flags.preprocess === 'client') throw new UsageError('--protocol torchserve posts image files: it needs --preprocess server');
    return { spec: withPreprocess(spec, 'server'), warnings: [] };
  }
  return { spec, warnings: [] };
}

function withPreprocess(spec: ProfileSpec, where: 'server' | 'client'): ProfileSpec {
  return { ...spec, pipeline: { ...spec.pipeline, preprocess: { ...spec.pipeline.preprocess, where } } };
}
