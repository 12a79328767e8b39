import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { onnxruntimeVersion } from '../model/providers.js';
import type { ModelSignature } from '../model/signature.js';
import type { OutputKind } from '../serving/outputKind.js';
import type { ModelInfo, ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { CapacityPlanError, ExitCode, InterruptedError, MeasurementError, type ExitCodeName } from '../util/errors.js';
import { realClock, type Clock } from '../util/clock.js';
import { collectEnvironment, type CollectEnvironmentOptions, type CollectedEnvironment } from './environment/environment.js';
import { describeCorpus, loadCorpus } from './corpus/imageCorpus.js';
import { createRunEventBus, type RunEventBus } from './events.js';
import type { StageContext, WireRequest } from '../serving/stage.js';
import { preprocessConfigFrom } from '../serving/stages/configLoad.js';
import { encodeClientRequest } from '../serving/stages/preprocess.js';
import { openServingPipeline } from '../serving/servingPipeline.js';
import { measureColdStart } from './run/coldStart.js';
import { runWindowLoop } from './run/windowLoop.js';
import { assembleProfileResult } from './run/assembleProfileResult.js';
import { inProcessTarget, type ProfileTarget } from './target.js';
import { startTelemetry, type Telemetry } from './telemetry/telemetry.js';

/**
 * Runs one profile: model -> engine -> pipeline -> cold start -> load -> measurement windows ->
 * ProfileResult. Publishes its progress on a RunEventBus (./events.ts) that the CLI's progress bar
 * and the live web view subscribe to.
 */

export interface RunProfileOptions {
  spec: ProfileSpec;
  home: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  signal?: AbortSignal;
  /**
   * Where the run publishes its events; default: a bus of its own (nobody listening). Pass one to
   * subscribe before the run starts (a sweep passes the same bus to every point).
   */
  events?: RunEventBus;
  /** EC2 instance type the figures stand for, when not read from IMDS. */
  instanceType?: string;
  observe?: StageContext['observe'];
  clock?: Clock;
  /** Where requests go; default: the pipeline in this process. */
  openTarget?: OpenTarget;
  /**
   * Stop when the first EARLY_STOP_FAILURES requests all fail (default true). A sweep turns it off:
   * a point whose every request fails (a server shedding load) is a measurement the search needs.
   */
  stopEarlyOnFailures?: boolean;
  /** Host and GPU sampling; default: startTelemetry (tests pass a fake). */
  startTelemetry?: () => Telemetry;
  /** The environment record; default: collectEnvironment (tests pass a fake). */
  collectEnvironment?: (options: CollectEnvironmentOptions) => Promise<CollectedEnvironment>;
}

export type OpenTarget = (
  spec: ProfileSpec,
  options: {
    home: string;
    clock: Clock;
    observe?: StageContext['observe'];
    onPhase: (phase: 'model' | 'engine', message: string) => void;
    signal?: AbortSignal;
  },
) => Promise<ProfileTarget>;

const openInProcess: OpenTarget = async (spec, options) => inProcessTarget(await openServingPipeline({ spec, ...options }));

export async function runProfile(options: RunProfileOptions): Promise<ProfileResult> {
  const clock = options.clock ?? realClock;
  const events = options.events ?? createRunEventBus({ runId: randomUUID(), clock });
  let result: ProfileResult;
  try {
    result = await measureProfile(options, clock, events);
  } catch (error) {
    events.publish({ type: 'failed', ...describeFailure(error) });
    throw error;
  }
  events.publish({ type: 'phase', phase: 'done', message: 'done' });
  events.publish({ type: 'done', result });
  return result;
}

async function measureProfile(options: RunProfileOptions, clock: Clock, events: RunEventBus): Promise<ProfileResult> {
  const { spec, home, signal } = options;
  const warn = (message: string): string => {
    events.publish({ type: 'warning', message });
    return message;
  };
  const cleanups: (() => Promise<void> | void)[] = [];
  const checkAbort = (): void => {
    if (signal?.aborted) throw new InterruptedError('profile interrupted: no document written');
  };

  try {
    const target = await (options.openTarget ?? openInProcess)(spec, {
      home,
      clock,
      observe: options.observe,
      onPhase: (phase, message) => events.publish({ type: 'phase', phase, message }),
      signal,
    });
    cleanups.push(() => target.close());
    checkAbort();

    events.publish({ type: 'phase', phase: 'corpus', message: describeImages(spec) });
    const loaded = await loadCorpus(spec.images, home);
    // What was found and what was left out, so a folder of mostly other files does not look full.
    if (spec.images.kind === 'dir') events.publish({ type: 'phase', phase: 'corpus', message: describeCorpus(spec.images, loaded) });
    const corpus = loaded.images;
    const images = corpus.filter((image) => image.readError === undefined);
    const requests = await buildRequests(images, spec, target.itemShape, target.signature);
    // The load walks the whole corpus in order; a file that could not be read is a failure in its turn.
    const slots: (WireRequest | string)[] = [];
    let next = 0;
    for (const image of corpus) slots.push(image.readError === undefined ? requests[next++]! : `client: cannot read image file '${image.name}': ${image.readError}`);
    await target.prepare?.(requests);
    checkAbort();

    const telemetry = (options.startTelemetry ?? (() => startTelemetry({ intervalMs: 250, gpu: true })))();
    cleanups.push(() => telemetry.stop());

    events.publish({ type: 'phase', phase: 'cold-start', message: 'first request' });
    const coldStart = await measureColdStart(target, requests, clock);
    if (coldStart.warning) warn(coldStart.warning);
    checkAbort();

    const loop = await runWindowLoop({ target, slots, spec, clock, signal, telemetry, events, stopEarlyOnFailures: options.stopEarlyOnFailures ?? true });
    if (loop.interrupted) throw new InterruptedError('profile interrupted: no document written');
    if (loop.failedEarly) {
      const top = loop.failedEarly.reasons[0]!;
      const others = loop.failedEarly.reasons.length > 1 ? ` (and ${loop.failedEarly.reasons.length - 1} other reason(s))` : '';
      throw new MeasurementError(
        `the first ${loop.failedEarly.count} requests all failed, ${top.count} of them with '${top.reason}'${others}: stopped early, no document written`,
        spec.images.kind === 'dir' ? `check the images in ${spec.images.path} (--images) and that the model takes them` : 'check that the model takes these inputs',
      );
    }
    const m = spec.measurement;
    if (loop.windows.length === 0) {
      throw new MeasurementError(
        `no measurement window fit in --duration ${m.durationS}s after ${m.warmupS}s of warm-up`,
        'raise --duration or lower --warmup/--window',
      );
    }
    const output = (await target.outputKind?.()) ?? {};
    // A raw kind is known from the outputs' shapes and already among the target's warnings.
    const outputNote = output.note && !target.warnings.includes(output.note) ? [output.note] : [];
    for (const warning of [...target.warnings, ...outputNote]) warn(warning);
    const unstable = loop.stability.stable ? [] : [warn(`unstable: ${loop.stability.note}`)];

    const { environment, warnings: environmentWarnings } = await (options.collectEnvironment ?? collectEnvironment)({
      env: options.env,
      onnxruntimeVersion: onnxruntimeVersion(),
      // A server we did not start runs on what it runs on: its own spec's device, or unknown.
      executionProvider: target.servedSpec ? target.servedSpec.engine.device : isExternalServer(target) ? undefined : spec.engine.device,
      gpus: telemetry.gpus(),
      gpuAbsentReason: telemetry.gpuAbsentReason(),
      instanceType: options.instanceType,
      now: options.now(),
    });
    for (const warning of environmentWarnings) warn(warning);

    // Over --transport http the profiler is the load generator: the server's CPU and RSS are the agent's.
    const server = target.processUtilization?.();
    return assembleProfileResult({
      spec: documentSpec(spec, target.servedSpec),
      createdAt: options.now(),
      environment,
      model: await modelInfo(target, spec, output.kind),
      transport: target.transport,
      windows: loop.windows,
      summaries: server ? loop.summaries.map(withoutProcessFigures) : loop.summaries,
      stability: loop.stability,
      coldStart: { modelLoadMs: target.modelLoadMs, firstRequestMs: coldStart.firstRequestMs, warmMedianMs: coldStart.warmMedianMs },
      utilization: server ? { ...withoutProcessFigures(telemetry.overall()), ...server } : telemetry.overall(),
      warnings: [...target.warnings, ...outputNote, ...(coldStart.warning ? [coldStart.warning] : []), ...unstable, ...environmentWarnings],
    });
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Cleanup must not hide the run's own error.
      }
    }
  }
}

