import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock } from '../../util/clock.js';
import type { RequestOutcome } from '../../serving/pipeline.js';
import { openServingPipeline, type ServingPipeline } from '../../serving/servingPipeline.js';
import { EnvironmentError, UsageError } from '../../util/errors.js';
import { describeZodError } from '../../util/zodErrors.js';
import { createAgentApp } from './app.js';
import { resolveToken } from './auth.js';
import type { AgentContext } from './context.js';
import { failureToHttpError } from './failureStatus.js';
import { createAgentMetrics } from './metrics.js';
import { modelNameOf } from './modelName.js';
import { AgentSettings, type AgentOptions } from './options.js';

/**
 * `capacity-plan agent`: the instrumented serving pipeline as a real HTTP inference server. The
 * CLI runs it until SIGTERM; tests and the profiler start it in process.
 */
export interface RunningAgent {
  /** http://HOST:PORT, with the port actually bound (port 0 picks one). */
  url: string;
  host: string;
  port: number;
  modelName: string;
  /** The bearer token inference requires (given, or generated off loopback); undefined: open. */
  token?: string;
  serving: ServingPipeline;
  /** HTTP requests being answered right now. */
  inFlight(): number;
  /**
   * Graceful shutdown: stop accepting, report not ready, dispatch whatever waits in the batcher,
   * let in-flight requests finish, then close the pipeline (request log flushed). Idempotent.
   */
  close(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { spec, home, onLog, observe, ...rest } = options;
  const parsed = AgentSettings.safeParse(rest);
  if (!parsed.success) throw new UsageError(`invalid agent settings: ${describeZodError(parsed.error)}`);
  const settings = parsed.data;
  const log = onLog ?? (() => {});

  const serving = await openServingPipeline({ spec, home, clock: realClock, observe, onPhase: (_phase, message) => log(message) });
  try {
    const metrics = createAgentMetrics();
    const batchSizeCounts = new Map<number, number>();
    serving.onBatch((size) => {
      batchSizeCounts.set(size, (batchSizeCounts.get(size) ?? 0) + 1);
      metrics.observeBatch(size);
    });

    let draining = false;
    const closingConnections = new AbortController();
    // One listener per lingering connection, gone when it closes: a burst of refused uploads is
    // not a leak, and Node's warning past 10 listeners would say it is.
    setMaxListeners(0, closingConnections.signal);
    // Every pipeline request, including those whose client already got a 504: shutdown waits for them.
    const running = new Set<Promise<RequestOutcome>>();
    const modelName = modelNameOf(spec.model.source);
    const { token, generated } = resolveToken(settings.host, settings.token);
    const ctx: AgentContext = {
      serving,
      modelName,
      settings,
      token,
      metrics,
      isDraining: () => draining,
      closingConnections: closingConnections.signal,
      batchSizeCounts,
      runPipeline(request, options) {
        const outcome = serving.pipeline.handle(request, performance.now(), options);
        running.add(outcome);
        void outcome.then((o) => {
          running.delete(outcome);
          metrics.observeStages(o.stageMs);
          if (o.failure && failureToHttpError(o.failure).status >= 500) log(`request ${o.state?.id ?? '?'} failed: ${o.failure.stage}: ${o.failure.reason}`);
        });
        return outcome;
      },
      log,
    };

    const server = http.createServer(createAgentApp(ctx));
    server.keepAliveTimeout = settings.keepAliveTimeoutMs;
    // Node's rule: headersTimeout above keepAliveTimeout, or an idle socket can be cut mid-request.
    server.headersTimeout = settings.keepAliveTimeoutMs + 1_000;
    const inFlight = trackInFlight(server);
    const address = await listen(server, settings.host, settings.port);
    const host = address.address;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    for (const warning of serving.warnings) log(`warning: ${warning}`);
    log(`serving model '${modelName}' (${serving.modelPath}), loaded in ${serving.modelLoadMs.toFixed(0)} ms`);
    if (generated) log(`bound to ${host}, not loopback: inference needs 'Authorization: Bearer ${token}' (generated; choose one with --token or CAPACITY_PLAN_TOKEN)`);
    else if (token) log("inference needs 'Authorization: Bearer <token>' (the one given)");

    let closing: Promise<void> | undefined;
    const shutdown = async (): Promise<void> => {
      draining = true;
      log(`shutting down: ${inFlight.count()} request(s) in flight`);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Nothing may wait for a full batch now (TorchServe's policy without a delay would wait forever).
      serving.pipeline.drain();
      const grace = delay(settings.shutdownGraceMs);
      const finished = Promise.allSettled([...running]).then(() => inFlight.idle());
      const inTime = await Promise.race([finished.then(() => true), grace.promise.then(() => false)]);
      if (!inTime) log(`shutdown grace of ${settings.shutdownGraceMs} ms elapsed: closing the remaining connections`);
      // Keep-alive connections stay open after their last response; with no request left, close them.
      // A refused upload's connection lingers after its answer (lingeringClose.ts): not now.
      closingConnections.abort();
      if (inTime) server.closeIdleConnections();
      else server.closeAllConnections();
      await closed;
      grace.cancel();
      await serving.close();
      metrics.registry.clear();
      log('stopped');
    };

    return {
      url,
      host,
      port: address.port,
      modelName,
      token,
      serving,
      inFlight: inFlight.count,
      close: () => (closing ??= shutdown()),
    };
  } catch (error) {
    await serving.close();
    throw error;
  }
}

function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const why = error.code === 'EADDRINUSE' ? 'the address is in use' : error.code === 'EACCES' ? 'permission denied' : (error.code ?? error.message);
      reject(new EnvironmentError(`cannot listen on ${host}:${port}: ${why}`, '--port 0 picks a free port; --host 127.0.0.1 binds loopback only'));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Requests between their headers arriving and their response closing, and a wait for none. */
function trackInFlight(server: http.Server): { count: () => number; idle: () => Promise<void> } {
  let count = 0;
  let waiters: (() => void)[] = [];
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    count += 1;
    res.once('close', () => {
      count -= 1;
      if (count === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    });
  });
  return {
    count: () => count,
    idle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
