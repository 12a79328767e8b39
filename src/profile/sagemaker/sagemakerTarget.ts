import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { ProfileSpec } from '../../schema/profileSpec.js';
import type { SageMakerProtocol, TransportInfo } from '../../schema/transport.js';
import { tensorFromBody } from '../../serving/images/clientRequest.js';
import type { RequestOutcome } from '../../serving/pipeline.js';
import { TENSOR_CONTENT_TYPE, type WireRequest } from '../../serving/stage.js';
import { realClock, type Clock } from '../../util/clock.js';
import { EnvironmentError, RemoteError } from '../../util/errors.js';
import { connectionsFor, DEFAULT_DRAIN_GRACE_MS } from '../http/httpTarget.js';
import { kserveTensorEncoder, shortestFloat32 } from '../http/protocols.js';
import { DEFAULT_ITEM_SHAPE } from '../http/remoteTarget.js';
import { ServerStageReader } from '../http/serverStages.js';
import type { ProfileTarget } from '../target.js';
import { invokeFailure } from './invokeFailure.js';
import type { SageMakerTargetUri } from './targetUri.js';

/**
 * `profile --target sagemaker://<endpoint>[/<variant>]`: a SageMaker real-time endpoint, through
 * the AWS SDK's InvokeEndpoint (signed, with credentials and region from the usual chain), driven
 * open- or closed-loop like any target. The SDK does not retry (maxAttempts 1): a throttled
 * request is a measured failure, not a hidden retry inside the latency.
 *
 * What comes back: the body, its content type, the production variant that served it (counted
 * per variant in the document), and custom attributes. A container that puts a Server-Timing
 * value in its custom attributes gets its stages recorded as over HTTP; otherwise the latency is
 * the client's alone (SageMaker's front end and the network included).
 */

export interface SageMakerTargetOptions extends SageMakerTargetUri {
  /** --region; else the SDK's chain (AWS_REGION, the profile's region). */
  region?: string;
  protocol: SageMakerProtocol;
  spec: ProfileSpec;
  /** For AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME / AWS_ENDPOINT_URL (credentials: the SDK reads process.env itself). */
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  warnings?: string[];
  /** Bound on each response (default 300 s). */
  timeoutMs?: number;
  /** KServe v2: the model's input tensor name (default 'input'). */
  inputName?: string;
}

/** AWS's per-service endpoint variable wins over the global one, as in the SDKs' own configuration. */
export function sagemakerRuntimeEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME || env.AWS_ENDPOINT_URL || undefined;
}

interface Encoded {
  contentType: string;
  accept?: string;
  body: Uint8Array;
}

export function sagemakerEncoder(protocol: SageMakerProtocol, itemShape: [number, number, number], inputName = 'input'): (request: WireRequest) => Encoded {
  switch (protocol) {
    case 'raw':
    case 'torchserve':
      // Image files go as they are, under their own type (image/jpeg, image/png): what TorchServe's
      // image handlers and most SageMaker image containers read.
      return (request) => ({ contentType: request.contentType, body: request.body });
    case 'kserve-v2': {
      // Triton on SageMaker takes KServe v2 JSON under application/json.
      const encode = kserveTensorEncoder(inputName, itemShape);
      return (request) => ({ contentType: 'application/json', accept: 'application/json', body: encode(request) });
    }
    case 'json':
      return (request) => ({ contentType: 'application/json', accept: 'application/json', body: instancesJson(request, itemShape) });
  }
}

/** A tensor request → `{"instances":[[[...]]]}`, one C x H x W instance (the TF Serving / framework containers' JSON). */
export function instancesJson(request: WireRequest, [c, h, w]: [number, number, number]): Buffer {
  const tensor = (request.contentType.split(';', 1)[0] ?? '').trim().toLowerCase() === TENSOR_CONTENT_TYPE ? tensorFromBody(request.body) : undefined;
  if (!tensor) throw new Error(`the json protocol sends tensors, not '${request.contentType}' bodies: preprocess on the client`);
  if (tensor.length !== c * h * w) throw new Error(`a tensor request of ${request.body.byteLength} bytes does not hold ${c}x${h}x${w} float32 values`);
  const parts: string[] = [];
  for (let ci = 0; ci < c; ci++) {
    const rows: string[] = [];
    for (let y = 0; y < h; y++) {
      const row: string[] = new Array<string>(w);
      for (let x = 0; x < w; x++) row[x] = shortestFloat32(tensor[(ci * h + y) * w + x]!);
      rows.push(`[${row.join(',')}]`);
    }
    parts.push(`[${rows.join(',')}]`);
  }
  return Buffer.from(`{"instances":[[${parts.join(',')}]]}`);
}

