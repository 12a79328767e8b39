import { normal, seededRandom } from '../util/random.js';
import {
  AttributeType,
  DataType,
  encodeModel,
  type AttributeObject,
  type NodeObject,
  type TensorObject,
  type ValueInfoObject,
} from './onnxProto.js';

/**
 * A small ONNX graph builder for reference architectures. Activations carry their per-image shape
 * (the batch dimension is the symbolic "N" on graph inputs and outputs), so each layer helper can
 * count parameters and multiply-accumulates as it adds its node.
 *
 * Weights are seeded per tensor from (seed, tensor name), not from one stream for the whole model:
 * a tensor's values then do not depend on what was built before it, so a single block can be
 * built and checked on its own and still match the full model.
 *
 * With `materialize: false` no weights are generated at all: the builder only walks the
 * architecture, which is how model metadata is computed without building 100 MB.
 */

export const BATCH_DIM = 'N';

export interface ModelInfo {
  /** Trainable parameters (weights, biases, BN gamma/beta), not buffers such as BN running stats. */
  parameters: number;
  /** Multiply-accumulates of Conv and Gemm per image (the usual convention: BN, ReLU, pools, Add are not counted). */
  macsPerImage: number;
  description: string;
}

/** An intermediate value: its name in the graph and its shape per image (batch excluded). */
export interface Activation {
  name: string;
  shape: number[];
}

export type AttributeValue = { int: number } | { ints: number[] } | { float: number } | { floats: number[] } | { string: string };

export type Fill = { kind: 'normal'; std: number } | { kind: 'constant'; value: number };

/** Parameters are trained weights; buffers are stored state (BN running mean/var). */
export type InitializerRole = 'parameter' | 'buffer';

export interface BuilderOptions {
  seed: number;
  /** false: walk the architecture only (counts, no weights, no bytes). Default true. */
  materialize?: boolean;
}

export interface ConvOptions {
  name: string;
  outChannels: number;
  kernel: number;
  stride?: number;
  pad?: number;
  bias?: boolean;
  /** Weight std; default He (Kaiming) normal for a ReLU network: sqrt(2 / fan_in). */
  std?: number;
}

export interface GemmOptions {
  name: string;
  outFeatures: number;
  /** Name of the output value (default: `name`), e.g. the graph output "logits". */
  output?: string;
}

export interface ModelMetadata {
  graphName: string;
  docString: string;
  opsetVersion: number;
  irVersion: number;
  metadata?: Record<string, string>;
}

export class GraphBuilder {
  private readonly seed: number;
  private readonly materialize: boolean;
  private readonly nodes: NodeObject[] = [];
  private readonly initializers: TensorObject[] = [];
  private readonly inputs: ValueInfoObject[] = [];
  private readonly outputs: ValueInfoObject[] = [];
  private readonly names = new Set<string>();
  parameters = 0;
  macsPerImage = 0;

  constructor(options: BuilderOptions) {
    this.seed = options.seed;
    this.materialize = options.materialize ?? true;
  }

  // Low level: graph inputs/outputs, initializers, nodes.

  input(name: string, shape: number[]): Activation {
    this.claim(name);
    this.inputs.push(valueInfo(name, shape));
    return { name, shape };
  }

  output(value: Activation): void {
    this.outputs.push(valueInfo(value.name, value.shape));
  }

