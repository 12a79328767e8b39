import { writeFile } from 'node:fs/promises';
import { encodeModel, type DimensionObject, type NodeObject } from '../../src/model/onnxProto.js';

/**
 * Small real ONNX models of each kind a user may bring, written with the project's own protobuf
 * encoder (no weights: a few ops on the input), so the engine, postprocess, the agent and profile
 * meet them as they would a third-party model:
 *
 * - logits:      x f32 [N,3,8,8] → GlobalAveragePool, Flatten → logits [N,3]        (channel means)
 * - softmax:     the same, then Softmax → probs [N,3]                              (graph ends in softmax)
 * - map:         x f32 [N,3,H,W] → ReduceMean over C, Sigmoid → map [N,1,H,W]       (text-detection style)
 * - twoOutputs:  x f32 [N,3,8,8] → logits [N,3] and map [N,1,8,8]                   (several outputs)
 * - fp16:        x f16 [N,3,8,8] → Cast f32, GlobalAveragePool, Flatten → logits [N,3]
 * - uint8Nhwc:   x u8 [N,8,8,3] → Cast f32, ReduceMean over H,W → means [N,3]       (pixel means, 0..255)
 * - twoInputs:   x, z f32 [N,3,8,8] → Add, GlobalAveragePool, Flatten → y [N,3]     (refused)
 */

/** onnx.TensorProto.DataType values. */
const ELEM = { float32: 1, uint8: 2, float16: 10 } as const;
type Elem = keyof typeof ELEM;

interface Value {
  name: string;
  type: Elem;
  shape: (number | string)[];
}

const dim = (d: number | string): DimensionObject => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
const valueInfo = (v: Value) => ({ name: v.name, type: { tensorType: { elemType: ELEM[v.type], shape: { dim: v.shape.map(dim) } } } });
const ints = (name: string, values: number[]) => ({ name, type: 7, ints: values });
const int = (name: string, value: number) => ({ name, type: 2, i: value });
const op = (opType: string, input: string[], output: string, attribute: NodeObject['attribute'] = []): NodeObject => ({ name: output, opType, input, output: [output], attribute });

function model(inputs: Value[], outputs: Value[], node: NodeObject[]): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'capacity-plan tests',
    graph: { name: 'kinds', node, initializer: [], input: inputs.map(valueInfo), output: outputs.map(valueInfo) },
  });
}

const image = (name = 'x', type: Elem = 'float32'): Value => ({ name, type, shape: ['N', 3, 8, 8] });
const channelMeans = (from: string, to: string): NodeObject[] => [op('GlobalAveragePool', [from], `${to}_pooled`), op('Flatten', [`${to}_pooled`], to, [int('axis', 1)])];

export const MODEL_KINDS = {
  logits: () => model([image()], [{ name: 'logits', type: 'float32', shape: ['N', 3] }], channelMeans('x', 'logits')),
  softmax: () =>
    model([image()], [{ name: 'probs', type: 'float32', shape: ['N', 3] }], [...channelMeans('x', 'logits'), op('Softmax', ['logits'], 'probs', [int('axis', 1)])]),
  map: () =>
    model(
      [{ name: 'x', type: 'float32', shape: ['N', 3, 'H', 'W'] }],
      [{ name: 'map', type: 'float32', shape: ['N', 1, 'H', 'W'] }],
      [op('ReduceMean', ['x'], 'mean', [ints('axes', [1]), int('keepdims', 1)]), op('Sigmoid', ['mean'], 'map')],
    ),
  twoOutputs: () =>
    model(
      [image()],
      [
        { name: 'logits', type: 'float32', shape: ['N', 3] },
        { name: 'map', type: 'float32', shape: ['N', 1, 8, 8] },
      ],
      [...channelMeans('x', 'logits'), op('ReduceMean', ['x'], 'map', [ints('axes', [1]), int('keepdims', 1)])],
    ),
  fp16: () => model([image('x', 'float16')], [{ name: 'logits', type: 'float32', shape: ['N', 3] }], [op('Cast', ['x'], 'x32', [int('to', 1)]), ...channelMeans('x32', 'logits')]),
  uint8Nhwc: () =>
    model(
      [{ name: 'pixels', type: 'uint8', shape: ['N', 8, 8, 3] }],
      [{ name: 'means', type: 'float32', shape: ['N', 3] }],
      [op('Cast', ['pixels'], 'x32', [int('to', 1)]), op('ReduceMean', ['x32'], 'means', [ints('axes', [1, 2]), int('keepdims', 0)])],
    ),
  twoInputs: () =>
    model([image('x'), image('z')], [{ name: 'y', type: 'float32', shape: ['N', 3] }], [op('Add', ['x', 'z'], 'sum'), ...channelMeans('sum', 'y')]),
} as const;

export type ModelKind = keyof typeof MODEL_KINDS;

export async function writeModelKind(kind: ModelKind, path: string): Promise<string> {
  await writeFile(path, MODEL_KINDS[kind]());
  return path;
}
