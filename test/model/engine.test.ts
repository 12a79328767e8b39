import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineOptions } from '../../src/model/engine.js';
import { EngineSpec } from '../../src/schema/profileSpec.js';
import type { z } from 'zod';
import { EnvironmentError, ExitCode, InputError } from '../../src/util/errors.js';
import { normal, seededRandom } from '../../src/util/random.js';
import { writeCustomModel } from '../support/customModels.js';
import { ITEM, useTinyModel } from './tinyModelFixture.js';

const fx = useTinyModel('cp-engine-');
const engines = fx.engines;

type EngineSettings = z.input<typeof EngineSpec>;

async function open(modelPath: string, engine: EngineSettings = {}, options: Partial<EngineOptions> = {}): Promise<Engine> {
  const e = await Engine.open({ modelPath, engine: EngineSpec.parse({ intraOpNumThreads: 1, ...engine }), ...options });
  engines.push(e);
  return e;
}

function randomItem(seed: number, length = ITEM): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => normal(random));
}

/** An item whose channel c is the constant values[c] everywhere (for the channel-mean models). */
function constantChannels(values: number[], plane: number): Float32Array {
  const item = new Float32Array(values.length * plane);
  values.forEach((v, c) => item.fill(v, c * plane, (c + 1) * plane));
  return item;
}

/** What the engine rejected with, for asserting the class, exit code and one-line message. */
async function openError(modelPath: string, engine: EngineSettings = {}, inputShape?: [number, number, number]): Promise<Error> {
  try {
    await open(modelPath, engine, { inputShape });
  } catch (error) {
    return error as Error;
  }
  throw new Error('Engine.open was expected to fail');
}

