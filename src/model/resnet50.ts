import { GraphBuilder, type Activation, type ModelInfo } from './graphBuilder.js';

/**
 * ResNet-50 v1.5 exactly as torchvision builds it (torchvision.models.resnet50): the stride-2
 * sits in the 3x3 conv of the first bottleneck of layers 2-4, not in its first 1x1 conv (that is
 * the "v1.5" difference from the paper). Tensor names follow torchvision's state_dict
 * ("layer2.0.downsample.1.weight"), so the model reads like the PyTorch one.
 *
 * Weights are random (seeded), not trained: the model exists to be timed, so what matters is that
 * it has the real architecture, sizes and arithmetic, and that its outputs are finite numbers.
 */

export const RESNET50_OPSET = 17;
export const RESNET50_IR_VERSION = 8;
const INPUT_SHAPE = [3, 224, 224];
const CLASSES = 1000;
const EXPANSION = 4;
/** torchvision's [3, 4, 6, 3] bottlenecks per stage, with 64/128/256/512 inner channels. */
const STAGES = [
  { blocks: 3, planes: 64, stride: 1 },
  { blocks: 4, planes: 128, stride: 2 },
  { blocks: 6, planes: 256, stride: 2 },
  { blocks: 3, planes: 512, stride: 2 },
] as const;

/**
 * Gamma of the last BN of each bottleneck. torchvision's zero_init_residual=True sets it to 0 so
 * every block starts as the identity; with untrained He-initialised weights and gamma 1 the
 * activations' variance instead roughly doubles at each of the 16 residual Adds. A small non-zero
 * gamma keeps activations O(1) while every weight still affects the output.
 */
export const RESIDUAL_GAMMA = 0.2;

export interface BottleneckSpec {
  /** e.g. "layer2.0" */
  name: string;
  planes: number;
  stride: number;
}

/** One torchvision Bottleneck: 1x1 reduce, 3x3 (strided), 1x1 expand, + identity or downsample, ReLU. */
export function addBottleneck(b: GraphBuilder, x: Activation, spec: BottleneckSpec): Activation {
  const { name, planes, stride } = spec;
  const outChannels = planes * EXPANSION;
  let y = b.conv(x, { name: `${name}.conv1`, outChannels: planes, kernel: 1 });
  y = b.relu(b.batchNorm(y, `${name}.bn1`), `${name}.relu1`);
  y = b.conv(y, { name: `${name}.conv2`, outChannels: planes, kernel: 3, stride, pad: 1 });
  y = b.relu(b.batchNorm(y, `${name}.bn2`), `${name}.relu2`);
  y = b.conv(y, { name: `${name}.conv3`, outChannels, kernel: 1 });
  y = b.batchNorm(y, `${name}.bn3`, RESIDUAL_GAMMA);
  let identity = x;
  if (stride !== 1 || x.shape[0] !== outChannels) {
    identity = b.conv(x, { name: `${name}.downsample.0`, outChannels, kernel: 1, stride });
    identity = b.batchNorm(identity, `${name}.downsample.1`);
  }
  return b.relu(b.add(y, identity, `${name}.add`), `${name}.relu3`);
}

/** Adds the whole network to `b`: "input" [N,3,224,224] -> "logits" [N,1000]. */
export function addResNet50(b: GraphBuilder): void {
  let x = b.input('input', INPUT_SHAPE);
  x = b.conv(x, { name: 'conv1', outChannels: 64, kernel: 7, stride: 2, pad: 3 });
  x = b.relu(b.batchNorm(x, 'bn1'), 'relu');
  x = b.maxPool(x, 'maxpool', 3, 2, 1);
  STAGES.forEach((stage, s) => {
    for (let i = 0; i < stage.blocks; i += 1) {
      x = addBottleneck(b, x, { name: `layer${s + 1}.${i}`, planes: stage.planes, stride: i === 0 ? stage.stride : 1 });
    }
  });
  x = b.flatten(b.globalAveragePool(x, 'avgpool'), 'flatten');
  b.output(b.gemm(x, { name: 'fc', outFeatures: CLASSES, output: 'logits' }));
}

const DESCRIPTION = 'ResNet-50 v1.5 (torchvision architecture), seeded random weights, input [N,3,224,224] float32';

/** Parameters and MACs, from walking the architecture without generating weights. */
export function describeResNet50(): ModelInfo {
  const b = new GraphBuilder({ seed: 0, materialize: false });
  addResNet50(b);
  return { parameters: b.parameters, macsPerImage: b.macsPerImage, description: DESCRIPTION };
}

export function buildResNet50({ seed }: { seed: number }): Uint8Array {
  const b = new GraphBuilder({ seed });
  addResNet50(b);
  return b.toBytes({
    graphName: 'resnet50',
    docString: DESCRIPTION,
    opsetVersion: RESNET50_OPSET,
    irVersion: RESNET50_IR_VERSION,
    metadata: {
      architecture: 'resnet50',
      seed: String(seed),
      parameters: String(b.parameters),
      macsPerImage: String(b.macsPerImage),
    },
  });
}
