import { InputError } from '../util/errors.js';
import type { ValueInfo } from './engineProtocol.js';

/** What a model takes and returns, read from its graph: pure, so the wire schemas and targets can share it. */
export interface ModelSignature {
  inputName: string;
  inputType: string;
  /** As declared by the model: numbers, or strings for symbolic dimensions. */
  inputShape: (number | string)[];
  outputName: string;
  outputShape: (number | string)[];
  /** C, H, W used for requests (declared, or --input-shape for dynamic dimensions). */
  itemShape: [number, number, number];
  /** Largest batch the model accepts (Infinity when the batch dimension is dynamic). */
  maxBatch: number;
}

const SUPPORTED_SHAPES = 'an image model takes one float32 input [N, C, H, W] with C = 1 or 3';

/** Validates that the model is an image model and works out the per-request item shape. */
export function readSignature(
  inputs: ValueInfo[],
  outputs: ValueInfo[],
  override?: [number, number, number],
): ModelSignature {
  const input = inputs[0];
  const output = outputs[0];
  if (!input || !output) throw new InputError('the model has no inputs or no outputs', SUPPORTED_SHAPES);
  if (inputs.length !== 1) {
    throw new InputError(`the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); only single-input image models are supported`, SUPPORTED_SHAPES);
  }
  if (!input.isTensor || input.type !== 'float32') {
    throw new InputError(`the model input '${input.name}' is ${input.isTensor ? input.type : 'not a tensor'}, not float32`, SUPPORTED_SHAPES);
  }
  if (input.shape.length !== 4) {
    throw new InputError(`the model input '${input.name}' has shape [${input.shape.join(', ')}], not an image tensor`, SUPPORTED_SHAPES);
  }
  const [batchDim, ...rest] = input.shape as [number | string, number | string, number | string, number | string];
  const declared = rest.map((d) => (typeof d === 'number' && d > 0 ? d : null));
  let itemShape: [number, number, number];
  if (override) {
    declared.forEach((d, i) => {
      if (d !== null && d !== override[i]) {
        throw new InputError(`--input-shape ${override.join(',')} contradicts the model's declared input [${input.shape.join(', ')}]`);
      }
    });
    itemShape = override;
  } else if (declared.every((d) => d !== null)) {
    itemShape = declared as [number, number, number];
  } else {
    throw new InputError(
      `the model input '${input.name}' has dynamic dimensions [${input.shape.join(', ')}]`,
      'give the C,H,W to use with --input-shape, e.g. --input-shape 3,224,224',
    );
  }
  if (itemShape[0] !== 1 && itemShape[0] !== 3) {
    throw new InputError(`the model input '${input.name}' has ${itemShape[0]} channels`, SUPPORTED_SHAPES);
  }
  return {
    inputName: input.name,
    inputType: input.type,
    inputShape: input.shape,
    outputName: output.name,
    outputShape: output.shape,
    itemShape,
    maxBatch: typeof batchDim === 'number' && batchDim > 0 ? batchDim : Number.POSITIVE_INFINITY,
  };
}