describe('Engine with the tiny model', () => {
  it('reads the signature from the model: input [N,3,224,224] float32, output logits [N,10], dynamic batch', async () => {
    const engine = await open(fx.tinyPath);
    expect(engine.signature).toEqual({
      inputName: 'input',
      inputType: 'float32',
      inputShape: ['N', 3, 224, 224],
      outputName: 'logits',
      outputShape: ['N', 10],
      outputs: [{ name: 'logits', type: 'float32', shape: ['N', 10] }],
      layout: 'nchw',
      itemShape: [3, 224, 224],
      maxBatch: Number.POSITIVE_INFINITY,
    });
    expect(engine.instanceCount).toBe(1);
    expect(engine.loadMs).toHaveLength(1);
    expect(engine.loadMs[0]).toBeGreaterThan(0);
  });

  it('infers a batch of 3: dims [3, 10], each row what onnxruntime gives for the same batch', async () => {
    const engine = await open(fx.tinyPath);
    const items = [randomItem(1), randomItem(2), randomItem(3)];
    const result = await engine.infer(items);
    expect(result.dims).toEqual([3, 10]);
    expect(result.data).toHaveLength(30);

    // The reference: the same model and batch run directly on this thread.
    const session = await ort.InferenceSession.create(fx.tinyPath);
    try {
      const batch = new Float32Array(3 * ITEM);
      items.forEach((item, i) => batch.set(item, i * ITEM));
      const expected = (await session.run({ input: new ort.Tensor('float32', batch, [3, 3, 224, 224]) })).logits!.data as Float32Array;
      expect(expected).toHaveLength(30);
      Array.from(result.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    } finally {
      await session.release();
    }
    // Rows follow the items: different images, different logits.
    expect(Array.from(result.data.subarray(0, 10))).not.toEqual(Array.from(result.data.subarray(10, 20)));
  });

  it('a batch of 1 gives the same row as that item inside a batch of 3', async () => {
    const engine = await open(fx.tinyPath);
    const items = [randomItem(4), randomItem(5), randomItem(6)];
    const [alone, together] = await Promise.all([engine.infer([items[1]!]), engine.infer(items)]);
    expect(alone.dims).toEqual([1, 10]);
    Array.from(alone.data).forEach((v, i) => expect(v).toBeCloseTo(together.data[10 + i]!, 4));
  });

  it('--instances 3 starts 3 workers, each with its own session and one batch slot', async () => {
    const engine = await open(fx.tinyPath, { instances: 3 });
    expect(engine.instanceCount).toBe(3);
    expect(engine.loadMs).toHaveLength(3);
    expect(engine.loadMs.every((ms) => ms > 0)).toBe(true);
    // Depth 1 per instance: three batches in flight occupy all three workers, two do not.
    const first = [engine.infer([randomItem(7)]), engine.infer([randomItem(8)])];
    expect(engine.hasFreeInstance()).toBe(true);
    const third = engine.infer([randomItem(9)]);
    expect(engine.hasFreeInstance()).toBe(false);
    const results = await Promise.all([...first, third]);
    expect(results.map((r) => r.dims)).toEqual([[1, 10], [1, 10], [1, 10]]);
    expect(engine.hasFreeInstance()).toBe(true);
  });

  it('one instance is busy with one batch in flight', async () => {
    const engine = await open(fx.tinyPath, { instances: 1 });
    const pending = engine.infer([randomItem(10)]);
    expect(engine.hasFreeInstance()).toBe(false);
    await pending;
    expect(engine.hasFreeInstance()).toBe(true);
  });

  it('refuses work after close()', async () => {
    const engine = await open(fx.tinyPath);
    await engine.close();
    expect(engine.hasFreeInstance()).toBe(false);
    await expect(engine.infer([randomItem(11)])).rejects.toThrow('engine is closed');
  });
});

describe('Engine with a fixed batch dimension (x [2,3,8,8] -> channel means [2,3])', () => {
  let fixedPath: string;
  beforeAll(async () => {
    fixedPath = await writeCustomModel('fixed2', join(fx.dir, 'fixed2.onnx'));
  });

  it('reads maxBatch 2 from the model', async () => {
    const engine = await open(fixedPath);
    expect(engine.signature.maxBatch).toBe(2);
    expect(engine.signature.itemShape).toEqual([3, 8, 8]);
  });

  it('runs a full batch of 2 and pads a batch of 1 (only the real row comes back)', async () => {
    const engine = await open(fixedPath);
    const two = await engine.infer([constantChannels([1, 2, 3], 64), constantChannels([4, 5, 6], 64)]);
    expect(two.dims).toEqual([2, 3]);
    expect(Array.from(two.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const one = await engine.infer([constantChannels([7, 8, 9], 64)]);
    expect(one.dims).toEqual([1, 3]);
    expect(Array.from(one.data)).toEqual([7, 8, 9]);
  });

  it('refuses a batch larger than the fixed dimension with a clear message', async () => {
    const engine = await open(fixedPath);
    const items = [1, 2, 3].map((v) => constantChannels([v, v, v], 64));
    await expect(engine.infer(items)).rejects.toThrow("batch of 3 exceeds the model's fixed batch dimension of 2");
    // The refusal took no instance slot.
    expect(engine.hasFreeInstance()).toBe(true);
  });
});

describe('Engine with dynamic C,H,W (x [N,3,H,W])', () => {
  let dynamicPath: string;
  beforeAll(async () => {
    dynamicPath = await writeCustomModel('dynamic', join(fx.dir, 'dynamic.onnx'));
  });

  it('without --input-shape: an InputError saying to pass --input-shape', async () => {
    const error = await openError(dynamicPath);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.input);
    expect((error as InputError).oneLine()).toBe(
      "the model input 'x' has dynamic dimensions [N, 3, H, W] (give the C,H,W to use with --input-shape, e.g. --input-shape 3,224,224)",
    );
  });

  it('with --input-shape 3,16,12: runs items of that shape', async () => {
    const engine = await open(dynamicPath, {}, { inputShape: [3, 16, 12] });
    expect(engine.signature.itemShape).toEqual([3, 16, 12]);
    expect(engine.signature.inputShape).toEqual(['N', 3, 'H', 'W']);
    const result = await engine.infer([constantChannels([0.5, 1.5, 2.5], 16 * 12)]);
    expect(result.dims).toEqual([1, 3]);
    expect(Array.from(result.data)).toEqual([0.5, 1.5, 2.5]);
  });

  it('an --input-shape that contradicts a declared dimension is refused', async () => {
    const error = await openError(dynamicPath, {}, [1, 16, 16]);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe("--input-shape 1,16,16 (C,H,W) contradicts the model's declared input [N, 3, H, W] (NCHW)");
  });
});

describe('Engine refusing models and devices it cannot run', () => {
  it('an input of rank 2 is not an image tensor; the error says which shapes are supported', async () => {
    const error = await openError(await writeCustomModel('rank2', join(fx.dir, 'rank2.onnx')));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).oneLine()).toBe(
      "the model input 'x' has shape [N, 10], not an image tensor (an image model takes one float32, float16 or uint8 input [N, C, H, W] or [N, H, W, C] with C = 1 or 3)",
    );
  });

  it('random bytes and a truncated model: an InputError naming the file, one line', async () => {
    const random = join(fx.dir, 'random.onnx');
    await writeFile(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    const truncated = join(fx.dir, 'truncated.onnx');
    const tiny = await readFile(fx.tinyPath);
    await writeFile(truncated, tiny.subarray(0, Math.floor(tiny.length / 3)));
    for (const path of [random, truncated]) {
      const error = await openError(path);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(new RegExp(`^cannot load model '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': `));
      expect((error as InputError).oneLine()).not.toContain('\n');
    }
  });

  // On a host where `ONNXRUNTIME_NODE_INSTALL=true node node_modules/onnxruntime-node/script/install.js` did install the provider, this case cannot arise.
  const bin = new URL('../../node_modules/onnxruntime-node/bin', import.meta.url).pathname;
  const cudaInstalled = existsSync(bin) && readdirSync(bin, { recursive: true }).some((f) => String(f).endsWith('libonnxruntime_providers_cuda.so'));

  it.skipIf(cudaInstalled)('--device cuda without the CUDA provider: an EnvironmentError naming the install command', async () => {
    const error = await openError(fx.tinyPath, { device: 'cuda' });
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(ExitCode.environment);
    expect((error as EnvironmentError).oneLine()).toContain('capacity-plan doctor');
    expect((error as EnvironmentError).oneLine()).toMatch(/ONNXRUNTIME_NODE_INSTALL=true node \S*onnxruntime-node\/script\/install\.js/);
    expect(error.message).toBe("execution provider 'cuda' is not installed (libonnxruntime_providers_cuda.so is missing from onnxruntime-node)");
  });
});
