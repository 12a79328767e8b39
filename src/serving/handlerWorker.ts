import type { StageName } from '../schema/profileSpec.js';
import type { Engine } from '../model/engine.js';
import type { OutputTensor } from '../model/engineProtocol.js';
import type { InputSlot } from '../model/inputSlots.js';
import type { Clock } from '../util/clock.js';
import { RequestFailure, type RequestState, type Stage } from './stage.js';

/**
 * TorchServe's backend worker. Its frontend only parses requests and aggregates batches; each
 * worker process then runs the model handler's handle(batch) on one batch at a time: preprocess
 * every request in turn (config load, the spooled body, decode), one forward pass, then
 * postprocess and log every request in turn, and only then takes the next batch. So per-request
 * work in the handler is serial within a worker, and the worker's model waits for it: the
 * article's 4 workers spent 67% of request time in handler I/O with the GPU at 23%.
 *
 * Which stages the handler runs: TORCHSERVE_HANDLER_STAGES (schema/profileSpec.ts).
 */

export interface HandlerItem {
  state: RequestState;
  /** The request's stage times: the handler writes its own stages and infer here. */
  stageMs: Partial<Record<StageName, number>>;
  /** Resolves when the worker has answered the whole batch (clock time), or rejects for this item. */
  resolve(doneAtMs: number): void;
  reject(error: unknown): void;
}

export interface HandlerStages {
  before: Stage[];
  after: Stage[];
}

/**
 * Runs one batch through a worker: each stage charged to its request from the previous clock
 * reading, one request after another, so the stage times are the worker's own work and the rest
 * of a request's time (waiting for a worker, for its batch-mates' handler work) is queueWait.
 * Never rejects: a request whose stage fails is answered with its failure and left out of the
 * forward pass; the others go on.
 */
export async function runHandlerBatch(items: HandlerItem[], stages: HandlerStages, engine: Engine, clock: Clock): Promise<void> {
  let live = await runEach(items, stages.before, clock);
  if (live.length > 0) {
    const inputs = new Array<Float32Array | InputSlot>(live.length);
    for (let i = 0; i < live.length; i++) inputs[i] = live[i]!.state.slot ?? live[i]!.state.tensor!;
    const postedAtMs = clock.nowMs();
    try {
      const result = await engine.infer(inputs);
      const inferMs = clock.nowMs() - postedAtMs;
      const rowLength = result.data.length / live.length;
      live.forEach((item, i) => {
        item.state.output = result.data.subarray(i * rowLength, (i + 1) * rowLength);
        if (result.outputs) item.state.outputs = itemRows(result.outputs, i, live.length);
        item.stageMs.infer = inferMs;
      });
    } catch (error) {
      const failure = new RequestFailure('infer', (error as Error).message.split('\n')[0]!);
      for (const item of live) item.reject(failure);
      live = [];
    }
  }
  live = await runEach(live, stages.after, clock);
  const doneAtMs = clock.nowMs();
  for (const item of live) item.resolve(doneAtMs);
}

async function runEach(items: HandlerItem[], stages: Stage[], clock: Clock): Promise<HandlerItem[]> {
  const survivors: HandlerItem[] = [];
  for (const item of items) {
    let markMs = clock.nowMs();
    try {
      for (const stage of stages) {
        const pending = stage.run(item.state);
        if (pending) await pending;
        const nowMs = clock.nowMs();
        item.stageMs[stage.name] = nowMs - markMs;
        markMs = nowMs;
      }
      survivors.push(item);
    } catch (error) {
      item.reject(error);
    }
  }
  return survivors;
}

/** Item i's row of every output (an output without a batch dimension is every item's whole). */
export function itemRows(outputs: OutputTensor[], i: number, count: number): OutputTensor[] {
  return outputs.map((o) => {
    if (o.dims[0] !== count) return o;
    const rowLength = o.data.length / count;
    return { name: o.name, dims: [1, ...o.dims.slice(1)], data: o.data.subarray(i * rowLength, (i + 1) * rowLength) };
  });
}
