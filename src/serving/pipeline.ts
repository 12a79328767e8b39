import { TORCHSERVE_HANDLER_STAGES, type BatchingSpec, type StageName } from '../schema/profileSpec.js';
import type { Engine } from '../model/engine.js';
import type { InputSlot } from '../model/inputSlots.js';
import { fullBatchSize } from './batchPolicy.js';
import { DynamicBatcher } from './batcher.js';
import { itemRows, runHandlerBatch, type HandlerStages } from './handlerWorker.js';
import type { Clock } from '../util/clock.js';
import { RequestFailure, type RequestState, type Stage, type WireRequest } from './stage.js';

/**
 * The instrumented request pipeline: stages before the batcher, the batcher and engine, stages
 * after; behind TorchServe's policy the handler's stages run in its workers (handlerWorker.ts). The pipeline times every stage itself (stages never do), so the same numbers come out
 * whether a request arrived in process or over HTTP.
 */

export type StageTimings = Partial<Record<StageName, number>>;

export interface RequestOutcome {
  ok: boolean;
  stageMs: StageTimings;
  /** From the intended send time to the response being ready. */
  endToEndMs: number;
  completedAtMs: number;
  /** HTTP transports only: the server's own total for this request (from Server-Timing). */
  serverTotalMs?: number;
  /** Absent for remote transports, which see only the response. */
  state?: RequestState;
  failure?: { stage: StageName | 'pipeline'; reason: string };
}

interface Queued {
  state: RequestState;
  stageMs: StageTimings;
  enqueuedAtMs: number;
  /**
   * Batcher: when the batch could start on its instance (queueing ends, inference begins).
   * TorchServe's workers: when the worker answered the batch (its handler stages are in stageMs).
   */
  resolve(atMs: number): void;
  reject(error: unknown): void;
}

export interface PipelineOptions {
  before: Stage[];
  after: Stage[];
  engine: Engine;
  batching: BatchingSpec;
  clock: Clock;
  /** Called once per dispatched batch, with its size. */
  onBatch?: (size: number) => void;
}

export interface HandleOptions {
  /**
   * Run this request as a batch of its own, not held by the batching policy: the profiler's
   * cold-start request, sent before any load, which a policy without a max delay (TorchServe's
   * batch of 8 with no max_batch_delay) would otherwise hold forever waiting for 7 more.
   */
  alone?: boolean;
}

export class RequestPipeline {
  private readonly batcher: DynamicBatcher<Queued>;
  /** The batching policy as run: the spec's, capped at the model's fixed batch dimension. */
  private readonly policy: BatchingSpec;
  /** The stages ahead of the batcher and after the model, as this pipeline runs them itself. */
  private readonly frontend: { before: Stage[]; after: Stage[] };
  /** TorchServe's policy: the stages its workers' handler runs, one batch per worker at a time. */
  private readonly handler?: HandlerStages;
  private busyWorkers = 0;
  private nextId = 1;
  private draining = false;

  constructor(private readonly options: PipelineOptions) {
    const { engine, clock } = options;
    const policy = capBatching(options.batching, engine.signature.maxBatch);
    this.policy = policy;
    const { before, after } = options;
    if (policy.policy === 'torchserve') {
      const inHandler = (s: Stage): boolean => TORCHSERVE_HANDLER_STAGES.has(s.name);
      this.handler = { before: before.filter(inHandler), after: after.filter(inHandler) };
      this.frontend = { before: before.filter((s) => !inHandler(s)), after: after.filter((s) => !inHandler(s)) };
    } else {
      this.frontend = { before, after };
    }
    const workers = engine.instanceCount;
    this.batcher = new DynamicBatcher<Queued>({
      policy,
      clock,
      // A TorchServe worker takes its next batch only when it has answered the last one.
      hasFreeInstance: this.handler ? () => this.busyWorkers < workers : () => engine.hasIdleInstance(),
      canQueueFullBatch: this.handler ? undefined : () => engine.hasFreeInstance(),
      dispatch: (items) => this.runBatch(items),
    });
    engine.onInstanceFree = () => this.batcher.poke();
    // A buffer holds the policy's largest batch, so a full batch is one buffer's slots in order.
    engine.inputSlots.slotsPerBuffer = Math.max(1, fullBatchSize(policy));
  }

