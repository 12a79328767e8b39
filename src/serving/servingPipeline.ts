import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, servingDepthPerInstance, type EngineOptions } from '../model/engine.js';
import { resolveModelPath } from '../model/modelCache.js';
import type { ModelSignature } from '../model/signature.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { Clock } from '../util/clock.js';
import { createListeners } from '../util/listeners.js';
import { startLogSink } from './logSink.js';
import { OutputInterpreter } from './outputKind.js';
import { RequestPipeline } from './pipeline.js';
import type { StageContext } from './stage.js';
import { createPipelineStages } from './stages/index.js';

/**
 * Everything that serves requests for one spec: the model (built or found), the engine's
 * instances, the stages and the batcher. The profiler drives it in process; the agent serves it
 * over HTTP. close() releases all of it, request log flushed, scratch files removed.
 */
export interface ServingPipeline {
  pipeline: RequestPipeline;
  engine: Engine;
  /** The spec as served (with the local log sink's URL filled in when one was started). */
  spec: ProfileSpec;
  ctx: StageContext;
  modelPath: string;
  /** Wall time from asking for the engine to all instances being ready (cold start). */
  modelLoadMs: number;
  warnings: string[];
  /** Calls listener once per dispatched batch with its size; returns the unsubscribe function. */
  onBatch(listener: (size: number) => void): () => void;
  close(): Promise<void>;
}

export interface OpenServingOptions {
  spec: ProfileSpec;
  home: string;
  clock: Clock;
  observe?: StageContext['observe'];
  onPhase?: (phase: 'model' | 'engine', message: string) => void;
  /** Engine tuning beyond the spec (benchmarks compare settings with it). */
  engineOptions?: Pick<EngineOptions, 'depthPerInstance' | 'allowSpinning'>;
}

export async function openServingPipeline(options: OpenServingOptions): Promise<ServingPipeline> {
  const { spec, home, clock } = options;
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // One failed cleanup must not keep the others from running.
      }
    }
    cleanups.length = 0;
  };
  try {
    options.onPhase?.('model', `resolving model ${spec.model.source}`);
    const model = await resolveModelPath(spec.model.source, home);
    options.onPhase?.('engine', `starting ${spec.engine.instances} instance(s) on ${spec.engine.device}`);
    const startMs = clock.nowMs();
    const engine = await Engine.open({
      modelPath: model.path,
      engine: spec.engine,
      inputShape: spec.model.inputShape,
      layout: spec.model.layout,
      // Where the event loop has a core of its own, the next full batch is handed over while one
      // runs (see DynamicBatcher's canQueueFullBatch).
      depthPerInstance: servingDepthPerInstance(spec.engine),
      ...options.engineOptions,
    });
    const modelLoadMs = clock.nowMs() - startMs;
    cleanups.push(() => engine.close());

    const scratchDir = await mkdtemp(join(tmpdir(), 'capacity-plan-run-'));
    cleanups.push(() => rm(scratchDir, { recursive: true, force: true }));
    let served = spec;
    if (spec.pipeline.requestLog.mode === 'http' && !spec.pipeline.requestLog.url) {
      const sink = await startLogSink();
      cleanups.push(() => sink.close());
      served = { ...spec, pipeline: { ...spec.pipeline, requestLog: { ...spec.pipeline.requestLog, url: sink.url } } };
    }
    const { signature } = engine;
    const output = new OutputInterpreter(signature.outputs ?? [], spec.model.output);
    const ctx: StageContext = { spec: served, inputShape: signature.itemShape, signature, output, inputSlots: engine.inputSlots, scratchDir, observe: options.observe };
    const { before, after } = createPipelineStages(ctx);
    cleanups.push(async () => {
      for (const stage of [...before, ...after]) await stage.close?.();
    });
    const batches = createListeners<number>();
    const serving: ServingPipeline = {
      pipeline: new RequestPipeline({ before, after, engine, batching: spec.batching, clock, onBatch: (size) => batches.emit(size) }),
      engine,
      spec: served,
      ctx,
      modelPath: model.path,
      modelLoadMs,
      warnings: [...batchCapWarnings(spec, signature.maxBatch), ...inputWarnings(spec, signature), ...(output.kind === 'raw' ? [output.note()!] : [])],
      onBatch: (listener) => batches.add(listener),
      close,
    };
    // Stages close after the pipeline drains (cleanups run in reverse).
    cleanups.push(() => serving.pipeline.close());
    return serving;
  } catch (error) {
    await close();
    throw error;
  }
}

function batchCapWarnings(spec: ProfileSpec, modelMaxBatch: number): string[] {
  if (!Number.isFinite(modelMaxBatch)) return [];
  const b = spec.batching;
  const asked = b.policy === 'triton' ? b.maxBatchSize : b.policy === 'torchserve' ? b.batchSize : 1;
  return asked > modelMaxBatch
    ? [`the model's batch dimension is fixed at ${modelMaxBatch}: batches were capped at ${modelMaxBatch} (asked for ${asked})`]
    : [];
}

/** uint8 inputs take pixel values as they are: the spec's mean and std do not apply. */
function inputWarnings(spec: ProfileSpec, signature: ModelSignature): string[] {
  const notes: string[] = [];
  if (signature.inputType === 'uint8') notes.push(`the model input '${signature.inputName}' is uint8: it gets pixel values 0-255, not normalised (mean/std unused)`);
  if (signature.layout === 'nhwc' && spec.model.layout === undefined) notes.push(`the model input '${signature.inputName}' [${signature.inputShape.join(', ')}] is read as channels last (NHWC); set --layout nchw if that is wrong`);
  return notes;
}
