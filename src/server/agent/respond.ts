import type { AgentStepName } from '../../schema/wire/serverTiming.js';
import type { Request, Response } from 'express';
import type { StageTimings } from '../../serving/pipeline.js';
import { errorBody, type AgentHttpError } from './httpError.js';
import { lingerOnClose } from './lingeringClose.js';
import { formatServerTiming } from './serverTiming.js';

/**
 * Every response goes out through here, so every one carries Server-Timing: the pipeline's stage
 * times where the request reached the pipeline, and always the server's total (from the request's
 * headers arriving, see app.ts, to now).
 */

export function markRequestStart(res: Response): void {
  res.locals.startedAtMs = performance.now();
  res.locals.agentStepsMs = {};
}

/**
 * Times one of the agent's own steps outside the pipeline (reading the body, decoding KServe JSON,
 * reading an image header), reported in Server-Timing beside the stages, so the total is explained.
 */
export async function timeStep<T>(res: Response, name: AgentStepName, step: () => Promise<T> | T): Promise<T> {
  const startMs = performance.now();
  try {
    return await step();
  } finally {
    (res.locals.agentStepsMs as Record<string, number>)[name] = performance.now() - startMs;
  }
}

export function sendJson(res: Response, status: number, body: unknown, stageMs: StageTimings = {}): void {
  setServerTiming(res, stageMs);
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  res.status(status).type('application/json').send(payload);
}

export function sendText(res: Response, status: number, contentType: string, text: string): void {
  setServerTiming(res, {});
  res.status(status).type(contentType).send(text);
}

export interface ErrorResponseOptions {
  /** The stages the request went through before failing, for Server-Timing. */
  stageMs?: StageTimings;
  /** Aborted when the agent's shutdown closes its connections: a refused upload's lingers until then at most. */
  closingConnections?: AbortSignal;
}

export function sendError(req: Request, res: Response, error: AgentHttpError, { stageMs = {}, closingConnections }: ErrorResponseOptions = {}): void {
  // A body left unread (too large, or refused before reading) is not drained: the connection
  // closes, in stages, so that the client reads this answer before any reset.
  if (hasUnreadBody(req)) {
    res.set('Connection', 'close');
    lingerOnClose(req.socket, { until: closingConnections });
  }
  sendJson(res, error.status, errorBody(error), stageMs);
}

function setServerTiming(res: Response, stageMs: StageTimings): void {
  const startedAtMs = typeof res.locals.startedAtMs === 'number' ? res.locals.startedAtMs : performance.now();
  const stepsMs = (res.locals.agentStepsMs ?? {}) as Record<string, number>;
  res.set('Server-Timing', formatServerTiming(stageMs, performance.now() - startedAtMs, stepsMs));
}

/**
 * Node would otherwise read and discard the rest of the body to keep the connection alive, which
 * for a refused 50 MB upload is exactly the work the refusal was meant to save.
 */
function hasUnreadBody(req: Request): boolean {
  if (req.readableEnded) return false;
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}
