import type { ModelSignature } from '../../model/signature.js';
import { ALONE_HEADER } from '../../schema/wire/aloneHeader.js';
import type { LoadModel } from '../../schema/loadModel.js';
import type { TransportInfo } from '../../schema/transport.js';
import { realClock, type Clock } from '../../util/clock.js';
import type { RequestOutcome, StageTimings } from '../../serving/pipeline.js';
import type { WireRequest } from '../../serving/stage.js';
import type { ProfileSpec } from '../../schema/profileSpec.js';
import type { ProfileTarget } from '../target.js';
import { createHttpClient } from './client.js';
import type { HttpClient, HttpResponse } from './types.js';
import { describeNetworkError } from './networkError.js';
import type { EncodedRequest, WireProtocol } from './protocols.js';
import { ServerStageReader } from './serverStages.js';

/** Asks our agent to run this request as its own batch; other servers ignore the header. */
const ALONE_REQUEST_HEADERS = [ALONE_HEADER, '1'];

/**
 * A ProfileTarget over HTTP: each request goes out on HttpClient's keep-alive connections in the
 * target's protocol, and its outcome holds
 * - endToEndMs: from the intended send time to the response's last byte (what the client saw),
 * - stageMs: the server's stages from its Server-Timing, plus `network` = end to end − the
 *   server's total (clamped at 0): sockets, HTTP parsing and the loopback or network between,
 * - serverTotalMs: the server's own total, where it reports one.
 * A request with no HTTP answer (refused, reset, timed out) is a failure in stage 'network'.
 */

export interface HttpTargetOptions {
  /** Origin of the server (http://host:port). */
  baseUrl: string;
  protocol: WireProtocol;
  /** Sockets the client may open (see connectionsFor). */
  connections: number;
  /** Bound on a response's headers and between body chunks. */
  timeoutMs?: number;
  /** Sent with every request (the agent's bearer token). */
  headers?: readonly string[];
  clock?: Clock;
  itemShape: [number, number, number];
  signature?: ModelSignature;
  modelPath?: string;
  modelSource?: string;
  modelLoadMs?: number;
  warnings?: string[];
  transport: TransportInfo;
  batchSizeCounts?: () => Promise<Map<number, number>>;
  outputKind?: ProfileTarget['outputKind'];
  processUtilization?: ProfileTarget['processUtilization'];
  servedSpec?: ProfileSpec;
  /** Rewords a network failure's reason (e.g. once the agent process has died, say so). */
  networkFailureReason?: (reason: string) => string;
  /** Called by drain(), e.g. to ask a server we started to shut down gracefully. */
  onDrain?: () => void;
  /** After drain, in-flight requests get this long before the client abandons them (a hung server must not hang the run). */
  drainGraceMs?: number;
  /** Called by close() after the client's sockets are closed. */
  onClose?: () => Promise<void>;
  /** Warn at drain when no response carried a Server-Timing total (a server we did not start). */
  expectServerTiming?: boolean;
}

export const DEFAULT_DRAIN_GRACE_MS = 30_000;

/**
 * Sockets for a load model: closed loop keeps `concurrency` requests in flight; open models may
 * have up to maxInFlight. Sockets open only when needed, so a high bound costs nothing unused.
 */
export function connectionsFor(load: LoadModel): number {
  return load.kind === 'closed-loop' ? load.concurrency : load.maxInFlight;
}

export function createHttpTarget(options: HttpTargetOptions): ProfileTarget {
  const clock = options.clock ?? realClock;
  const client: HttpClient = createHttpClient(options.baseUrl, { connections: options.connections, timeoutMs: options.timeoutMs, headers: options.headers });
  const protocol = options.protocol;
  const encoded = new WeakMap<WireRequest, EncodedRequest>();
  const encode = (request: WireRequest): EncodedRequest => {
    let e = encoded.get(request);
    if (!e) encoded.set(request, (e = protocol.encode(request)));
    return e;
  };
  const reader = new ServerStageReader();
  const warnings = [
    ...(options.warnings ?? []),
    // Telemetry samples the profiler's own process, the load generator, unless the target reads the
    // server's own (the agent child over --transport http: processUtilization).
    ...(options.processUtilization ? [] : ["CPU and RSS figures are the profiler's own process (the HTTP load generator), not the server's"]),
  ];
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  let drained = false;
  let closed: Promise<void> | undefined;

  const networkFailure = (error: unknown, intendedAtMs: number): RequestOutcome => {
    const completedAtMs = clock.nowMs();
    let reason = describeNetworkError(error);
    if (options.networkFailureReason) reason = options.networkFailureReason(reason);
    return { ok: false, stageMs: {}, endToEndMs: completedAtMs - intendedAtMs, completedAtMs, failure: { stage: 'network', reason } };
  };

  const outcomeOf = (response: HttpResponse, intendedAtMs: number): RequestOutcome => {
    const completedAtMs = clock.nowMs();
    const endToEndMs = completedAtMs - intendedAtMs;
    const timing = reader.read(response.headers['server-timing']);
    const stageMs: StageTimings = timing.stageMs;
    if (timing.totalMs !== undefined) stageMs.network = Math.max(0, endToEndMs - timing.totalMs);
    const failure = protocol.judge(response);
    return { ok: !failure, stageMs, endToEndMs, completedAtMs, serverTotalMs: timing.totalMs, failure };
  };

  const target: ProfileTarget = {
    async send(request, intendedAtMs, options) {
      let body: EncodedRequest;
      try {
        body = encode(request);
      } catch (error) {
        const completedAtMs = clock.nowMs();
        const reason = error instanceof Error ? error.message : String(error);
        return { ok: false, stageMs: {}, endToEndMs: completedAtMs - intendedAtMs, completedAtMs, failure: { stage: 'pipeline', reason } };
      }
      let response: HttpResponse;
      try {
        response = await client.post(body.path, body.contentType, body.body, options?.alone ? ALONE_REQUEST_HEADERS : undefined);
      } catch (error) {
        return networkFailure(error, intendedAtMs);
      }
      return outcomeOf(response, intendedAtMs);
    },
    prepare(requests) {
      for (const request of requests) encode(request);
    },
    signature: options.signature,
    itemShape: options.itemShape,
    modelPath: options.modelPath,
    modelSource: options.modelSource,
    modelLoadMs: options.modelLoadMs,
    warnings,
    transport: options.transport,
    batchSizeCounts: options.batchSizeCounts,
    outputKind: options.outputKind,
    processUtilization: options.processUtilization,
    servedSpec: options.servedSpec,
    drain() {
      if (drained) return;
      drained = true;
      const timing = reader.warning();
      if (timing) warnings.push(timing);
      if (options.expectServerTiming && !reader.sawTotal) {
        warnings.push('the server sent no Server-Timing total: the document has the client-side latency only (no server stages, no network split)');
      }
      options.onDrain?.();
      drainTimer = setTimeout(() => void client.close(), options.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS);
      drainTimer.unref?.();
    },
    close() {
      closed ??= (async () => {
        clearTimeout(drainTimer);
        try {
          await client.close();
        } finally {
          await options.onClose?.();
        }
      })();
      return closed;
    },
  };
  return target;
}
