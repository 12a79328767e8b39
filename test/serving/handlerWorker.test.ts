import { describe, expect, it } from 'vitest';
import type { Engine, InferResult } from '../../src/model/engine.js';
import { InputSlotPool } from '../../src/model/inputSlots.js';
import { ManualClock } from '../../src/util/clock.js';
import { RequestPipeline } from '../../src/serving/pipeline.js';
import { RequestFailure, type RequestState, type Stage } from '../../src/serving/stage.js';
import type { StageName } from '../../src/schema/profileSpec.js';

/**
 * TorchServe's workers (serving/handlerWorker.ts) on a ManualClock with a fake engine: a worker
 * runs its handler stages one request after another and takes no batch until it has answered the
 * last, so handler time adds up per batch; the frontend stages stay outside.
 */

function fakeEngine(instances: number) {
  const running: { tensors: Float32Array[]; resolve(r: InferResult): void }[] = [];
  const engine = {
    signature: { itemShape: [1, 1, 2], maxBatch: Number.POSITIVE_INFINITY },
    inputSlots: new InputSlotPool(2, 1),
    instanceCount: instances,
    onInstanceFree: () => {},
    hasIdleInstance: () => running.length < instances,
    hasFreeInstance: () => running.length < instances,
    infer: (tensors: Float32Array[]) => new Promise<InferResult>((resolve) => running.push({ tensors, resolve })),
  };
  return {
    engine: engine as unknown as Engine,
    running,
    finish(): void {
      const batch = running.shift()!;
      const data = Float32Array.from(batch.tensors, (t) => t[0]!);
      batch.resolve({ data, dims: [batch.tensors.length, 1], outputs: [{ name: 'y', data, dims: [batch.tensors.length, 1] }], waitedMs: 0 });
      engine.onInstanceFree();
    },
  };
}

