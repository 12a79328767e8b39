import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from '../../src/model/float16.js';
import { detectLayout, readSignature } from '../../src/model/signature.js';
import { isProbabilityRow, kindFromOutputs, OutputInterpreter, topClasses } from '../../src/serving/outputKind.js';
import { InputError } from '../../src/util/errors.js';

const out = (name: string, shape: (number | string)[], type = 'float32') => ({ name, type, shape });

describe('output kinds, from the outputs', () => {
  it('one [N, K] float output is classification; maps, embeddings of 1, several outputs and integer outputs are raw', () => {
    expect(kindFromOutputs([out('logits', ['N', 1000])])).toBe('classification');
    expect(kindFromOutputs([out('logits', ['N', 1000, 1, 1])])).toBe('classification');
    expect(kindFromOutputs([out('logits', ['N', 'K'])])).toBe('classification');
    expect(kindFromOutputs([out('map', ['N', 1, 'H', 'W'])])).toBe('raw');
    expect(kindFromOutputs([out('score', ['N', 1])])).toBe('raw');
    expect(kindFromOutputs([out('labels', ['N', 5], 'int64')])).toBe('raw');
    expect(kindFromOutputs([out('a', ['N', 3]), out('b', ['N', 3])])).toBe('raw');
  });

  it('probability rows: in [0, 1] and summing to 1', () => {
    expect(isProbabilityRow(Float32Array.from([0.637, 0.3, 0.063]))).toBe(true);
    expect(isProbabilityRow(Float32Array.from([0.5, 0.6]))).toBe(false);
    expect(isProbabilityRow(Float32Array.from([1.5, -0.5]))).toBe(false);
  });

  it('a softmax-ended classifier keeps its 0.637: no second softmax (which would give 0.439)', () => {
    const interpreter = new OutputInterpreter([out('probs', ['N', 3])]);
    const result = interpreter.interpret([{ name: 'probs', data: Float32Array.from([0.637, 0.3, 0.063]), dims: [1, 3] }]);
    expect(interpreter.kind).toBe('probabilities');
    expect('prediction' in result && result.prediction.score).toBeCloseTo(0.637, 6);
    expect(topClasses(Float32Array.from([0.637, 0.3, 0.063]), 1, true).score).toBeCloseTo(0.4391, 3);
    expect(interpreter.note()).toBe('output probs [N, 3] rows already sum to 1 (output kind probabilities): top-5 with no second softmax');
  });

  it('logits are softmaxed, and the first row settles the kind for the run', () => {
    const interpreter = new OutputInterpreter([out('logits', ['N', 3])]);
    expect(interpreter.kind).toBeUndefined();
    interpreter.interpret([{ name: 'logits', data: Float32Array.from([2, 1, 0]), dims: [1, 3] }]);
    expect(interpreter.kind).toBe('classification');
    expect(interpreter.note()).toBeUndefined();
    // A later row that happens to sum to 1 is still logits.
    const later = interpreter.interpret([{ name: 'logits', data: Float32Array.from([1, 0, 0]), dims: [1, 3] }]);
    expect('prediction' in later && later.prediction.score).toBeCloseTo(Math.E / (Math.E + 2), 6);
  });

  it('a probability map is summarised (name, shape, min, max, mean), never softmaxed; noted once', () => {
    const interpreter = new OutputInterpreter([out('map', ['N', 1, 'H', 'W'])]);
    expect(interpreter.kind).toBe('raw');
    const result = interpreter.interpret([{ name: 'map', data: Float32Array.from([0, 0.5, 1, 0.5]), dims: [1, 1, 2, 2] }]);
    expect(result).toEqual({ rawOutputs: [{ name: 'map', shape: [1, 1, 2, 2], min: 0, max: 1, mean: 0.5 }] });
    expect(interpreter.note()).toMatch(/^outputs map \[N, 1, H, W\] are not read as class scores \(output kind raw\): no class postprocessing was applied/);
  });

  it('--output overrides the detection both ways', () => {
    expect(new OutputInterpreter([out('map', ['N', 1, 'H', 'W'])], 'classification').kind).toBe('classification');
    const raw = new OutputInterpreter([out('logits', ['N', 3])], 'raw');
    expect(raw.interpret([{ name: 'logits', data: Float32Array.from([2, 1, 0]), dims: [1, 3] }])).toEqual({
      rawOutputs: [{ name: 'logits', shape: [1, 3], min: 0, max: 2, mean: 1 }],
    });
    expect(raw.note()).toContain('(output kind raw, as asked)');
  });
});

describe('input signatures', () => {
  const input = (shape: (number | string)[], type = 'float32', name = 'x') => ({ name, isTensor: true, type, shape });
  const outputs = [{ name: 'y', isTensor: true, type: 'float32', shape: ['N', 3] }];

  it('float16 and uint8 inputs are accepted; int64 is refused naming the supported types', () => {
    expect(readSignature([input(['N', 3, 8, 8], 'float16')], outputs).inputType).toBe('float16');
    expect(readSignature([input(['N', 3, 8, 8], 'uint8')], outputs).inputType).toBe('uint8');
    expect(() => readSignature([input(['N', 3, 8, 8], 'int64')], outputs)).toThrow("the model input 'x' is int64, not float32, float16 or uint8");
  });

  it('NHWC is detected when only the last dimension is 1 or 3; item shape stays C,H,W', () => {
    expect(detectLayout(['N', 3, 224, 224])).toBe('nchw');
    expect(detectLayout(['N', 224, 224, 3])).toBe('nhwc');
    expect(detectLayout(['N', 'H', 'W', 1])).toBe('nhwc');
    expect(detectLayout(['N', 3, 'H', 3])).toBe('nchw');
    const nhwc = readSignature([input(['N', 16, 12, 3], 'uint8')], outputs);
    expect([nhwc.layout, nhwc.itemShape]).toEqual(['nhwc', [3, 16, 12]]);
    // --layout settles an ambiguous shape.
    expect(readSignature([input(['N', 3, 8, 3])], outputs, { layout: 'nhwc' }).itemShape).toEqual([3, 3, 8]);
  });

  it('several inputs refuse in one line naming them', () => {
    const error = (() => {
      try {
        readSignature([input(['N', 3, 8, 8], 'float32', 'x'), input(['N', 3, 8, 8], 'float32', 'z')], outputs);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe("the model has 2 inputs ('x', 'z'); only single-input image models are supported");
  });
});

describe('float16', () => {
  it('round-trips the values a preprocessed image holds, to half precision', () => {
    for (const v of [0, 1, -1, 0.5, 2.1179, -2.1179, 65504, 1e-7, 6.1e-5]) {
      expect(float16Value(float16Bits(v))).toBeCloseTo(v, Math.abs(v) > 1 ? 2 : 3);
    }
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(1e6)).toBe(0x7c00);
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });
});