/** The failed event's fields: a CapacityPlanError's exit code by name, anything else is internal. */
function describeFailure(error: unknown): { message: string; errorName: string; exitCode: ExitCodeName } {
  if (error instanceof CapacityPlanError) {
    const exitCode = (Object.keys(ExitCode) as ExitCodeName[]).find((name) => ExitCode[name] === error.exitCode) ?? 'internal';
    return { message: error.oneLine(), errorName: error.name, exitCode };
  }
  return error instanceof Error
    ? { message: error.message, errorName: error.name, exitCode: 'internal' }
    : { message: String(error), errorName: 'Error', exitCode: 'internal' };
}

/** Drops this process's CPU and RSS (the load generator's), keeping host and GPU figures. */
function withoutProcessFigures<T extends { cpuUtilPct?: number; cpuPct?: number; rssMiB?: unknown }>(figures: T): T {
  const { cpuUtilPct: _cpu, cpuPct: _pct, rssMiB: _rss, ...rest } = figures;
  return rest as T;
}

function isExternalServer(target: ProfileTarget): boolean {
  return target.transport?.kind === 'http' && target.transport.serverSpec === 'unknown (external server)';
}

/**
 * The serving parts of the spec are the server's own where it says them (a capacity-plan agent's
 * /v1/info); load, measurement and where preprocessing ran (this client, for tensor protocols)
 * are this run's.
 */
