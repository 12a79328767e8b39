import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { onnxruntimeVersion } from '../model/providers.js';
import { PROFILE_SCHEMA_VERSION, type MeasurementWindow, type ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { InterruptedError, MeasurementError } from '../util/errors.js';
import { realClock, type Clock } from '../util/clock.js';
import { runLoad } from './core/loadExecutor.js';
import { assessStability, stabilityLoadOf } from './core/stability.js';
import { summarize } from './core/histogram.js';
import { collectEnvironment } from './environment/environment.js';
import { loadImageCorpus } from './corpus/imageCorpus.js';
import { mergeWindows, WindowRecorder } from './recorder.js';
import type { PreprocessConfig, StageContext, WireRequest } from '../serving/stage.js';
import { preprocessConfigFrom } from '../serving/stages/configLoad.js';
import { encodeClientRequest } from '../serving/stages/preprocess.js';
import { openServingPipeline } from '../serving/servingPipeline.js';
import { inProcessTarget, type ProfileTarget } from './target.js';
import { startTelemetry } from './telemetry/telemetry.js';
import { median } from '../util/median.js';

/**
 * Runs one profile: model -> engine -> pipeline -> load -> measurement windows -> ProfileResult.
 * Emits events (phase, window, progress) that the CLI's progress bar and the live web view follow.
 */

/** Lone requests sent after the first one, whose median is the warm figure cold start is compared with. */
const WARM_ALONE_REQUESTS = 5;

export type ProfileEvent =
  | { type: 'phase'; phase: 'model' | 'corpus' | 'engine' | 'cold-start' | 'warmup' | 'measure' | 'drain' | 'done'; message: string }
  | { type: 'window'; window: MeasurementWindow; stable: boolean; note: string }
  | { type: 'progress'; elapsedMs: number; totalMs: number; completed: number; failed: number; dropped: number };

export interface RunProfileOptions {
  spec: ProfileSpec;
  home: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  signal?: AbortSignal;
  onEvent?: (event: ProfileEvent) => void;
  /** EC2 instance type the figures stand for, when not read from IMDS. */
  instanceType?: string;
  observe?: StageContext['observe'];
  clock?: Clock;
  /** Where requests go; default: the pipeline in this process. */
  openTarget?: OpenTarget;
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
  const { spec, home, signal } = options;
  const clock = options.clock ?? realClock;
  const emit = options.onEvent ?? (() => {});
  const warnings: string[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  const checkAbort = (): void => {
    if (signal?.aborted) throw new InterruptedError('profile interrupted: no document written');
  };

  try {
    const target = await (options.openTarget ?? openInProcess)(spec, {
      home,
      clock,
      observe: options.observe,
      onPhase: (phase, message) => emit({ type: 'phase', phase, message }),
      signal,
    });
    cleanups.push(() => target.close());
    checkAbort();

    emit({ type: 'phase', phase: 'corpus', message: describeImages(spec) });
    const corpus = await loadImageCorpus(spec.images, home);
    const images = corpus.filter((image) => image.readError === undefined);
    const requests = await buildRequests(images, spec, target.itemShape);
    // The load walks the whole corpus in order; a file that could not be read is a failure in its turn.
    const slots: (WireRequest | string)[] = [];
    let next = 0;
    for (const image of corpus) slots.push(image.readError === undefined ? requests[next++]! : `client: cannot read image file '${image.name}': ${image.readError}`);
    await target.prepare?.(requests);
    let current: WindowRecorder | null = null;
    target.onBatch = (size) => current?.recordBatch(size);
    checkAbort();

    const telemetry = startTelemetry({ intervalMs: 250, gpu: true });
    cleanups.push(() => telemetry.stop());

    // Cold start: the first request alone, before any warm-up.
    emit({ type: 'phase', phase: 'cold-start', message: 'first request' });
    const first = await target.send(requests[0]!, clock.nowMs(), { alone: true });
    if (!first.ok) warnings.push(`the first request failed (${first.failure?.stage}: ${first.failure?.reason})`);
    // What the first request is compared with: the same kind of lone request once warm. (The
    // median under load would mix in queueing: at 32 clients it is often slower than a cold one.)
    const warmAloneMs: number[] = [];
    for (let i = 1; i <= WARM_ALONE_REQUESTS; i++) {
      const outcome = await target.send(requests[i % requests.length]!, clock.nowMs(), { alone: true });
      if (outcome.ok) warmAloneMs.push(outcome.endToEndMs);
    }
    checkAbort();

    const m = spec.measurement;
    const totalMs = m.durationS * 1000;
    const windowMs = m.windowS * 1000;
    const loadAbort = new AbortController();
    const onAbort = (): void => loadAbort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal?.removeEventListener('abort', onAbort));

    const startMs = clock.nowMs();
    let inFlight = 0;
    const send = async (intendedAtMs: number, seq: number): Promise<void> => {
      inFlight += 1;
      try {
        const slot = slots[seq % slots.length]!;
        if (typeof slot === 'string') {
          current?.recordFailure(slot);
        } else {
          // Awaited first: `current?.record(await ...)` would skip the send whenever no window is open.
          const outcome = await target.send(slot, intendedAtMs);
          current?.record(outcome);
        }
      } finally {
        inFlight -= 1;
      }
    };
    const loadDone = runLoad({
      load: spec.load,
      durationMs: totalMs,
      clock,
      send,
      signal: loadAbort.signal,
      onDropped: () => {
        if (current) current.dropped += 1;
      },
    });

    emit({ type: 'phase', phase: 'warmup', message: `warming up for ${m.warmupS}s` });
    await sleep(clock, m.warmupS * 1000, loadAbort.signal);

    const windows: WindowRecorder[] = [];
    const summaries: MeasurementWindow[] = [];
    let stability = { stable: false, note: 'no measurement window completed' };
    emit({ type: 'phase', phase: 'measure', message: `measuring in ${m.windowS}s windows` });
    // A target in another process cannot call onBatch: its cumulative counts, read at each window
    // boundary, give each window its batches (windows are back to back: one read per window, not
    // awaited inside the window loop, chained so that each window subtracts the read before it).
    const readBatchCounts = target.batchSizeCounts?.bind(target);
    let batchCounts: Promise<Map<number, number>> | undefined = readBatchCounts?.().catch(() => new Map());
    while (!loadAbort.signal.aborted) {
      const elapsed = clock.nowMs() - startMs;
      if (summaries.length >= m.maxWindows) {
        stability.note = `${stability.note}; stopped at the bound of ${m.maxWindows} windows`;
        break;
      }
      if (elapsed + windowMs > totalMs + 1) {
        stability.note = `${stability.note}; stopped at the ${m.durationS}s duration bound`;
        break;
      }
      const recorder = new WindowRecorder(clock.nowMs());
      current = recorder;
      await sleep(clock, windowMs, loadAbort.signal);
      if (loadAbort.signal.aborted) break;
      const endMs = clock.nowMs();
      current = null;
      if (batchCounts && readBatchCounts) {
        const read = readBatchCounts().catch(() => undefined);
        batchCounts = batchCounts.then(async (before) => {
          const counts = (await read) ?? before;
          for (const [size, count] of counts) {
            for (let i = count - (before.get(size) ?? 0); i > 0; i--) recorder.recordBatch(size);
          }
          return counts;
        });
      }
      windows.push(recorder);
      const durationMs = endMs - recorder.startMs;
      const summary: MeasurementWindow = {
        index: summaries.length,
        startMs: recorder.startMs - startMs,
        durationMs,
        completed: recorder.completed,
        failed: recorder.failed,
        dropped: recorder.dropped,
        throughputRps: (recorder.completed * 1000) / durationMs,
        latency: summarize(recorder.endToEnd),
        ...telemetry.summarize(recorder.startMs, endMs),
      };
      summaries.push(summary);
      stability = assessStability(
        summaries.map((w) => ({ throughputRps: w.throughputRps, latencyMs: w.latency.p95Ms, completed: w.completed, durationMs: w.durationMs, dropped: w.dropped })),
        { stabilityPct: m.stabilityPct, stableWindows: m.stableWindows, load: stabilityLoadOf(spec.load) },
      );
      emit({ type: 'window', window: summary, stable: stability.stable, note: stability.note });
      emit({
        type: 'progress',
        elapsedMs: endMs - startMs,
        totalMs,
        completed: summaries.reduce((n, w) => n + w.completed, 0),
        failed: summaries.reduce((n, w) => n + w.failed, 0),
        dropped: summaries.reduce((n, w) => n + w.dropped, 0),
      });
      if (stability.stable) break;
    }
    current = null;
    await batchCounts;
    const interrupted = signal?.aborted ?? false;
    emit({ type: 'phase', phase: 'drain', message: `draining ${inFlight} in-flight request(s)` });
    loadAbort.abort();
    target.drain();
    await loadDone;
    warnings.unshift(...target.warnings);
    if (interrupted) throw new InterruptedError('profile interrupted: no document written');
    if (windows.length === 0) {
      throw new MeasurementError(
        `no measurement window fit in --duration ${m.durationS}s after ${m.warmupS}s of warm-up`,
        'raise --duration or lower --warmup/--window',
      );
    }

    // Figures come from the stable windows when there are, else from every window measured.
    const used = stability.stable ? windows.slice(-m.stableWindows) : windows;
    const usedSummaries = stability.stable ? summaries.slice(-m.stableWindows) : summaries;
    const merged = mergeWindows(used);
    const measuredMs = usedSummaries.reduce((t, w) => t + w.durationMs, 0);
    if (!stability.stable) warnings.push(`unstable: ${stability.note}`);

    const overall = telemetry.overall();
    const { environment, warnings: environmentWarnings } = await collectEnvironment({
      env: options.env,
      onnxruntimeVersion: onnxruntimeVersion(),
      executionProvider: spec.engine.device,
      gpus: telemetry.gpus(),
      gpuAbsentReason: telemetry.gpuAbsentReason(),
      instanceType: options.instanceType,
      now: options.now(),
    });
    warnings.push(...environmentWarnings);

    const batchCount = [...merged.batchSizes.values()].reduce((a, b) => a + b, 0);
    const batchItems = [...merged.batchSizes].reduce((a, [size, count]) => a + size * count, 0);
    const e2eMean = merged.endToEnd.meanMs;
    const result: ProfileResult = {
      schemaVersion: PROFILE_SCHEMA_VERSION,
      kind: 'profile-result',
      name: spec.name,
      createdAt: options.now().toISOString(),
      provenance: { kind: 'measured', tool: 'capacity-plan profile' },
      spec,
      environment,
      model: target.signature
        ? {
            source: target.modelSource ?? spec.model.source,
            path: target.modelPath,
            ...(target.modelPath ? await fileDigest(target.modelPath) : {}),
            inputName: target.signature.inputName,
            inputShape: target.signature.inputShape,
            inputType: target.signature.inputType,
            outputName: target.signature.outputName,
            outputShape: target.signature.outputShape,
          }
        : undefined,
      transport: target.transport,
      measurement: {
        stable: stability.stable,
        stabilityNote: stability.note,
        warmupS: m.warmupS,
        measuredS: measuredMs / 1000,
        windows: summaries,
      },
      throughputRps: (merged.completed * 1000) / measuredMs,
      latency: { endToEnd: merged.endToEnd, server: merged.server },
      stages: merged.stages.map(({ name, summary }) => ({
        name,
        ...summary,
        sharePct: e2eMean > 0 ? (summary.meanMs / e2eMean) * 100 : 0,
      })),
      batches: {
        meanBatchSize: batchCount > 0 ? batchItems / batchCount : 0,
        sizeCounts: Object.fromEntries([...merged.batchSizes].sort((a, b) => a[0] - b[0]).map(([s, c]) => [String(s), c])),
      },
      requests: {
        completed: merged.completed,
        failed: merged.failed,
        dropped: merged.dropped,
        failures: merged.failures,
      },
      utilization: overall,
      coldStart: {
        modelLoadMs: target.modelLoadMs,
        firstRequestMs: first.ok ? first.endToEndMs : undefined,
        warmMedianMs: warmAloneMs.length > 0 ? median(warmAloneMs) : undefined,
      },
      costExtras:
        spec.pipeline.requestLog.usdPerMonth !== undefined && spec.pipeline.requestLog.mode !== 'off'
          ? [{ item: `request logging (${spec.pipeline.requestLog.mode})`, usdPerMonth: spec.pipeline.requestLog.usdPerMonth }]
          : [],
      warnings,
    };
    emit({ type: 'phase', phase: 'done', message: 'done' });
    return result;
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

function describeImages(spec: ProfileSpec): string {
  const s = spec.images;
  return s.kind === 'dir' ? `images from ${s.path}` : `${s.count} synthetic images (seed ${s.seed})`;
}

/** Wire requests for the corpus. Client-side preprocessing is done here, before the clock runs. */
async function buildRequests(
  images: { name: string; bytes: Buffer }[],
  spec: ProfileSpec,
  itemShape: [number, number, number],
): Promise<WireRequest[]> {
  if (spec.pipeline.preprocess.where === 'server') {
    return images.map((img) => ({ contentType: contentTypeOf(img.name), body: img.bytes }));
  }
  const config = preprocessConfigFrom(spec, itemShape);
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

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
