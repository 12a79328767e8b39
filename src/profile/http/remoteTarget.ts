import type { ModelSignature } from '../../model/signature.js';
import { ProfileSpec } from '../../schema/profileSpec.js';
import type { HttpProtocol } from '../../schema/transport.js';
import { EnvironmentError, RemoteError, UsageError } from '../../util/errors.js';
import type { Clock } from '../../util/clock.js';
import type { ProfileTarget } from '../target.js';
import { createHttpClient } from './client.js';
import type { HttpClient } from './types.js';
import { connectionsFor, createHttpTarget } from './httpTarget.js';
import { describeNetworkError } from './networkError.js';
import { wireProtocol } from './protocols.js';
import {
  agentBatchCounts,
  getJson,
  itemShapeOf,
  readAgentInfo,
  signatureFromAgentInfo,
  signatureFromKserve,
} from './serverInfo.js';
import type { AgentInfoLoose } from '../../schema/wire/agentInfo.js';
import { KserveModelMetadata } from '../../schema/wire/kserve.js';

/**
 * `profile --target URL --protocol P`: a server the user already runs (Triton, TorchServe,
 * KServe, or another capacity-plan agent). Nothing is loaded here. Before the load starts the
 * server is probed: unreachable is an EnvironmentError (exit 4); a capacity-plan agent answers
 * /v1/info (signature, batch sizes); a KServe v2 server describes its model at /v2/models/{name}.
 * Client-side figures always; server stages where the server sends Server-Timing.
 */

export interface RemoteTargetOptions {
  url: string;
  protocol: HttpProtocol;
  /** KServe's / TorchServe's {name}; for a capacity-plan agent, its /v1/info says. */
  modelName?: string;
  spec: ProfileSpec;
  clock?: Clock;
  warnings?: string[];
  /** Bound on each response (default: the client's 300 s). */
  timeoutMs?: number;
  /** Bearer token for an agent bound off loopback (--token, CAPACITY_PLAN_TOKEN). */
  token?: string;
}

export const DEFAULT_ITEM_SHAPE: [number, number, number] = [3, 224, 224];

export async function openRemoteTarget(options: RemoteTargetOptions): Promise<ProfileTarget> {
  const { url, protocol, spec } = options;
  const origin = new URL(url).origin;
  const headers = options.token !== undefined ? ['authorization', `Bearer ${options.token}`] : [];
  const control = createHttpClient(origin, { connections: 1, timeoutMs: 10_000, headers });
  try {
    const warnings = [...(options.warnings ?? [])];
    let agent: AgentInfoLoose | undefined;
    let servedSpec: ProfileSpec | undefined;
    try {
      agent = await readAgentInfo(control);
      if (agent) servedSpec = await readServedSpec(control);
    } catch (error) {
      throw new EnvironmentError(
        `cannot reach --target ${origin}: ${describeNetworkError(error)}`,
        'is the server running and listening at that address? check the scheme, host and port',
      );
    }
    if (!agent && (await getJson(control, '/v1/info').catch(() => undefined))?.status === 401) {
      throw new UsageError(
        `the target ${origin} requires a bearer token${options.token !== undefined ? ', and refused the one given' : ''}`,
        'pass --token <token> or set CAPACITY_PLAN_TOKEN (a capacity-plan agent prints its token at start)',
      );
    }
    const modelName = options.modelName ?? agent?.model.name;
    let signature: ModelSignature | undefined = agent ? signatureFromAgentInfo(agent) : undefined;
    let kserveShape: [number, number, number] | undefined;
    if (protocol === 'kserve-v2') {
      if (!modelName) {
        throw new UsageError('--protocol kserve-v2 needs --model-name <name>: the target did not say which model it serves');
      }
      const metadata = await kserveMetadata(control, origin, modelName);
      kserveShape = itemShapeOf(metadata.inputs[0]!.shape);
      const datatype = metadata.inputs[0]!.datatype;
      if (datatype !== 'FP32') warnings.push(`the model's input '${metadata.inputs[0]!.name}' takes ${datatype}; requests carry FP32 and may be refused`);
      signature ??= signatureFromKserve(metadata, spec.model.inputShape ?? kserveShape ?? DEFAULT_ITEM_SHAPE);
    }
    if (protocol === 'torchserve' && !modelName) throw new UsageError('--protocol torchserve needs --model-name <name> (the {name} in /predictions/{name})');

    const itemShape = spec.model.inputShape ?? kserveShape ?? agent?.model.signature.itemShape ?? DEFAULT_ITEM_SHAPE;
    const known = spec.model.inputShape ?? kserveShape ?? agent?.model.signature.itemShape;
    // The item shape matters only when the client prepares tensors (KServe always, or --preprocess client).
    if (!known && (protocol === 'kserve-v2' || spec.pipeline.preprocess.where === 'client')) {
      warnings.push(`the target did not say its input shape: tensors are ${itemShape.join('x')} (set --input-shape C,H,W)`);
    }
    if (agent) warnings.push(...agent.warnings);
    else warnings.push('the target does not report batch sizes: the document has none');

    const connections = connectionsFor(spec.load);
    return createHttpTarget({
      baseUrl: origin,
      protocol: wireProtocol(protocol, { modelName, inputName: signature?.inputName, itemShape, layout: signature?.layout }),
      connections,
      timeoutMs: options.timeoutMs,
      headers,
      clock: options.clock,
      itemShape,
      signature: signature && { ...signature, itemShape },
      modelSource: modelName ?? origin,
      modelLoadMs: agent?.modelLoadMs,
      warnings,
      transport: {
        kind: 'http',
        server: 'remote',
        url: origin,
        protocol,
        modelName: protocol === 'raw' ? undefined : modelName,
        connections,
        serverSpec: servedSpec ? 'from /v1/info' : 'unknown (external server)',
      },
      servedSpec,
      batchSizeCounts: agent ? agentBatchCounts(control) : undefined,
      expectServerTiming: true,
      onClose: () => control.close(),
    });
  } catch (error) {
    await control.close();
    throw error;
  }
}

/** The agent's serving spec from /v1/info, when this version of it can be read (another version may have other keys). */
async function readServedSpec(control: HttpClient): Promise<ProfileSpec | undefined> {
  const { status, json } = await getJson(control, '/v1/info');
  if (status !== 200 || !json || typeof json !== 'object') return undefined;
  const parsed = ProfileSpec.safeParse((json as { spec?: unknown }).spec);
  return parsed.success ? parsed.data : undefined;
}

async function kserveMetadata(control: HttpClient, origin: string, modelName: string): Promise<KserveModelMetadata> {
  const path = `/v2/models/${encodeURIComponent(modelName)}`;
  let answer: { status: number; json: unknown };
  try {
    answer = await getJson(control, path);
  } catch (error) {
    throw new EnvironmentError(`cannot reach --target ${origin}: ${describeNetworkError(error)}`);
  }
  if (answer.status !== 200) {
    const message = errorText(answer.json);
    throw new RemoteError(
      `the target answered GET ${path} with HTTP ${answer.status}${message ? `: ${message}` : ''}`,
      'check --model-name and that the server speaks KServe v2',
    );
  }
  const parsed = KserveModelMetadata.safeParse(answer.json);
  if (!parsed.success) throw new RemoteError(`the target's GET ${path} is not KServe v2 model metadata`, 'check --protocol');
  return parsed.data;
}

function errorText(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const { error } = json as { error?: unknown };
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return undefined;
}
