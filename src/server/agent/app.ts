import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import { requireBearer } from './auth.js';
import type { AgentContext } from './context.js';
import { AgentHttpError } from './httpError.js';
import { agentInfoJson } from './info.js';
import { inferHandler } from './inferRoute.js';
import { kserveInferHandler, kserveMetadataHandler, kserveModelReadyHandler } from './kserveRoutes.js';
import { markRequestStart, sendError, sendJson, sendText } from './respond.js';

/**
 * The agent's routes. Bodies are read by the handlers themselves (readBody.ts), not by express's
 * body parsers, so the size limit applies while reading and nothing is parsed twice.
 */
export function createAgentApp(ctx: AgentContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    markRequestStart(res);
    // A request that arrives on a kept-alive connection during shutdown closes it after its answer.
    if (ctx.isDraining()) res.set('Connection', 'close');
    const startedAtMs = performance.now();
    res.on('finish', () => ctx.metrics.observeRequest(routeLabel(req), res.statusCode, (performance.now() - startedAtMs) / 1000));
    next();
  });

  const notDraining: RequestHandler = (_req, _res, next) => {
    if (ctx.isDraining()) throw new AgentHttpError(503, 'shutting_down', 'the agent is shutting down and takes no new requests');
    next();
  };
  const ready: RequestHandler = (_req, res) => {
    if (ctx.isDraining()) throw new AgentHttpError(503, 'shutting_down', 'the agent is shutting down');
    sendJson(res, 200, { status: 'ready', model: ctx.modelName });
  };

  // Before the draining check: an unauthenticated client learns nothing, not even that we are stopping.
  const authorized: RequestHandler = ctx.token ? requireBearer(ctx.token) : (_req, _res, next) => next();
  app.post('/v1/infer', authorized, notDraining, inferHandler(ctx));
  app.all('/v1/infer', methodNotAllowed('POST'));
  app.get('/v1/info', authorized, (_req, res) => sendJson(res, 200, agentInfoJson(ctx.serving, ctx.modelName, ctx.batchSizeCounts)));

  app.post('/v2/models/:name/infer', authorized, notDraining, kserveInferHandler(ctx));
  app.all('/v2/models/:name/infer', methodNotAllowed('POST'));
  app.get('/v2/models/:name/ready', kserveModelReadyHandler(ctx));
  app.get('/v2/models/:name', kserveMetadataHandler(ctx));

  app.get('/healthz', ready);
  app.get('/v2/health/ready', ready);
  // Liveness stays 200 while draining: the process is healthy, and an orchestrator that saw "not
  // live" would kill it before the in-flight requests finish.
  app.get('/v2/health/live', (_req, res) => sendJson(res, 200, { status: 'live' }));

  app.get('/metrics', async (_req, res) => {
    const text = await ctx.metrics.registry.metrics();
    sendText(res, 200, ctx.metrics.registry.contentType, text);
  });

  app.use((req) => {
    throw new AgentHttpError(404, 'not_found', `no route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(ctx));
  return app;
}

function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    res.set('Allow', allow);
    throw new AgentHttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}; use ${allow}`);
  };
}

/** The route pattern for metrics labels: '/v2/models/:name/infer', never the URL with its names. */
function routeLabel(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}

/** Every error, ours or express's (a bad URL escape, ...), answers as JSON; 5xx are logged. */
function errorHandler(ctx: AgentContext): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const httpError = asHttpError(error);
    if (httpError.status >= 500 && httpError.status !== 503 && httpError.status !== 504) {
      ctx.log(`${req.method} ${req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(req, res, httpError, { closingConnections: ctx.closingConnections });
  };
}

function asHttpError(error: unknown): AgentHttpError {
  if (error instanceof AgentHttpError) return error;
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : 'bad request';
    return new AgentHttpError(status, status === 413 ? 'body_too_large' : status === 404 ? 'not_found' : 'invalid_request', message);
  }
  const reason = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  return new AgentHttpError(500, 'internal', `internal error: ${reason}`);
}