export async function openSageMakerTarget(options: SageMakerTargetOptions): Promise<ProfileTarget> {
  const clock = options.clock ?? realClock;
  const connections = connectionsFor(options.spec.load);
  const endpointUrl = sagemakerRuntimeEndpointFromEnv(options.env);
  const agentOptions = { keepAlive: true, maxSockets: connections };
  const client = new SageMakerRuntimeClient({
    ...(options.region ? { region: options.region } : {}),
    ...(endpointUrl ? { endpoint: endpointUrl } : {}),
    maxAttempts: 1,
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 10_000,
      requestTimeout: options.timeoutMs ?? 300_000,
    },
  });
  try {
    return await createTarget(client, options, { clock, connections, endpointUrl });
  } catch (error) {
    client.destroy();
    throw error;
  }
}

async function createTarget(
  client: SageMakerRuntimeClient,
  options: SageMakerTargetOptions,
  context: { clock: Clock; connections: number; endpointUrl: string | undefined },
): Promise<ProfileTarget> {
  const { clock, connections, endpointUrl } = context;
  const { spec, protocol, endpointName, variant } = options;
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new EnvironmentError(`no AWS region for SageMaker endpoint '${endpointName}'`, 'pass --region <region>, or set AWS_REGION');
  }
  try {
    await client.config.credentials();
  } catch (error) {
    throw new EnvironmentError(
      `no AWS credentials to invoke SageMaker endpoint '${endpointName}' (${firstLine((error as Error).message)})`,
      'set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a host with a role that allows sagemaker:InvokeEndpoint',
    );
  }
  const warnings = [...(options.warnings ?? [])];
  const needsTensors = protocol === 'kserve-v2' || protocol === 'json';
  if (needsTensors && !spec.model.inputShape) warnings.push(`the endpoint does not say its input shape: tensors are ${DEFAULT_ITEM_SHAPE.join('x')} (set --input-shape C,H,W)`);
  const itemShape = spec.model.inputShape ?? DEFAULT_ITEM_SHAPE;
  const encoder = sagemakerEncoder(protocol, itemShape, options.inputName);
  const encoded = new WeakMap<WireRequest, Encoded>();
  const encode = (request: WireRequest): Encoded => {
    let e = encoded.get(request);
    if (!e) encoded.set(request, (e = encoder(request)));
    return e;
  };
  const label = endpointUrl ?? `SageMaker Runtime in ${region}`;
  const transport: Extract<TransportInfo, { kind: 'sagemaker' }> = {
    kind: 'sagemaker',
    endpointName,
    ...(variant ? { variant } : {}),
    region,
    ...(endpointUrl ? { endpointUrl } : {}),
    protocol,
    contentType: needsTensors ? 'application/json' : 'the image files\' own types',
    connections,
  };
  const invokedVariants = new Map<string, number>();
  let kserveInspected = 0;
  const reader = new ServerStageReader();
  const aborter = new AbortController();
  // Every request in flight listens on the one signal (to be abandoned after drain): no limit applies.
  setMaxListeners(0, aborter.signal);
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  let drained = false;
  let closed = false;

  const invoke = async (request: WireRequest) => {
    const e = encode(request);
    if (!needsTensors) transport.contentType = e.contentType;
    return client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        Body: e.body,
        ContentType: e.contentType,
        ...(e.accept ? { Accept: e.accept } : {}),
        ...(variant ? { TargetVariant: variant } : {}),
      }),
      { abortSignal: aborter.signal },
    );
  };

  const target: ProfileTarget = {
    async send(request, intendedAtMs): Promise<RequestOutcome> {
      let output: Awaited<ReturnType<typeof invoke>>;
      try {
        output = await invoke(request);
      } catch (error) {
        const completedAtMs = clock.nowMs();
        return { ok: false, stageMs: {}, endToEndMs: completedAtMs - intendedAtMs, completedAtMs, failure: invokeFailure(error) };
      }
      const completedAtMs = clock.nowMs();
      const endToEndMs = completedAtMs - intendedAtMs;
      const served = output.InvokedProductionVariant ?? 'unknown';
      invokedVariants.set(served, (invokedVariants.get(served) ?? 0) + 1);
      // The first answers are enough: the same model answers every time.
      if (protocol === 'kserve-v2' && transport.modelName === undefined && kserveInspected++ < 8) readKserveModel(output.Body, transport);
      // Only a Server-Timing-shaped value is read as timings; other custom attributes are the container's own business.
      const attributes = output.CustomAttributes;
      const timing = reader.read(attributes && /dur=/.test(attributes) ? attributes : undefined);
      const stageMs = timing.stageMs;
      if (timing.totalMs !== undefined) stageMs.network = Math.max(0, endToEndMs - timing.totalMs);
      return { ok: true, stageMs, endToEndMs, completedAtMs, serverTotalMs: timing.totalMs };
    },
    async prepare(requests) {
      for (const request of requests) encode(request);
      const first = requests[0];
      // One request before the load, off the clock: a wrong endpoint name, region or credentials
      // is one clear error now instead of every request failing the same way.
      if (first) await probe(() => invoke(first), endpointName, label);
    },
    itemShape,
    modelSource: `sagemaker://${endpointName}${variant ? `/${variant}` : ''}`,
    warnings,
    transport,
    drain() {
      if (drained) return;
      drained = true;
      if (invokedVariants.size > 0) transport.invokedVariants = Object.fromEntries([...invokedVariants].sort(([a], [b]) => a.localeCompare(b)));
      const timingWarning = reader.warning();
      if (timingWarning) warnings.push(timingWarning);
      if (!reader.sawTotal) {
        warnings.push(
          "SageMaker returned no server timings: latency is the client's, SageMaker's front end and the network included (the endpoint's ModelLatency and OverheadLatency metrics in CloudWatch split it)",
        );
      }
      warnings.push("the endpoint does not report batch sizes: the document has none");
      warnings.push("CPU and RSS figures are the profiler's own process (the load generator), not the endpoint's");
      drainTimer = setTimeout(() => aborter.abort(), DEFAULT_DRAIN_GRACE_MS);
      drainTimer.unref?.();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(drainTimer);
      aborter.abort();
      client.destroy();
    },
  };
  return target;
}

