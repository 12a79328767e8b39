import type { BatchingSpec, StageName } from '../schema/profileSpec.js';
import type { Engine } from '../model/engine.js';
import type { OutputTensor } from '../model/engineProtocol.js';
import type { InputSlot } from '../model/inputSlots.js';
import { fullBatchSize } from './batchPolicy.js';
import { DynamicBatcher } from './batcher.js';
import type { Clock } from '../util/clock.js';
import { RequestFailure, type RequestState, type Stage, type WireRequest } from './stage.js';

/**
 * The instrumented request pipeline: stages before the batcher, the batcher and engine, stages
 * after. The pipeline times every stage itself (stages never do), so the same numbers come out
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
  enqueuedAtMs: number;
  /** startedAtMs: when the batch could start on its instance (queueing ends, inference begins). */
  resolve(startedAtMs: number): void;
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
  private nextId = 1;
  private draining = false;

  constructor(private readonly options: PipelineOptions) {
    const { engine, clock } = options;
    const policy = capBatching(options.batching, engine.signature.maxBatch);
    this.policy = policy;
    this.batcher = new DynamicBatcher<Queued>({
      policy,
      clock,
      hasFreeInstance: () => engine.hasIdleInstance(),
      canQueueFullBatch: () => engine.hasFreeInstance(),
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
    const { clock, before, after } = this.options;
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
      const startedAtMs = await new Promise<number>((resolve, reject) => {
        const item: Queued = { state, enqueuedAtMs, resolve, reject };
        if (this.draining || options?.alone) this.runBatch([item]);
        else this.batcher.enqueue(item);
      });
      const nowMs = clock.nowMs();
      stageMs.queueWait = startedAtMs - enqueuedAtMs;
      stageMs.infer = nowMs - startedAtMs;
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

/** Item i's row of every output (an output without a batch dimension is every item's whole). */
function itemRows(outputs: OutputTensor[], i: number, count: number): OutputTensor[] {
  return outputs.map((o) => {
    if (o.dims[0] !== count) return o;
    const rowLength = o.data.length / count;
    return { name: o.name, dims: [1, ...o.dims.slice(1)], data: o.data.subarray(i * rowLength, (i + 1) * rowLength) };
  });
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
