import { describe, expect, it } from 'vitest';
import type { Engine, InferResult } from '../../src/model/engine.js';
import { InputSlotPool } from '../../src/model/inputSlots.js';
import { ManualClock } from '../../src/util/clock.js';
import { RequestPipeline, type RequestOutcome } from '../../src/serving/pipeline.js';
import type { RequestState, Stage } from '../../src/serving/stage.js';
import type { StageName } from '../../src/schema/profileSpec.js';

/**
 * The pipeline's own timing, on a ManualClock with a fake engine: stages "take" time by advancing
 * the clock, so every figure is exact. The sum of the stage times must be the request's time in
 * the pipeline, whatever happens between stages.
 */

/** An engine with one instance whose batches finish when the test says, with a given waitedMs. */
function fakeEngine(slots: number) {
  const running: { tensors: Float32Array[]; resolve(r: InferResult): void }[] = [];
  const engine = {
    signature: { itemShape: [1, 1, 2], maxBatch: Number.POSITIVE_INFINITY },
    inputSlots: new InputSlotPool(2, 1),
    onInstanceFree: () => {},
    hasIdleInstance: () => running.length === 0,
    hasFreeInstance: () => running.length < slots,
    infer: (tensors: Float32Array[]) => new Promise<InferResult>((resolve) => running.push({ tensors, resolve })),
  };
  return {
    engine: engine as unknown as Engine,
    running,
    /** Finishes the oldest batch: each item's row is its tensor summed. */
    finish(waitedMs = 0): void {
      const batch = running.shift()!;
      const data = Float32Array.from(batch.tensors, (t) => t.reduce((a, b) => a + b, 0));
      batch.resolve({ data, dims: [batch.tensors.length, 1], outputs: [{ name: 'y', data, dims: [batch.tensors.length, 1] }], waitedMs });
      engine.onInstanceFree();
    },
  };
}

/** A stage that takes `ms` on the clock, synchronously or after an await. */
function timed(name: StageName, clock: ManualClock, ms: number, run?: (state: RequestState) => void, async = false): Stage {
  return {
    name,
    run: async
      ? async (state) => {
          await Promise.resolve();
          clock.advanceMs(ms);
          run?.(state);
        }
      : (state) => {
          clock.advanceMs(ms);
          run?.(state);
        },
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('RequestPipeline timing', () => {
  it('charges each stage from the previous clock reading, so the stages add up to the end-to-end time exactly', async () => {
    const clock = new ManualClock(100);
    const fake = fakeEngine(1);
    const pipeline = new RequestPipeline({
      before: [
        timed('deserialize', clock, 1, (s) => (s.tensor = Float32Array.of(1, 2))),
        timed('configLoad', clock, 0.5, undefined, true),
        timed('preprocess', clock, 2),
      ],
      after: [timed('postprocess', clock, 0.25), timed('serialize', clock, 0.125, undefined, true)],
      engine: fake.engine,
      batching: { policy: 'none' },
      clock,
    });
    const done = pipeline.handle({ contentType: 'x', body: Buffer.alloc(0) }, 99);
    await flush();
    // Before stages took 1 + 0.5 + 2: enqueued and dispatched at once at 103.5.
    expect(fake.running).toHaveLength(1);
    clock.advanceMs(4); // the model runs 4 ms
    fake.finish();
    const outcome: RequestOutcome = await done;
    expect(outcome.ok).toBe(true);
    expect(outcome.stageMs).toEqual({ deserialize: 1, configLoad: 0.5, preprocess: 2, queueWait: 0, infer: 4, postprocess: 0.25, serialize: 0.125 });
    // From the intended send time (99) to the end of the last stage (100 + 7.875).
    expect(outcome.endToEndMs).toBe(8.875);
    expect(outcome.completedAtMs).toBe(107.875);
    const sum = Object.values(outcome.stageMs).reduce((a, b) => a + b, 0);
    expect(sum).toBe(outcome.completedAtMs - 100);
    expect(Array.from(outcome.state!.output!)).toEqual([3]);
  });

  it('counts the time a batch waited on its instance behind another as queueWait, not infer', async () => {
    const clock = new ManualClock();
    const fake = fakeEngine(2);
    const pipeline = new RequestPipeline({
      before: [timed('deserialize', clock, 0, (s) => (s.tensor = Float32Array.of(1, 1)))],
      after: [],
      engine: fake.engine,
      batching: { policy: 'none' },
      clock,
    });
    const first = pipeline.handle({ contentType: 'x', body: Buffer.alloc(0) }, 0);
    const second = pipeline.handle({ contentType: 'x', body: Buffer.alloc(0) }, 0);
    await flush();
    // Both dispatched at 0: the second into the instance's second slot.
    expect(fake.running).toHaveLength(2);
    clock.advanceMs(3);
    fake.finish(0);
    await flush();
    clock.advanceMs(3);
    // The engine reports the second batch started only when the first answered, 3 ms after posting.
    fake.finish(3);
    expect((await first).stageMs).toMatchObject({ queueWait: 0, infer: 3 });
    expect((await second).stageMs).toMatchObject({ queueWait: 3, infer: 3 });
  });

  it('a failing stage ends the request with its stage and reason, timed to the failure', async () => {
    const clock = new ManualClock();
    const fake = fakeEngine(1);
    const pipeline = new RequestPipeline({
      before: [
        timed('deserialize', clock, 1),
        {
          name: 'preprocess',
          run: () => {
            clock.advanceMs(2);
            throw new Error('boom');
          },
        },
      ],
      after: [],
      engine: fake.engine,
      batching: { policy: 'none' },
      clock,
    });
    const outcome = await pipeline.handle({ contentType: 'x', body: Buffer.alloc(0) }, 0);
    expect(outcome.ok).toBe(false);
    expect(outcome.failure).toEqual({ stage: 'pipeline', reason: 'boom' });
    expect(outcome.stageMs).toEqual({ deserialize: 1 });
    expect(outcome.endToEndMs).toBe(3);
    expect(fake.running).toHaveLength(0);
  });
});