/** Errors that mean the run cannot measure anything; throttling and model errors are measured, so they pass. */
async function probe(invoke: () => Promise<unknown>, endpointName: string, label: string): Promise<void> {
  try {
    await invoke();
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const failure = invokeFailure(error);
    if (failure.stage === 'network') {
      throw new EnvironmentError(`cannot reach ${label} for endpoint '${endpointName}': ${failure.reason}`, 'check the network, --region, or AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME if set');
    }
    if (e.name === 'ValidationError') {
      throw new RemoteError(`SageMaker endpoint '${endpointName}': ${firstLine(e.message)}`, 'check the endpoint name, its variant and --region (aws sagemaker list-endpoints)');
    }
    if (e.name === 'AccessDeniedException' || e.$metadata?.httpStatusCode === 403) {
      throw new RemoteError(`SageMaker endpoint '${endpointName}': ${e.name} (${firstLine(e.message)})`, 'the credentials need sagemaker:InvokeEndpoint on this endpoint');
    }
  }
}

/** Triton's KServe v2 response names the model and version that answered. */
function readKserveModel(body: Uint8Array | undefined, transport: { modelName?: string; modelVersion?: string }): void {
  if (!body) return;
  try {
    const json = JSON.parse(Buffer.from(body).toString('utf8')) as { model_name?: unknown; model_version?: unknown };
    if (typeof json.model_name === 'string') transport.modelName = json.model_name;
    if (typeof json.model_version === 'string' && json.model_version !== '') transport.modelVersion = json.model_version;
  } catch {
    // Not JSON: nothing to record.
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0]?.trim() || 'no message';
}