  /**
   * Runs one request through every stage. Never rejects: failures come back as outcomes.
   *
   * The clock is read once between consecutive stages, and each stage is charged from the previous
   * reading to its own end: the time a request spends waiting to resume after an awaited stage
   * (other requests' work on the event loop) belongs to that stage, so the stage times add up to the
   * request's time in the pipeline exactly. A stage that finishes synchronously is not awaited: an
   * await would only hand the event loop to other requests mid-pipeline.
   */
  async handle(request: WireRequest, intendedAtMs: number, options?: HandleOptions): Promise<RequestOutcome> {
    const { clock } = this.options;
    const { before, after } = this.frontend;
    const state: RequestState = { id: this.nextId++, request };
    const stageMs: StageTimings = {};
    let markMs = clock.nowMs();
    try {
      for (const stage of before) {
        const pending = stage.run(state);
        if (pending) await pending;
        const nowMs = clock.nowMs();
        stageMs[stage.name] = nowMs - markMs;
        markMs = nowMs;
      }
      const enqueuedAtMs = markMs;
      const atMs = await new Promise<number>((resolve, reject) => {
        const item: Queued = { state, stageMs, enqueuedAtMs, resolve, reject };
        if (this.draining || options?.alone) this.runBatch([item]);
        else this.batcher.enqueue(item);
      });
      const nowMs = clock.nowMs();
      if (this.handler) {
        // Whatever of the time in the worker was not this request's own work was waiting.
        let ownMs = 0;
        for (const stage of this.handler.before) ownMs += stageMs[stage.name] ?? 0;
        for (const stage of this.handler.after) ownMs += stageMs[stage.name] ?? 0;
        stageMs.queueWait = nowMs - enqueuedAtMs - ownMs - (stageMs.infer ?? 0);
      } else {
        stageMs.queueWait = atMs - enqueuedAtMs;
        stageMs.infer = nowMs - atMs;
      }
      markMs = nowMs;
      for (const stage of after) {
        const pending = stage.run(state);
        if (pending) await pending;
        const nowMs = clock.nowMs();
        stageMs[stage.name] = nowMs - markMs;
        markMs = nowMs;
      }
      return { ok: true, stageMs, endToEndMs: markMs - intendedAtMs, completedAtMs: markMs, state, failure: undefined };
    } catch (error) {
      const failure: RequestOutcome['failure'] =
        error instanceof RequestFailure ? { stage: error.stage, reason: error.reason } : { stage: 'pipeline', reason: (error as Error).message ?? String(error) };
      // A slot whose request never reached a batch is given back (a no-op once dispatched).
      if (state.slot) this.options.engine.inputSlots.free(state.slot);
      const completedAtMs = clock.nowMs();
      return { ok: false, stageMs, endToEndMs: completedAtMs - intendedAtMs, completedAtMs, state, failure };
    }
  }

  /** Requests still waiting in the batcher. */
  pending(): number {
    return this.batcher.pending();
  }

  /**
   * Stops batching by policy: whatever waits is dispatched now, and later arrivals run alone.
   * Used at the end of a run and on graceful shutdown, so no request waits forever for a full
   * batch (TorchServe's policy without a max delay would otherwise hang the drain).
   */
  drain(): void {
    this.draining = true;
    const waiting = this.batcher.drain();
    const max = fullBatchSize(this.policy);
    for (let i = 0; i < waiting.length; i += max) this.runBatch(waiting.slice(i, i + max));
  }

  close(): void {
    this.drain();
    this.batcher.close();
  }

  private runBatch(items: Queued[]): void {
    const { engine, clock } = this.options;
    const dispatchedAtMs = clock.nowMs();
    this.options.onBatch?.(items.length);
    if (this.handler) {
      this.busyWorkers++;
      void runHandlerBatch(items, this.handler, engine, clock).finally(() => {
        this.busyWorkers--;
        this.batcher.poke();
      });
      return;
    }
    const inputs = new Array<Float32Array | InputSlot>(items.length);
    for (let i = 0; i < items.length; i++) inputs[i] = items[i]!.state.slot ?? items[i]!.state.tensor!;
    engine.infer(inputs).then(
      (result) => {
        // Time the batch spent queued on its instance behind an earlier one is queueing, not inference.
        const startedAtMs = dispatchedAtMs + result.waitedMs;
        const rowLength = result.data.length / items.length;
        for (let i = 0; i < items.length; i++) {
          const item = items[i]!;
          item.state.output = result.data.subarray(i * rowLength, (i + 1) * rowLength);
          if (result.outputs) item.state.outputs = itemRows(result.outputs, i, items.length);
          item.resolve(startedAtMs);
        }
      },
      (error: Error) => {
        for (const item of items) item.reject(new RequestFailure('infer', error.message.split('\n')[0]!));
      },
    );
  }
}

/** A model with a fixed batch dimension cannot take bigger batches than it declares. */
function capBatching(batching: BatchingSpec, modelMaxBatch: number): BatchingSpec {
  if (!Number.isFinite(modelMaxBatch)) return batching;
  if (batching.policy === 'triton' && batching.maxBatchSize > modelMaxBatch) {
    return {
      ...batching,
      maxBatchSize: modelMaxBatch,
      preferredBatchSizes: batching.preferredBatchSizes.filter((p) => p <= modelMaxBatch),
    };
  }
  if (batching.policy === 'torchserve' && batching.batchSize > modelMaxBatch) {
    return { ...batching, batchSize: modelMaxBatch };
  }
  return batching;
}
