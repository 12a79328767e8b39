import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, float32LittleEndian, tensorSeed } from '../../src/model/graphBuilder.js';
import { ModelProto } from '../../src/model/onnxProto.js';

interface DecodedTensor {
  name: string;
  dims: number[];
  rawData: Uint8Array;
}

function decode(bytes: Uint8Array) {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false }) as {
    irVersion: number;
    opsetImport: { version: number }[];
    graph: {
      initializer: DecodedTensor[];
      input: { name: string; type: { tensorType: { shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
      node: { opType: string; attribute: { name: string; ints?: number[]; i?: number; f?: number }[] }[];
    };
  };
}

function floats(tensor: DecodedTensor): Float32Array {
  const copy = new Uint8Array(tensor.rawData); // aligned copy
  return new Float32Array(copy.buffer);
}

const META = { graphName: 'g', docString: 'test', opsetVersion: 17, irVersion: 8 };

describe('GraphBuilder', () => {
  it('counts a conv: output size, parameters, MACs', () => {
    const b = new GraphBuilder({ seed: 1 });
    const y = b.conv(b.input('input', [3, 8, 8]), { name: 'c', outChannels: 4, kernel: 3, stride: 2, pad: 1, bias: true });
    // floor((8 + 2 - 3) / 2) + 1 = 4; params 4*3*3*3 + 4 = 112; MACs 4 out ch * 4*4 positions * 27 = 1728
    expect(y.shape).toEqual([4, 4, 4]);
    expect(b.parameters).toBe(112);
    expect(b.macsPerImage).toBe(1728);
  });

  it('counts BN gamma/beta as parameters but not its running statistics', () => {
    const b = new GraphBuilder({ seed: 1 });
    b.batchNorm(b.input('input', [5, 2, 2]), 'bn');
    expect(b.parameters).toBe(10);
    expect(b.macsPerImage).toBe(0);
  });

  it('walks the same architecture without weights when materialize is false', () => {
    const shape = (m: boolean) => {
      const b = new GraphBuilder({ seed: 1, materialize: m });
      const x = b.flatten(b.globalAveragePool(b.conv(b.input('input', [3, 8, 8]), { name: 'c', outChannels: 6, kernel: 3 }), 'p'), 'f');
      b.output(b.gemm(x, { name: 'fc', outFeatures: 2 }));
      return { b, counts: [b.parameters, b.macsPerImage] };
    };
    expect(shape(false).counts).toEqual(shape(true).counts);
    expect(shape(true).b.toBytes(META).length).toBeGreaterThan(6 * 3 * 9 * 4);
    expect(() => shape(false).b.toBytes(META)).toThrow(/materialize/);
  });

  it('rejects a value name used twice', () => {
    const b = new GraphBuilder({ seed: 1 });
    const x = b.input('input', [3, 4, 4]);
    b.relu(x, 'r');
    expect(() => b.relu(x, 'r')).toThrow(/used twice/);
  });

  it('writes raw_data as little-endian float32', () => {
    expect(Array.from(float32LittleEndian(new Float32Array([1, -2])))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it('seeds each tensor from (seed, name)', () => {
    expect(tensorSeed(1, 'a.weight')).toBe(tensorSeed(1, 'a.weight'));
    expect(tensorSeed(1, 'a.weight')).not.toBe(tensorSeed(1, 'b.weight'));
    expect(tensorSeed(1, 'a.weight')).not.toBe(tensorSeed(2, 'a.weight'));
  });

  it('declares the batch dimension as the symbolic "N"', () => {
    const b = new GraphBuilder({ seed: 1 });
    b.output(b.relu(b.input('input', [3, 2, 2]), 'out'));
    const model = decode(b.toBytes(META));
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport[0]!.version).toBe(17);
    expect(model.graph.input[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: 2 }, { dimValue: 2 }]);
  });

  it('computes in onnxruntime what the stored weights say (Gemm with transB)', async () => {
    const b = new GraphBuilder({ seed: 3 });
    const x = b.flatten(b.input('input', [2, 1, 1]), 'flat');
    b.output(b.gemm(x, { name: 'fc', outFeatures: 3, output: 'logits' }));
    const bytes = b.toBytes(META);
    const weight = floats(decode(bytes).graph.initializer.find((t) => t.name === 'fc.weight')!);
    expect(weight).toHaveLength(6);
    const input = [0.5, -2];
    // logits[o] = sum_i W[o, i] * x[i] + bias[o] (bias initialised to 0)
    const expected = [0, 1, 2].map((o) => weight[o * 2]! * input[0]! + weight[o * 2 + 1]! * input[1]!);
    const session = await ort.InferenceSession.create(bytes);
    try {
      const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(input), [1, 2, 1, 1]) });
      expect(out.logits!.dims).toEqual([1, 3]);
      Array.from(out.logits!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    } finally {
      await session.release();
    }
  });

  it('gives conv weights He scaling: std close to sqrt(2 / fan_in)', () => {
    const b = new GraphBuilder({ seed: 5 });
    b.output(b.conv(b.input('input', [64, 4, 4]), { name: 'c', outChannels: 64, kernel: 3 }));
    const w = floats(decode(b.toBytes(META)).graph.initializer[0]!);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.95 * Math.sqrt(2 / 576));
    expect(std).toBeLessThan(1.05 * Math.sqrt(2 / 576));
  });
});
