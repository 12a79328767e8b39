import type { ModelSignature } from '../../model/signature.js';
import { KserveModelMetadata } from '../../schema/wire/kserve.js';
import { AgentInfoLoose } from '../../schema/wire/agentInfo.js';
import type { HttpClient } from './types.js';

/**
 * What the HTTP transport asks a server before and during a run (never on the load's hot path):
 * our agent's GET /v1/info, and KServe v2 model metadata (GET /v2/models/{name}).
 */

export async function getJson(client: HttpClient, path: string): Promise<{ status: number; json: unknown }> {
  const response = await client.get(path);
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

/** The agent's /v1/info, or undefined when the server is not a capacity-plan agent. Rejects on network errors. */
export async function readAgentInfo(client: HttpClient): Promise<AgentInfoLoose | undefined> {
  const { status, json } = await getJson(client, '/v1/info');
  if (status !== 200) return undefined;
  const parsed = AgentInfoLoose.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function signatureFromAgentInfo(info: AgentInfoLoose): ModelSignature {
  return { ...info.model.signature };
}

export function countsFromRecord(record: Record<string, number>): Map<number, number> {
  return new Map(Object.entries(record).map(([size, count]) => [Number(size), count]));
}

/** The agent's cumulative batch sizes, read from /v1/info. */
export function agentBatchCounts(client: HttpClient): () => Promise<Map<number, number>> {
  return async () => {
    const info = await readAgentInfo(client);
    if (!info) throw new Error('the agent did not answer /v1/info');
    return countsFromRecord(info.batchSizeCounts);
  };
}

/** C,H,W from an input shape [N?, C, H, W] whose last three dimensions are fixed; else undefined. */
export function itemShapeOf(shape: readonly number[]): [number, number, number] | undefined {
  if (shape.length < 3) return undefined;
  const chw = shape.slice(-3);
  return chw.every((d) => Number.isInteger(d) && d > 0) ? (chw as [number, number, number]) : undefined;
}

const ONNX_TYPES: Readonly<Record<string, string>> = { FP32: 'float32', FP16: 'float16', FP64: 'float64', INT64: 'int64', INT32: 'int32', UINT8: 'uint8', BOOL: 'bool' };

/** A model signature from KServe metadata (dynamic dimensions are -1 there). */
export function signatureFromKserve(metadata: KserveModelMetadata, itemShape: [number, number, number]): ModelSignature {
  const input = metadata.inputs[0]!;
  const output = metadata.outputs[0];
  const batch = input.shape.length === 4 ? input.shape[0]! : -1;
  return {
    inputName: input.name,
    inputType: ONNX_TYPES[input.datatype] ?? input.datatype.toLowerCase(),
    inputShape: input.shape,
    outputName: output?.name ?? 'output',
    outputShape: output?.shape ?? [],
    itemShape,
    maxBatch: batch > 0 ? batch : Number.POSITIVE_INFINITY,
  };
}