  initializer(name: string, dims: number[], fill: Fill, role: InitializerRole): string {
    this.claim(name);
    const count = dims.reduce((a, b) => a * b, 1);
    if (role === 'parameter') this.parameters += count;
    if (this.materialize) {
      this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: float32LittleEndian(this.values(name, count, fill)) });
    }
    return name;
  }

  node(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}): void {
    for (const output of outputs) this.claim(output);
    this.nodes.push({
      name,
      opType,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
  }

  // Layers: each adds its node(s) and initializers and counts what it costs.

  conv(x: Activation, o: ConvOptions): Activation {
    const [inChannels, height, width] = chw(x);
    const stride = o.stride ?? 1;
    const pad = o.pad ?? 0;
    const outHeight = Math.floor((height + 2 * pad - o.kernel) / stride) + 1;
    const outWidth = Math.floor((width + 2 * pad - o.kernel) / stride) + 1;
    const fanIn = inChannels * o.kernel * o.kernel;
    const weight = this.initializer(
      `${o.name}.weight`,
      [o.outChannels, inChannels, o.kernel, o.kernel],
      { kind: 'normal', std: o.std ?? Math.sqrt(2 / fanIn) },
      'parameter',
    );
    const inputs = [x.name, weight];
    if (o.bias) inputs.push(this.initializer(`${o.name}.bias`, [o.outChannels], { kind: 'constant', value: 0 }, 'parameter'));
    this.node('Conv', o.name, inputs, [o.name], {
      kernel_shape: { ints: [o.kernel, o.kernel] },
      strides: { ints: [stride, stride] },
      pads: { ints: [pad, pad, pad, pad] },
      dilations: { ints: [1, 1] },
      group: { int: 1 },
    });
    this.macsPerImage += o.outChannels * outHeight * outWidth * fanIn;
    return { name: o.name, shape: [o.outChannels, outHeight, outWidth] };
  }

  /** Inference-mode BatchNormalization: running mean 0, variance 1, so it starts as y = gamma*x + beta. */
  batchNorm(x: Activation, name: string, gamma = 1): Activation {
    const [channels] = chw(x);
    const inputs = [
      x.name,
      this.initializer(`${name}.weight`, [channels], { kind: 'constant', value: gamma }, 'parameter'),
      this.initializer(`${name}.bias`, [channels], { kind: 'constant', value: 0 }, 'parameter'),
      this.initializer(`${name}.running_mean`, [channels], { kind: 'constant', value: 0 }, 'buffer'),
      this.initializer(`${name}.running_var`, [channels], { kind: 'constant', value: 1 }, 'buffer'),
    ];
    this.node('BatchNormalization', name, inputs, [name], { epsilon: { float: 1e-5 } });
    return { name, shape: x.shape };
  }

  relu(x: Activation, name: string): Activation {
    this.node('Relu', name, [x.name], [name]);
    return { name, shape: x.shape };
  }

  add(a: Activation, b: Activation, name: string): Activation {
    if (a.shape.join('x') !== b.shape.join('x')) {
      throw new Error(`Add '${name}': shapes ${a.shape.join('x')} and ${b.shape.join('x')} differ`);
    }
    this.node('Add', name, [a.name, b.name], [name]);
    return { name, shape: a.shape };
  }

  maxPool(x: Activation, name: string, kernel: number, stride: number, pad: number): Activation {
    const [channels, height, width] = chw(x);
    this.node('MaxPool', name, [x.name], [name], {
      kernel_shape: { ints: [kernel, kernel] },
      strides: { ints: [stride, stride] },
      pads: { ints: [pad, pad, pad, pad] },
    });
    const out = (size: number): number => Math.floor((size + 2 * pad - kernel) / stride) + 1;
    return { name, shape: [channels, out(height), out(width)] };
  }

  globalAveragePool(x: Activation, name: string): Activation {
    const [channels] = chw(x);
    this.node('GlobalAveragePool', name, [x.name], [name]);
    return { name, shape: [channels, 1, 1] };
  }

  flatten(x: Activation, name: string): Activation {
    this.node('Flatten', name, [x.name], [name], { axis: { int: 1 } });
    return { name, shape: [x.shape.reduce((a, b) => a * b, 1)] };
  }

  /** Fully connected layer as torch exports it: Gemm(x, W[out,in], b) with transB=1. */
  gemm(x: Activation, o: GemmOptions): Activation {
    if (x.shape.length !== 1) throw new Error(`Gemm '${o.name}' needs a flat input, got ${x.shape.join('x')}`);
    const inFeatures = x.shape[0]!;
    const weight = this.initializer(`${o.name}.weight`, [o.outFeatures, inFeatures], { kind: 'normal', std: 1 / Math.sqrt(inFeatures) }, 'parameter');
    const bias = this.initializer(`${o.name}.bias`, [o.outFeatures], { kind: 'constant', value: 0 }, 'parameter');
    const output = o.output ?? o.name;
    this.node('Gemm', o.name, [x.name, weight, bias], [output], {
      alpha: { float: 1 },
      beta: { float: 1 },
      transB: { int: 1 },
    });
    this.macsPerImage += inFeatures * o.outFeatures;
    return { name: output, shape: [o.outFeatures] };
  }

  /** Serialises the model. Byte-identical for the same graph and seed. */
  toBytes(meta: ModelMetadata): Uint8Array {
    if (!this.materialize) throw new Error('GraphBuilder: toBytes() needs materialize: true');
    return encodeModel({
      irVersion: meta.irVersion,
      opsetImport: [{ domain: '', version: meta.opsetVersion }],
      producerName: 'capacity-plan',
      docString: meta.docString,
      graph: {
        name: meta.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
  }

  private claim(name: string): void {
    // A repeated name would silently rewire the graph; fail while building instead.
    if (this.names.has(name)) throw new Error(`GraphBuilder: value name '${name}' used twice`);
    this.names.add(name);
  }

  private values(name: string, count: number, fill: Fill): Float32Array {
    const data = new Float32Array(count);
    if (fill.kind === 'constant') {
      data.fill(fill.value);
      return data;
    }
    const random = seededRandom(tensorSeed(this.seed, name));
    for (let i = 0; i < count; i += 1) data[i] = normal(random) * fill.std;
    return data;
  }
}

/** FNV-1a over the tensor name, mixed with the model seed: a stable 32-bit seed per tensor. */
export function tensorSeed(seed: number, name: string): number {
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ONNX raw_data is little-endian IEEE 754 whatever the host is. */
export function float32LittleEndian(values: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return bytes;
}

function chw(x: Activation): [number, number, number] {
  if (x.shape.length !== 3) throw new Error(`'${x.name}' must be C,H,W per image, got ${x.shape.join('x')}`);
  return x.shape as [number, number, number];
}

function valueInfo(name: string, shape: number[]): ValueInfoObject {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: [{ dimParam: BATCH_DIM }, ...shape.map((dimValue) => ({ dimValue }))] },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): AttributeObject {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}
