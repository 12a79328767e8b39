import { GraphBuilder, type ModelInfo } from './graphBuilder.js';

/**
 * A tiny CNN (~100 KB, ~10 M MACs per image) with ResNet-50's input contract, "input" float32
 * [N,3,224,224] -> "logits" [N,10]: tests and demos exercise the real image preprocessing and
 * batching while inference itself costs well under a millisecond per image on a CPU.
 *
 * A 4x4/stride-4 patch stem brings 224x224 down to 56x56 cheaply, two strided 3x3 convs widen the
 * channels, then global average pooling and a 10-class Gemm.
 */

export const TINY_OPSET = 17;
export const TINY_IR_VERSION = 8;
const CLASSES = 10;

export function addTiny(b: GraphBuilder): void {
  let x = b.input('input', [3, 224, 224]);
  x = b.relu(b.conv(x, { name: 'stem', outChannels: 16, kernel: 4, stride: 4, bias: true }), 'stem.relu');
  x = b.relu(b.conv(x, { name: 'conv1', outChannels: 32, kernel: 3, stride: 2, pad: 1, bias: true }), 'conv1.relu');
  x = b.relu(b.conv(x, { name: 'conv2', outChannels: 64, kernel: 3, stride: 2, pad: 1, bias: true }), 'conv2.relu');
  x = b.flatten(b.globalAveragePool(x, 'avgpool'), 'flatten');
  b.output(b.gemm(x, { name: 'fc', outFeatures: CLASSES, output: 'logits' }));
}

const DESCRIPTION = 'tiny CNN (3 convs + Gemm to 10 classes), seeded random weights, input [N,3,224,224] float32';

export function describeTiny(): ModelInfo {
  const b = new GraphBuilder({ seed: 0, materialize: false });
  addTiny(b);
  return { parameters: b.parameters, macsPerImage: b.macsPerImage, description: DESCRIPTION };
}

export function buildTiny({ seed }: { seed: number }): Uint8Array {
  const b = new GraphBuilder({ seed });
  addTiny(b);
  return b.toBytes({
    graphName: 'tiny',
    docString: DESCRIPTION,
    opsetVersion: TINY_OPSET,
    irVersion: TINY_IR_VERSION,
    metadata: {
      architecture: 'tiny',
      seed: String(seed),
      parameters: String(b.parameters),
      macsPerImage: String(b.macsPerImage),
    },
  });
}
