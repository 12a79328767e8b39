import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src/model/signature.js';
import { AgentHttpError } from '../../../src/server/agent/httpError.js';
import { kserveInferResponse, kserveModelMetadata, parseKserveRequest } from '../../../src/server/agent/kserve.js';

// A small model contract: input [N, 1, 2, 3], 4 classes.
const signature: ModelSignature = {
  inputName: 'input',
  inputType: 'float32',
  inputShape: ['N', 1, 2, 3],
  outputName: 'logits',
  outputShape: ['N', 4],
  itemShape: [1, 2, 3],
  maxBatch: Number.POSITIVE_INFINITY,
};
const request = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  inputs: [{ name: 'input', shape: [2, 1, 2, 3], datatype: 'FP32', data: Array.from({ length: 12 }, (_, i) => i), ...input }],
  ...extra,
});

function invalidMessage(raw: unknown): string {
  try {
    parseKserveRequest(raw, signature);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentHttpError);
    expect((error as AgentHttpError).status).toBe(400);
    return (error as AgentHttpError).message;
  }
  throw new Error('expected the request to be refused');
}

describe('parseKserveRequest', () => {
  it('splits flat [N,C,H,W] data into N item tensors of C*H*W, each with its own buffer', () => {
    const { items, id } = parseKserveRequest(request({}, { id: 'r1' }), signature);
    expect(id).toBe('r1');
    expect(items.map((t) => [...t])).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]);
    expect(items[0]!.buffer).not.toBe(items[1]!.buffer);
    expect(items[0]!.byteLength).toBe(items[0]!.buffer.byteLength);
  });

  it('accepts nested data in row-major order', () => {
    const nested = [[[[0, 1, 2], [3, 4, 5]]], [[[6, 7, 8], [9, 10, 11]]]];
    expect(parseKserveRequest(request({ data: nested }), signature).items.map((t) => [...t])).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]);
  });

  it('refuses, naming the problem: shape, data length, datatype, names, leaves, envelope', () => {
    expect(invalidMessage(request({ shape: [2, 3, 2, 3] }))).toMatch(/shape \[2, 3, 2, 3\], the model takes \[N, 1, 2, 3\]/);
    expect(invalidMessage(request({ shape: [1, 2, 3] }))).toMatch(/the model takes \[N, 1, 2, 3\]/);
    expect(invalidMessage(request({ shape: [0, 1, 2, 3], data: [] }))).toMatch(/batch size 0/);
    expect(invalidMessage(request({ data: [1, 2, 3] }))).toMatch(/has 3 values, shape \[2, 1, 2, 3\] needs 12/);
    expect(invalidMessage(request({ data: Array(13).fill(0) }))).toMatch(/has 13 values/);
    expect(invalidMessage(request({ datatype: 'FP64' }))).toMatch(/datatype 'FP64'.*FP32/);
    expect(invalidMessage(request({ name: 'images' }))).toMatch(/unknown input 'images'.*'input'/);
    expect(invalidMessage(request({}, { outputs: [{ name: 'probs' }] }))).toMatch(/unknown output 'probs'/);
    expect(invalidMessage(request({ data: [0, 1, '2', 3, 4, 5, 6, 7, 8, 9, 10, 11] }))).toMatch(/"2".*must be numbers/);
    expect(invalidMessage(request({ data: [[[[[0]]]]] }))).toMatch(/nested deeper than the shape/);
    expect(invalidMessage({ inputs: [] })).toMatch(/malformed inference request: inputs/);
    expect(invalidMessage({ input: [] })).toMatch(/malformed inference request: inputs/);
    expect(invalidMessage({ inputs: [{ name: 'input', shape: [1, 1, 2, 3], datatype: 'FP32' }] })).toMatch(/inputs\.0\.data/);
    expect(invalidMessage(request({}, { inputs: [request({}).inputs[0], request({}).inputs[0]] }))).toMatch(/takes 1 input/);
  });

  it("refuses a batch above a fixed batch dimension", () => {
    expect(() => parseKserveRequest(request({}), { ...signature, maxBatch: 1 })).toThrow(/exceeds the model's fixed batch dimension 1/);
  });
});

describe('KServe documents', () => {
  it('response: [N, classes] FP32 rows under the output name, id echoed', () => {
    const rows = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6, 7, 8])];
    const items = rows.map((data) => [{ name: 'logits', data, dims: [1, 4] }]);
    expect(kserveInferResponse('tiny', items, 'classification', 'r1')).toEqual({
      model_name: 'tiny',
      model_version: '1',
      id: 'r1',
      parameters: { output_kind: 'classification' },
      outputs: [{ name: 'logits', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] }],
    });
  });

  it('response: every output with its real shape (a map stays [N, 1, H, W])', () => {
    const item = (v: number) => [
      { name: 'map', data: Float32Array.from([v, v, v, v]), dims: [1, 1, 2, 2] },
      { name: 'boxes', data: Float32Array.from([v]), dims: [1, 1] },
    ];
    const response = kserveInferResponse('det', [item(1), item(2)], 'raw') as { outputs: { name: string; shape: number[]; data: number[] }[] };
    expect(response.outputs.map((o) => [o.name, o.shape, o.data])).toEqual([
      ['map', [2, 1, 2, 2], [1, 1, 1, 1, 2, 2, 2, 2]],
      ['boxes', [2, 1], [1, 2]],
    ]);
  });

  it('request: an NHWC uint8 model takes [N, H, W, C] in UINT8 or FP32', () => {
    const nhwc = { ...signature, inputType: 'uint8', layout: 'nhwc' as const };
    const body = { inputs: [{ name: 'input', shape: [1, 2, 3, 1], datatype: 'UINT8', data: [1, 2, 3, 4, 5, 6] }] };
    expect(parseKserveRequest(body, nhwc).items[0]).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(parseKserveRequest({ inputs: [{ ...body.inputs[0], datatype: 'FP32' }] }, nhwc).items).toHaveLength(1);
    expect(() => parseKserveRequest({ inputs: [{ ...body.inputs[0], shape: [1, 1, 2, 3] }] }, nhwc)).toThrow(/takes \[N, 2, 3, 1\]/);
    expect(() => parseKserveRequest({ inputs: [{ ...body.inputs[0], datatype: 'INT64' }] }, nhwc)).toThrow(/the model takes UINT8 \(FP32 is accepted too\)/);
  });

  it('metadata: symbolic dimensions become -1, float32 is FP32', () => {
    expect(kserveModelMetadata('tiny', signature)).toEqual({
      name: 'tiny',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 1, 2, 3] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 4] }],
    });
  });
});