function documentSpec(spec: ProfileSpec, served: ProfileSpec | undefined): ProfileSpec {
  if (!served) return spec;
  return {
    ...spec,
    model: served.model,
    engine: served.engine,
    batching: served.batching,
    pipeline: { ...served.pipeline, preprocess: { ...served.pipeline.preprocess, where: spec.pipeline.preprocess.where } },
  };
}

async function modelInfo(target: ProfileTarget, spec: ProfileSpec, outputKind: OutputKind | undefined): Promise<ModelInfo | undefined> {
  if (!target.signature) return undefined;
  return {
    source: target.modelSource ?? spec.model.source,
    path: target.modelPath,
    ...(target.modelPath ? await fileDigest(target.modelPath) : {}),
    inputName: target.signature.inputName,
    inputShape: target.signature.inputShape,
    inputType: target.signature.inputType,
    outputName: target.signature.outputName,
    outputShape: target.signature.outputShape,
    ...((target.signature.outputs?.length ?? 0) > 1 ? { outputs: target.signature.outputs } : {}),
    ...(target.signature.layout === 'nhwc' ? { layout: target.signature.layout } : {}),
    ...(outputKind ? { outputKind } : {}),
  };
}

function describeImages(spec: ProfileSpec): string {
  const s = spec.images;
  return s.kind === 'dir' ? `images from ${s.path}` : `${s.count} synthetic images (seed ${s.seed})`;
}

/** Wire requests for the corpus. Client-side preprocessing is done here, before the clock runs. */
async function buildRequests(
  images: { name: string; bytes: Buffer }[],
  spec: ProfileSpec,
  itemShape: [number, number, number],
  signature: ModelSignature | undefined,
): Promise<WireRequest[]> {
  if (spec.pipeline.preprocess.where === 'server') {
    return images.map((img) => ({ contentType: contentTypeOf(img.name), body: img.bytes }));
  }
  const config = preprocessConfigFrom(spec, itemShape, signature);
  const requests: WireRequest[] = [];
  for (const img of images) {
    try {
      requests.push(await encodeClientRequest(img.bytes, config));
    } catch {
      // An image the client cannot decode is sent raw, so the server counts it as a failed request.
      requests.push({ contentType: 'application/octet-stream', body: img.bytes });
    }
  }
  return requests;
}

function contentTypeOf(name: string): string {
  const lower = name.toLowerCase();
  if (lower.endsWith('.png')) return 'image/png';
  if (lower.endsWith('.webp')) return 'image/webp';
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return 'image/jpeg';
  return 'application/octet-stream';
}

async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}
