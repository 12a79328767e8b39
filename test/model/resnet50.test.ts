import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/model/graphBuilder.js';
import { MODEL_INFO } from '../../src/model/modelCache.js';
import { ModelProto } from '../../src/model/onnxProto.js';
import { addBottleneck, buildResNet50, describeResNet50 } from '../../src/model/resnet50.js';
import { normal, seededRandom } from '../../src/util/random.js';

interface DecodedModel {
  irVersion: number;
  opsetImport: { version: number }[];
  graph: {
    node: { name: string; opType: string; attribute: { name: string; ints?: number[] }[] }[];
    initializer: { name: string; dims: number[]; rawData: Uint8Array }[];
    input: { name: string; type: { tensorType: { shape: { dim: object[] } } } }[];
    output: { name: string; type: { tensorType: { shape: { dim: object[] } } } }[];
  };
}

const decode = (bytes: Uint8Array): DecodedModel =>
  ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as DecodedModel;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function images(batch: number, seed: number): ort.Tensor {
  const random = seededRandom(seed);
  const data = new Float32Array(batch * 3 * 224 * 224);
  for (let i = 0; i < data.length; i += 1) data[i] = normal(random);
  return new ort.Tensor('float32', data, [batch, 3, 224, 224]);
}

function expectFiniteAndVaried(values: Float32Array): void {
  expect(values.every(Number.isFinite)).toBe(true);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  expect(max - min).toBeGreaterThan(1e-3);
}

describe('ResNet-50', () => {
  // Built once (~2 s): 25.6 M seeded weights, ~102 MB.
  let bytes: Uint8Array;
  let model: DecodedModel;

  beforeAll(() => {
    bytes = buildResNet50({ seed: 1 });
    model = decode(bytes);
  });

  it("has torchvision's parameter count, 25,557,032", () => {
    expect(MODEL_INFO.resnet50.parameters).toBe(25_557_032);
    expect(MODEL_INFO.resnet50).toEqual(describeResNet50());
    // Independently of the builder's counter: every stored element except BN running stats.
    const stored = model.graph.initializer
      .filter((t) => !/running_(mean|var)$/.test(t.name))
      .reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
    expect(stored).toBe(25_557_032);
  });

  it('counts the MACs of a 224x224 image worked out by hand (about 4.09 G)', () => {
    // stem conv 7x7 3->64 at 112x112
    const stem = 64 * 112 * 112 * 3 * 49;
    // A non-first bottleneck costs the same in every stage (channels x2, positions /4):
    // stage 1: 256->64 at 56x56, 64->64 3x3, 64->256
    const block = 64 * 3136 * 256 + 64 * 3136 * 64 * 9 + 256 * 3136 * 64;
    // first block of stage 1: 64->64, 3x3, 64->256, downsample 64->256 (all at 56x56)
    const first1 = 64 * 3136 * 64 + 64 * 3136 * 64 * 9 + 256 * 3136 * 64 + 256 * 3136 * 64;
    // first block of stages 2-4 (stage 2 shown): 256->128 at 56x56, 3x3 stride 2 to 28x28,
    // 128->512 at 28x28, downsample 256->512 stride 2 at 28x28
    const firstStrided = 128 * 3136 * 256 + 128 * 784 * 128 * 9 + 512 * 784 * 128 + 512 * 784 * 256;
    const fc = 2048 * 1000;
    const expected = stem + first1 + 2 * block + 3 * firstStrided + (3 + 5 + 2) * block + fc;
    expect(expected).toBe(4_089_184_256); // sanity of the arithmetic above
    expect(MODEL_INFO.resnet50.macsPerImage).toBe(expected);
  });

  it('has the v1.5 graph: opset 17, IR 8, 53 Conv/BN, 16 Add, stride in the 3x3 conv', () => {
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport[0]!.version).toBe(17);
    expect(model.graph.input.map((v) => v.name)).toEqual(['input']);
    expect(model.graph.input[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: 224 }, { dimValue: 224 }]);
    expect(model.graph.output.map((v) => v.name)).toEqual(['logits']);
    expect(model.graph.output[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'N' }, { dimValue: 1000 }]);
    const count = (op: string): number => model.graph.node.filter((n) => n.opType === op).length;
    expect([count('Conv'), count('BatchNormalization'), count('Relu'), count('Add')]).toEqual([53, 53, 49, 16]);
    expect([count('MaxPool'), count('GlobalAveragePool'), count('Flatten'), count('Gemm')]).toEqual([1, 1, 1, 1]);
    const strides = (name: string) => model.graph.node.find((n) => n.name === name)!.attribute.find((a) => a.name === 'strides')!.ints;
    expect(strides('layer2.0.conv1')).toEqual([1, 1]);
    expect(strides('layer2.0.conv2')).toEqual([2, 2]);
    expect(strides('layer2.0.downsample.0')).toEqual([2, 2]);
    expect(bytes.length).toBeGreaterThan(4 * 25_557_032);
    expect(bytes.length).toBeLessThan(4 * 25_557_032 * 1.01);
  });

  describe('in onnxruntime', () => {
    let session: ort.InferenceSession;
    beforeAll(async () => {
      session = await ort.InferenceSession.create(bytes);
    });
    afterAll(async () => {
      await session?.release();
    });

    it('runs batch 1 and batch 4 with finite, varied logits', async () => {
      const one = await session.run({ input: images(1, 21) });
      expect(one.logits!.dims).toEqual([1, 1000]);
      expectFiniteAndVaried(one.logits!.data as Float32Array);
      const four = await session.run({ input: images(4, 22) });
      expect(four.logits!.dims).toEqual([4, 1000]);
      const rows = four.logits!.data as Float32Array;
      expectFiniteAndVaried(rows);
      expect(Array.from(rows.subarray(0, 1000))).not.toEqual(Array.from(rows.subarray(1000, 2000)));
    });
  });

  it('is byte-identical when built again with the same seed', () => {
    expect(sha256(buildResNet50({ seed: 1 }))).toBe(sha256(bytes));
  });

  it('builds a bottleneck on its own with the same weights as in the full model, other seeds differ', () => {
    const block = (seed: number) => {
      const b = new GraphBuilder({ seed });
      b.output(addBottleneck(b, b.input('x', [64, 8, 8]), { name: 'layer1.0', planes: 64, stride: 1 }));
      return decode(b.toBytes({ graphName: 'block', docString: '', opsetVersion: 17, irVersion: 8 }));
    };
    const weight = (m: DecodedModel, name: string) => Buffer.from(m.graph.initializer.find((t) => t.name === name)!.rawData);
    const seed1 = block(1);
    for (const name of ['layer1.0.conv1.weight', 'layer1.0.conv2.weight', 'layer1.0.downsample.0.weight']) {
      expect(weight(seed1, name).equals(weight(model, name))).toBe(true);
    }
    expect(weight(block(2), 'layer1.0.conv2.weight').equals(weight(model, 'layer1.0.conv2.weight'))).toBe(false);
  });
});