/** A stage that takes `ms` on the clock after an await (as file I/O does), recording when it ran; `sync`: without the await. */
function timed(name: StageName, clock: ManualClock, ms: number, trace: string[], run?: (state: RequestState) => void, sync = false): Stage {
  const work = (state: RequestState): void => {
    trace.push(`${name}#${state.id}`);
    clock.advanceMs(ms);
    run?.(state);
  };
  return { name, run: sync ? work : async (state) => (await Promise.resolve(), work(state)) };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

const request = { contentType: 'x', body: Buffer.alloc(0) };

function torchservePipeline(clock: ManualClock, fake: ReturnType<typeof fakeEngine>, trace: string[], failOn?: number) {
  return new RequestPipeline({
    before: [
      timed('deserialize', clock, 0.5, trace, (s) => (s.tensor = Float32Array.of(s.id, 0)), true),
      timed('configLoad', clock, 1, trace, (s) => {
        if (s.id === failOn) throw new RequestFailure('configLoad', 'cannot read preprocess_config.json: ENOENT');
      }),
      timed('preprocess', clock, 2, trace),
    ],
    after: [timed('postprocess', clock, 0.25, trace), timed('requestLog', clock, 0.75, trace), timed('serialize', clock, 0.125, trace)],
    engine: fake.engine,
    batching: { policy: 'torchserve', batchSize: 2, maxBatchDelayMs: null },
    clock,
  });
}

describe("TorchServe's worker: one batch at a time, its handler serial", () => {
  it('runs a batch\'s handler stages request after request, and the next batch only once the worker has answered', async () => {
    const clock = new ManualClock();
    const fake = fakeEngine(1);
    const trace: string[] = [];
    const pipeline = torchservePipeline(clock, fake, trace);
    const outcomes = [1, 2, 3, 4].map(() => pipeline.handle(request, 0));
    await flush();
    // Four deserialized in the frontend (2 ms); batch {1, 2} went to the only worker, which
    // preprocessed 1 then 2 (6 ms) and posted one forward pass; batch {3, 4} waits for the worker.
    expect(trace).toEqual([
      'deserialize#1', 'deserialize#2', 'deserialize#3', 'deserialize#4',
      'configLoad#1', 'preprocess#1', 'configLoad#2', 'preprocess#2',
    ]);
    expect(fake.running.map((b) => b.tensors.length)).toEqual([2]);
    clock.advanceMs(4); // the forward pass
    fake.finish();
    await flush();
    // The worker logged both before it took {3, 4}; serialize runs in the frontend.
    expect(trace.slice(8, 12)).toEqual(['postprocess#1', 'requestLog#1', 'postprocess#2', 'requestLog#2']);
    expect(trace.slice(12)).toEqual(expect.arrayContaining(['serialize#1', 'serialize#2', 'configLoad#3', 'preprocess#3', 'configLoad#4', 'preprocess#4']));
    expect(trace.indexOf('configLoad#3')).toBeGreaterThan(trace.indexOf('requestLog#2'));
    clock.advanceMs(4);
    fake.finish();
    const [first, , third] = await Promise.all(outcomes);
    // Request 1, enqueued at 0.5: the worker took its batch at 1 (request 2 filled it) and its
    // config read, pending while requests 3 and 4 deserialized, ended at 3 (charged from the
    // previous reading, as everywhere in the pipeline); preprocess 3-5; request 2's handler 5-8;
    // the forward pass 8-12; its postprocess and log 12-13, then request 2's, answered at 14.
    expect(first!.stageMs).toMatchObject({ deserialize: 0.5, configLoad: 2, preprocess: 2, infer: 4, postprocess: 0.25, requestLog: 0.75 });
    // The rest of its time in the worker was request 2's work and the wait for its batch: 14 - 0.5 - 5 - 4.
    expect(first!.stageMs.queueWait).toBe(4.5);
    // Request 1 began at 0: its stages add up to its whole time.
    const sum = Object.values(first!.stageMs).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(first!.completedAtMs, 9);
    // Request 3 waited for the whole first batch (12 ms of worker time) before its own work.
    expect(third!.stageMs.queueWait).toBeGreaterThanOrEqual(12);
    expect(Array.from(third!.state!.output!)).toEqual([3]);
  });

  it('a request whose handler stage fails is answered with its failure; its batch-mate goes on', async () => {
    const clock = new ManualClock();
    const fake = fakeEngine(1);
    const pipeline = torchservePipeline(clock, fake, [], 1);
    const outcomes = [pipeline.handle(request, 0), pipeline.handle(request, 0)];
    await flush();
    expect(fake.running.map((b) => b.tensors.length)).toEqual([1]);
    fake.finish();
    const [failed, served] = await Promise.all(outcomes);
    expect(failed!.ok).toBe(false);
    expect(failed!.failure).toEqual({ stage: 'configLoad', reason: 'cannot read preprocess_config.json: ENOENT' });
    expect(served!.ok).toBe(true);
    expect(Array.from(served!.state!.output!)).toEqual([2]);
  });

  it('another batching policy keeps the handler stages ahead of the batcher, concurrent across requests', async () => {
    const clock = new ManualClock();
    const fake = fakeEngine(1);
    const trace: string[] = [];
    const pipeline = new RequestPipeline({
      before: [timed('deserialize', clock, 0, trace, (s) => (s.tensor = Float32Array.of(s.id, 0))), timed('configLoad', clock, 1, trace)],
      after: [],
      engine: fake.engine,
      batching: { policy: 'triton', maxBatchSize: 2, preferredBatchSizes: [2], maxQueueDelayUs: 1_000_000 },
      clock,
    });
    void pipeline.handle(request, 0);
    void pipeline.handle(request, 0);
    await flush();
    // Both requests' config loads ran before the batcher formed their batch: no worker serialises them.
    expect(trace).toEqual(['deserialize#1', 'deserialize#2', 'configLoad#1', 'configLoad#2']);
    expect(fake.running.map((b) => b.tensors.length)).toEqual([2]);
    fake.finish();
  });
});
