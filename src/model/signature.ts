import { InputError } from '../util/errors.js';
import type { ValueInfo } from './engineProtocol.js';

/** Element types an image input may have; the engine converts the pipeline's float32 values to it. */
export const INPUT_ELEMENT_TYPES = ['float32', 'float16', 'uint8'] as const;
export type InputElementType = (typeof INPUT_ELEMENT_TYPES)[number];

/** Where the channels sit in an image input: [N, C, H, W] or [N, H, W, C]. */
export type InputLayout = 'nchw' | 'nhwc';

export interface OutputInfo {
  name: string;
  type: string;
  shape: (number | string)[];
}

/** What a model takes and returns, read from its graph: pure, so the wire schemas and targets can share it. */
export interface ModelSignature {
  inputName: string;
  inputType: string;
  /** As declared by the model: numbers, or strings for symbolic dimensions. */
  inputShape: (number | string)[];
  /** The first output (a classifier's only one). */
  outputName: string;
  outputShape: (number | string)[];
  /** Every output, in the model's order (absent from older agents' /v1/info: then only the first is known). */
  outputs?: OutputInfo[];
  /** Absent means nchw (older agents). */
  layout?: InputLayout;
  /** C, H, W used for requests (declared, or --input-shape for dynamic dimensions), whatever the layout. */
  itemShape: [number, number, number];
  /** Largest batch the model accepts (Infinity when the batch dimension is dynamic). */
  maxBatch: number;
}

export interface SignatureOptions {
  /** C,H,W for dynamic dimensions (--input-shape), always in that order. */
  inputShape?: [number, number, number];
  /** Overrides the layout detected from the shape (--layout). */
  layout?: InputLayout;
}

const SUPPORTED_SHAPES = 'an image model takes one float32, float16 or uint8 input [N, C, H, W] or [N, H, W, C] with C = 1 or 3';

/** Validates that the model is an image model and works out the per-request item shape and layout. */
export function readSignature(inputs: ValueInfo[], outputs: ValueInfo[], options: SignatureOptions = {}): ModelSignature {
  const input = inputs[0];
  const output = outputs[0];
  if (!input || !output) throw new InputError('the model has no inputs or no outputs', SUPPORTED_SHAPES);
  if (inputs.length !== 1) {
    throw new InputError(
      `the model has ${inputs.length} inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}); only single-input image models are supported`,
      SUPPORTED_SHAPES,
    );
  }
  if (!input.isTensor || !(INPUT_ELEMENT_TYPES as readonly string[]).includes(input.type)) {
    throw new InputError(`the model input '${input.name}' is ${input.isTensor ? input.type : 'not a tensor'}, not float32, float16 or uint8`, SUPPORTED_SHAPES);
  }
  if (input.shape.length !== 4) {
    throw new InputError(`the model input '${input.name}' has shape [${input.shape.join(', ')}], not an image tensor`, SUPPORTED_SHAPES);
  }
  const layout = options.layout ?? detectLayout(input.shape);
  const [batchDim, ...rest] = input.shape as [number | string, number | string, number | string, number | string];
  // Declared C, H, W (null where symbolic), in that order whatever the layout.
  const fixed = rest.map((d) => (typeof d === 'number' && d > 0 ? d : null));
  const declared = layout === 'nhwc' ? [fixed[2]!, fixed[0]!, fixed[1]!] : fixed;
  const override = options.inputShape;
  let itemShape: [number, number, number];
  if (override) {
    declared.forEach((d, i) => {
      if (d !== null && d !== override[i]) {
        throw new InputError(`--input-shape ${override.join(',')} (C,H,W) contradicts the model's declared input [${input.shape.join(', ')}] (${layout.toUpperCase()})`);
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
    throw new InputError(`the model input '${input.name}' has ${itemShape[0]} channels (as ${layout.toUpperCase()})`, `${SUPPORTED_SHAPES}; set --layout if it was detected wrongly`);
  }
  return {
    inputName: input.name,
    inputType: input.type,
    inputShape: input.shape,
    outputName: output.name,
    outputShape: output.shape,
    outputs: outputs.map((o) => ({ name: o.name, type: o.isTensor ? o.type : 'non-tensor', shape: o.shape })),
    layout,
    itemShape,
    maxBatch: typeof batchDim === 'number' && batchDim > 0 ? batchDim : Number.POSITIVE_INFINITY,
  };
}

/**
 * NCHW unless the channels can only be last: dimension 1 is not 1 or 3 (or symbolic) while the last
 * one is. A declared [N, 3, H, 3] stays NCHW, the common case; --layout settles the rest.
 */
export function detectLayout(shape: readonly (number | string)[]): InputLayout {
  const channelsLike = (d: number | string | undefined): boolean => d === 1 || d === 3;
  return !channelsLike(shape[1]) && channelsLike(shape[3]) ? 'nhwc' : 'nchw';
}

/** The item's dimensions in the model's own order (what the engine passes to onnxruntime). */
export function modelItemDims(signature: Pick<ModelSignature, 'itemShape' | 'layout'>): [number, number, number] {
  const [c, h, w] = signature.itemShape;
  return signature.layout === 'nhwc' ? [h, w, c] : [c, h, w];
}
