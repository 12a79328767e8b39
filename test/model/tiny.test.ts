import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelProto } from '../../src/model/onnxProto.js';
import { buildTiny, describeTiny } from '../../src/model/tiny.js';
import { MODEL_INFO } from '../../src/model/modelCache.js';
import { normal, seededRandom } from '../../src/util/random.js';

function images(batch: number, seed: number): ort.Tensor {
  const random = seededRandom(seed);
  const data = new Float32Array(batch * 3 * 224 * 224);
  for (let i = 0; i < data.length; i += 1) data[i] = normal(random);
  return new ort.Tensor('float32', data, [batch, 3, 224, 224]);
}

function expectFiniteAndVaried(values: Float32Array): void {
  expect(values.every(Number.isFinite)).toBe(true);
  expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1e-3);
}

describe('tiny model', () => {
  let bytes: Uint8Array;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    bytes = buildTiny({ seed: 1 });
    session = await ort.InferenceSession.create(bytes);
  });
  afterAll(async () => {
    await session?.release();
  });

  it('declares input [N,3,224,224] and output logits [N,10]', () => {
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['logits']);
    const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: { output: { type: { tensorType: { shape: { dim: object[] } } } }[] };
    };
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport[0]!.version).toBe(17);
    expect(model.graph.output[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'N' }, { dimValue: 10 }]);
  });

  it('runs batch 1 and batch 4 with finite, varied logits; each row as if run alone', async () => {
    const one = await session.run({ input: images(1, 11) });
    expect(one.logits!.dims).toEqual([1, 10]);
    expectFiniteAndVaried(one.logits!.data as Float32Array);

    const batch = images(4, 12);
    const four = await session.run({ input: batch });
    expect(four.logits!.dims).toEqual([4, 10]);
    const rows = four.logits!.data as Float32Array;
    expectFiniteAndVaried(rows);
    // Different images give different logits (the model does look at its input).
    expect(Array.from(rows.subarray(0, 10))).not.toEqual(Array.from(rows.subarray(10, 20)));
    const third = new ort.Tensor('float32', (batch.data as Float32Array).slice(2 * 150_528, 3 * 150_528), [1, 3, 224, 224]);
    const alone = (await session.run({ input: third })).logits!.data as Float32Array;
    alone.forEach((v, i) => expect(v).toBeCloseTo(rows[20 + i]!, 4));
  });

  it('has the parameters and MACs worked out by hand, about 100 KB', () => {
    // stem 16*3*4*4+16 = 784; conv1 32*16*9+32 = 4,640; conv2 64*32*9+64 = 18,496; fc 64*10+10 = 650
    expect(MODEL_INFO.tiny.parameters).toBe(784 + 4_640 + 18_496 + 650);
    // stem 16 ch * 56*56 * 48; conv1 32 * 28*28 * 144; conv2 64 * 14*14 * 288; fc 64*10
    expect(MODEL_INFO.tiny.macsPerImage).toBe(16 * 56 * 56 * 48 + 32 * 28 * 28 * 144 + 64 * 14 * 14 * 288 + 640);
    expect(MODEL_INFO.tiny).toEqual(describeTiny());
    expect(bytes.length).toBeGreaterThan(MODEL_INFO.tiny.parameters * 4);
    expect(bytes.length).toBeLessThan(MODEL_INFO.tiny.parameters * 4 + 10_000);
  });

  it('is byte-identical for the same seed and differs for another', () => {
    expect(Buffer.from(buildTiny({ seed: 1 })).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(buildTiny({ seed: 2 })).equals(Buffer.from(bytes))).toBe(false);
  });
});
