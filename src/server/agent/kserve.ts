import type { OutputTensor } from '../../model/engineProtocol.js';
import { modelItemDims, type ModelSignature } from '../../model/signature.js';
import type { OutputKind } from '../../serving/outputKind.js';
import { describeZodError } from '../../util/zodErrors.js';
import { AgentHttpError } from './httpError.js';
import { KSERVE_MODEL_VERSION, KSERVE_PLATFORM, KserveInferRequest } from '../../schema/wire/kserve.js';

/** Parses KServe v2 requests (schemas in src/schema/wire/kserve.ts) into pipeline requests. */

export interface KserveItems {
  id?: string;
  /** One tensor per batch item, in the model's layout. */
  items: Float32Array[];
}

/** Validates a parsed JSON body against the model's signature; 400 naming what is wrong. */
export function parseKserveRequest(raw: unknown, signature: ModelSignature): KserveItems {
  const parsed = KserveInferRequest.safeParse(raw);
  if (!parsed.success) throw invalid(`malformed inference request: ${describeZodError(parsed.error)}`);
  const request = parsed.data;
  if (request.inputs.length !== 1) {
    throw invalid(`the model takes 1 input ('${signature.inputName}'), the request has ${request.inputs.length}`);
  }
  for (const output of request.outputs ?? []) {
    if (output.name !== signature.outputName) throw invalid(`unknown output '${output.name}': the model's output is '${signature.outputName}'`);
  }
  const input = request.inputs[0]!;
  if (input.name !== signature.inputName) throw invalid(`unknown input '${input.name}': the model's input is '${signature.inputName}'`);
  // JSON numbers are numbers whatever the tensor's type: FP32 always, or the model's own type.
  const modelType = kserveDatatype(signature.inputType);
  if (input.datatype !== 'FP32' && input.datatype !== modelType) {
    throw invalid(`input '${input.name}' has datatype '${input.datatype}': the model takes ${modelType}${modelType === 'FP32' ? '' : ' (FP32 is accepted too)'}`);
  }

  const dims = modelItemDims(signature);
  const expected = `[N, ${dims.join(', ')}]`;
  const shape = input.shape;
  if (shape.length !== 4 || dims.some((d, i) => shape[i + 1] !== d)) {
    throw invalid(`input '${input.name}' has shape [${shape.join(', ')}], the model takes ${expected}`);
  }
  const count = shape[0]!;
  if (count < 1) throw invalid(`input '${input.name}' has batch size 0`);
  if (count > signature.maxBatch) throw invalid(`batch size ${count} exceeds the model's fixed batch dimension ${signature.maxBatch}`);

  const itemLength = dims[0] * dims[1] * dims[2];
  const flat = new Float32Array(count * itemLength);
  const found = flattenInto(input.data, flat, shape.length);
  if (found !== flat.length) {
    throw invalid(`input '${input.name}' has ${found} values, shape [${shape.join(', ')}] needs ${flat.length}`);
  }
  // slice, not subarray: each item gets its own buffer, since posting a view to an engine worker
  // would copy the whole underlying buffer once per item.
  const items = Array.from({ length: count }, (_, i) => flat.slice(i * itemLength, (i + 1) * itemLength));
  return { id: request.id, items };
}

/**
 * Writes the numbers of a flat or nested array into `out` in row-major order and returns how many
 * there were (it keeps counting past out.length, so the error can say how many were sent).
 */
function flattenInto(data: unknown[], out: Float32Array, maxDepth: number): number {
  let n = 0;
  const visit = (values: unknown[], depth: number): void => {
    for (const value of values) {
      if (typeof value === 'number') {
        if (n < out.length) out[n] = value;
        n++;
      } else if (Array.isArray(value) && depth < maxDepth) {
        visit(value, depth + 1);
      } else {
        throw invalid(`data holds ${Array.isArray(value) ? 'arrays nested deeper than the shape' : JSON.stringify(value)?.slice(0, 40) ?? typeof value}: FP32 data must be numbers`);
      }
    }
  };
  visit(data, 1);
  return n;
}

/**
 * Every output as the model returned it, one batch row per request item, with its real shape (a
 * [N, 1, H, W] map stays one), as float32. The protocol carries tensors, so class postprocessing
 * stays with the client; parameters.output_kind says how this agent's own responses read them.
 */
export function kserveInferResponse(modelName: string, items: OutputTensor[][], outputKind: OutputKind | undefined, id?: string): unknown {
  const first = items[0] ?? [];
  const outputs = first.map((output, o) => {
    const data: number[] = [];
    for (const item of items) for (const value of item[o]!.data) data.push(value);
    return { name: output.name, shape: [items.length, ...output.dims.slice(1)], datatype: 'FP32', data };
  });
  return {
    model_name: modelName,
    model_version: KSERVE_MODEL_VERSION,
    ...(id !== undefined ? { id } : {}),
    ...(outputKind !== undefined ? { parameters: { output_kind: outputKind } } : {}),
    outputs,
  };
}

/** GET /v2/models/{name}: symbolic dimensions (a dynamic batch) are -1, as Triton reports them. */
export function kserveModelMetadata(modelName: string, signature: ModelSignature): unknown {
  const dims = (shape: (number | string)[]): number[] => shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1));
  return {
    name: modelName,
    versions: [KSERVE_MODEL_VERSION],
    platform: KSERVE_PLATFORM,
    inputs: [{ name: signature.inputName, datatype: kserveDatatype(signature.inputType), shape: dims(signature.inputShape) }],
    outputs: (signature.outputs ?? [{ name: signature.outputName, type: 'float32', shape: signature.outputShape }]).map((o) => ({
      name: o.name,
      datatype: 'FP32',
      shape: dims(o.shape),
    })),
  };
}

/** onnxruntime's type names → the protocol's. */
export function kserveDatatype(onnxType: string): string {
  const known: Record<string, string> = { float32: 'FP32', float16: 'FP16', float64: 'FP64', int64: 'INT64', int32: 'INT32', uint8: 'UINT8', bool: 'BOOL' };
  return known[onnxType] ?? onnxType.toUpperCase();
}

function invalid(message: string): AgentHttpError {
  return new AgentHttpError(400, 'invalid_request', message);
}
