import { writeFile } from 'node:fs/promises';
import { DataType, encodeModel, type DimensionObject, type NodeObject } from '../../src/model/onnxProto.js';

/**
 * Small hand-made ONNX models with the input contracts the engine must accept or refuse, written
 * with the project's own protobuf encoder (no weights: a few ops on the input):
 *
 * - rank2:   x [N, 10] -> Relu -> y [N, 10]                       (not an image tensor)
 * - dynamic: x [N, 3, H, W] -> GlobalAveragePool, Flatten -> y [N, 3]  (needs --input-shape)
 * - fixed2:  x [2, 3, 8, 8] -> GlobalAveragePool, Flatten -> y [2, 3]  (fixed batch dimension 2)
 *
 * For dynamic and fixed2, output row i is the mean of each channel of item i, so a test can check
 * which input produced which row.
 */

const dim = (d: number | string): DimensionObject => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });

function valueInfo(name: string, shape: (number | string)[]) {
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: shape.map(dim) } } } };
}

function model(input: (number | string)[], output: (number | string)[], node: NodeObject[]): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'capacity-plan tests',
    graph: { name: 'custom', node, initializer: [], input: [valueInfo('x', input)], output: [valueInfo('y', output)] },
  });
}

const channelMeans: NodeObject[] = [
  { name: 'gap', opType: 'GlobalAveragePool', input: ['x'], output: ['pooled'], attribute: [] },
  { name: 'flatten', opType: 'Flatten', input: ['pooled'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
];

export const CUSTOM_MODELS = {
  rank2: () => model(['N', 10], ['N', 10], [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['y'], attribute: [] }]),
  dynamic: () => model(['N', 3, 'H', 'W'], ['N', 3], channelMeans),
  fixed2: () => model([2, 3, 8, 8], [2, 3], channelMeans),
} as const;

export type CustomModel = keyof typeof CUSTOM_MODELS;

export async function writeCustomModel(name: CustomModel, path: string): Promise<string> {
  await writeFile(path, CUSTOM_MODELS[name]());
  return path;
}
