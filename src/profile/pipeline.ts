import type { BatchingSpec, StageName } from '../schema/profileSpec.js';
import type { Engine } from '../model/engine.js';
import { DynamicBatcher } from './core/batcher.js';
import type { Clock } from './core/clock.js';
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
  resolve(value: { dispatchedAtMs: number; doneAtMs: number }): void;
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

export class RequestPipeline {
  private readonly batcher: DynamicBatcher<Queued>;
  private nextId = 1;
  private draining = false;

  constructor(private readonly options: PipelineOptions) {
    const { engine, clock } = options;
    const policy = capBatching(options.batching, engine.signature.maxBatch);
    this.batcher = new DynamicBatcher<Queued>({
      policy,
      clock,
      hasFreeInstance: () => engine.hasFreeInstance(),
      dispatch: (items) => this.runBatch(items),
    });
    engine.onInstanceFree = () => this.batcher.poke();
  }

  /** Runs one request through every stage. Never rejects: failures come back as outcomes. */
  async handle(request: WireRequest, intendedAtMs: number): Promise<RequestOutcome> {
    const { clock } = this.options;
    const state: RequestState = { id: this.nextId++, request };
    const stageMs: StageTimings = {};
    const finish = (failure?: RequestOutcome['failure']): RequestOutcome => {
      const completedAtMs = clock.nowMs();
      return { ok: !failure, stageMs, endToEndMs: completedAtMs - intendedAtMs, completedAtMs, state, failure };
    };
    try {
      for (const stage of this.options.before) {
        const start = clock.nowMs();
        await stage.run(state);
        stageMs[stage.name] = clock.nowMs() - start;
      }
      const enqueuedAtMs = clock.nowMs();
      const { dispatchedAtMs, doneAtMs } = await new Promise<{ dispatchedAtMs: number; doneAtMs: number }>((resolve, reject) => {
        const item = { state, enqueuedAtMs, resolve, reject };
        if (this.draining) this.runBatch([item]);
        else this.batcher.enqueue(item);
      });
      stageMs.queueWait = dispatchedAtMs - enqueuedAtMs;
      stageMs.infer = clock.nowMs() - dispatchedAtMs;
      void doneAtMs;
      for (const stage of this.options.after) {
        const start = clock.nowMs();
        await stage.run(state);
        stageMs[stage.name] = clock.nowMs() - start;
      }
      return finish();
    } catch (error) {
      if (error instanceof RequestFailure) return finish({ stage: error.stage, reason: error.reason });
      return finish({ stage: 'pipeline', reason: (error as Error).message ?? String(error) });
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
    const max = maxBatchOf(this.options.batching);
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
    engine.infer(items.map((i) => i.state.tensor!)).then(
      (result) => {
        const doneAtMs = clock.nowMs();
        const rowLength = result.data.length / items.length;
        items.forEach((item, i) => {
          item.state.output = result.data.subarray(i * rowLength, (i + 1) * rowLength);
          item.resolve({ dispatchedAtMs, doneAtMs });
        });
      },
      (error: Error) => {
        for (const item of items) item.reject(new RequestFailure('infer', error.message.split('\n')[0]!));
      },
    );
  }
}

function maxBatchOf(batching: BatchingSpec): number {
  if (batching.policy === 'triton') return batching.maxBatchSize;
  if (batching.policy === 'torchserve') return batching.batchSize;
  return 1;
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
