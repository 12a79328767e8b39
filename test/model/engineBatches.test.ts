import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Engine, resolveIntraOpThreads, servingDepthPerInstance } from '../../src/model/engine.js';
import { sessionOptions } from '../../src/model/sessionOptions.js';
import { EngineSpec } from '../../src/schema/profileSpec.js';
import { normal, seededRandom } from '../../src/util/random.js';
import { ITEM, useTinyModel } from './tinyModelFixture.js';

/**
 * How batches travel to the instances: assembled into a buffer that is transferred (not copied)
 * to the worker and handed back for reuse, and with depthPerInstance 2, queued on an instance
 * behind the batch it runs.
 */

const fx = useTinyModel('cp-engine-batches-');
const engines = fx.engines;

async function open(depthPerInstance?: number): Promise<Engine> {
  const engine = await Engine.open({ modelPath: fx.tinyPath, engine: EngineSpec.parse({ intraOpNumThreads: 1 }), depthPerInstance });
  engines.push(engine);
  return engine;
}

function item(seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: ITEM }, () => normal(random));
}

describe('Engine batch buffers', () => {
  it('reused buffers give every batch the rows its own items give alone (sizes 3, 1, 2, 3)', async () => {
    const engine = await open();
    const items = Array.from({ length: 9 }, (_, i) => item(100 + i));
    const alone: Float32Array[] = [];
    for (const x of items) alone.push((await engine.infer([x])).data);
    // Batches of different sizes, one after another: later ones run in buffers earlier ones used.
    let at = 0;
    for (const size of [3, 1, 2, 3]) {
      const result = await engine.infer(items.slice(at, at + size));
      expect(result.dims).toEqual([size, 10]);
      for (let i = 0; i < size; i++) {
        Array.from(result.data.subarray(i * 10, (i + 1) * 10)).forEach((v, j) => expect(v).toBeCloseTo(alone[at + i]![j]!, 4));
      }
      at += size;
    }
  });

  it('leaves the caller its tensors: nothing it passed is detached or changed', async () => {
    const engine = await open();
    const x = item(7);
    const copy = Float32Array.from(x);
    await engine.infer([x, x]);
    expect(x.byteLength).toBe(ITEM * 4);
    expect(x).toEqual(copy);
  });

  it('refuses an item of the wrong length without taking an instance slot', async () => {
    const engine = await open();
    await expect(engine.infer([new Float32Array(10)])).rejects.toThrow(`batch item 0 has 10 values, expected ${ITEM}`);
    expect(engine.hasIdleInstance()).toBe(true);
  });
});

describe('Engine with two batches per instance', () => {
  it('one instance takes a second batch while busy; the second reports the time it waited behind the first', async () => {
    const engine = await open(2);
    expect(engine.hasIdleInstance()).toBe(true);
    const first = engine.infer([item(1)]);
    expect(engine.hasIdleInstance()).toBe(false);
    expect(engine.hasFreeInstance()).toBe(true);
    const second = engine.infer([item(2)]);
    expect(engine.hasFreeInstance()).toBe(false);
    const [a, b] = await Promise.all([first, second]);
    expect(a.waitedMs).toBe(0);
    // Posted together: the second could start only once the first had answered.
    expect(b.waitedMs).toBeGreaterThan(0);
    expect(engine.hasIdleInstance()).toBe(true);
  });

  it('a batch posted to an idle instance waited for nothing', async () => {
    const engine = await open(2);
    await engine.infer([item(3)]);
    expect((await engine.infer([item(4)])).waitedMs).toBe(0);
  });
});

describe('servingDepthPerInstance', () => {
  const cores = availableParallelism();
  it('a GPU instance always gets a second batch: the host assembles while the device runs', () => {
    expect(servingDepthPerInstance(EngineSpec.parse({ device: 'cuda', instances: 1, intraOpNumThreads: cores }))).toBe(2);
  });
  it('CPU instances whose threads take every core get one', () => {
    expect(servingDepthPerInstance(EngineSpec.parse({ instances: 1, intraOpNumThreads: cores }))).toBe(1);
    expect(servingDepthPerInstance(EngineSpec.parse({ instances: cores, intraOpNumThreads: 1 }))).toBe(1);
    // 0 threads: the cores are shared out, so they are all taken.
    expect(resolveIntraOpThreads(EngineSpec.parse({ instances: 1 }))).toBe(cores);
    expect(servingDepthPerInstance(EngineSpec.parse({ instances: 1 }))).toBe(1);
  });
  it.skipIf(cores < 2)('CPU instances that leave a core free get two', () => {
    expect(servingDepthPerInstance(EngineSpec.parse({ instances: 1, intraOpNumThreads: cores - 1 }))).toBe(2);
  });
});

describe('sessionOptions', () => {
  const settings = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' as const, intraOpNumThreads: 2, interOpNumThreads: 1 };
  it('turns onnxruntime spin-waiting off unless asked for', () => {
    expect(sessionOptions({ ...settings, allowSpinning: false })).toEqual({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    expect(sessionOptions({ ...settings, allowSpinning: true })).not.toHaveProperty('extra');
  });
});

describe('Engine pooled batch slots', () => {
  it('the engine receives the very buffer the deserialize stage wrote: no assembly copy', async () => {
    const { RequestPipeline } = await import('../../src/serving/pipeline.js');
    const { createDeserializeStage } = await import('../../src/serving/stages/deserialize.js');
    const { ProfileSpec } = await import('../../src/schema/profileSpec.js');
    const { TENSOR_CONTENT_TYPE } = await import('../../src/serving/stage.js');
    const { tensorBody } = await import('../../src/serving/images/clientRequest.js');
    const { realClock } = await import('../../src/util/clock.js');
    const engine = await open();
    const spec = ProfileSpec.parse({ name: 't', model: { source: 'tiny' }, batching: { policy: 'triton', maxBatchSize: 4, preferredBatchSizes: [4], maxQueueDelayUs: 1_000_000 } });
    const ctx = { spec, inputShape: engine.signature.itemShape, inputSlots: engine.inputSlots, scratchDir: '/nonexistent' };
    const written = new Set<ArrayBuffer>();
    const probe = { name: 'configLoad' as const, run: (state: { slot?: { home: { buffer: ArrayBuffer } } }) => void written.add(state.slot!.home.buffer) };
    const sent: ArrayBuffer[] = [];
    engine.onBatchBuffer = (buffer) => sent.push(buffer);
    const pipeline = new RequestPipeline({ before: [createDeserializeStage(ctx), probe], after: [], engine, batching: spec.batching, clock: realClock });
    const items = Array.from({ length: 8 }, (_, i) => item(300 + i));
    const outcomes = await Promise.all(items.map((x) => pipeline.handle({ contentType: TENSOR_CONTENT_TYPE, body: tensorBody(x) }, realClock.nowMs())));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sent).toHaveLength(2);
    for (const buffer of sent) expect(written.has(buffer)).toBe(true);
    expect(engine.inputSlots.copiedItems).toBe(0);
    expect(engine.inputSlots.zeroCopyBatches).toBe(2);
    // And the rows are right: each request's output is what its tensor gives alone.
    for (let i = 0; i < items.length; i++) {
      const alone = (await engine.infer([items[i]!])).data;
      Array.from(outcomes[i]!.state!.output!).forEach((v, j) => expect(v).toBeCloseTo(alone[j]!, 4));
    }
    pipeline.close();
  });
});
