import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RequestFailure, type Prediction, type RequestState, type Stage, type StageContext } from '../stage.js';
import type { OutputSummary } from '../outputKind.js';
import { createAsyncLogWriter } from './asyncLogWriter.js';
import { createFileLogWriter, type LogWriter } from './fileLogWriter.js';
import { createHttpLogWriter } from './httpLogWriter.js';

/**
 * Step 7 of the article's pipeline: log request metadata (user id, timestamp, prediction). The
 * modes are the I/O choices the article compares: off, a local append, an fsynced append, a
 * batched background append, or a synchronous remote put per request (its S3 logging).
 */

export const DEFAULT_REQUEST_LOG_FILE = 'requests.log';

export interface RequestLogRecord {
  userId: string;
  timestamp: string;
  requestId: number;
  prediction: Prediction | null;
  /** Raw outputs (no class postprocessing): each output's summary. */
  outputs?: OutputSummary[];
}

export function createRequestLogStage(ctx: StageContext): Stage {
  const writer = createLogWriter(ctx);
  if (!writer) return { name: 'requestLog', run: () => {} };
  // Files get one JSON line per record; an HTTP POST carries exactly one JSON document.
  const lineEnd = ctx.spec.pipeline.requestLog.mode === 'http' ? '' : '\n';
  return {
    name: 'requestLog',
    async run(state: RequestState): Promise<void> {
      const line = JSON.stringify(requestLogRecord(state, new Date())) + lineEnd;
      try {
        await writer.write(line);
      } catch (error) {
        throw new RequestFailure('requestLog', error instanceof Error ? error.message : String(error));
      }
    },
    close: () => writer.close(),
  };
}

/**
 * Requests carry no user; a synthetic id (one of 1000 users) stands in so each record has the
 * article's fields and about the same size.
 */
export function requestLogRecord(state: RequestState, now: Date): RequestLogRecord {
  return {
    userId: `user-${String(state.id % 1000).padStart(4, '0')}`,
    timestamp: now.toISOString(),
    requestId: state.id,
    prediction: state.prediction ?? null,
    ...(state.rawOutputs ? { outputs: state.rawOutputs } : {}),
  };
}

function createLogWriter(ctx: StageContext): LogWriter | undefined {
  const spec = ctx.spec.pipeline.requestLog;
  if (spec.mode === 'off') return undefined;
  if (spec.mode === 'http') {
    if (!spec.url) throw new Error('requestLog mode http needs spec.pipeline.requestLog.url (the runner starts a local sink when none is given)');
    return createHttpLogWriter(spec.url);
  }
  const path = spec.path ?? join(ctx.scratchDir, DEFAULT_REQUEST_LOG_FILE);
  mkdirSync(dirname(path), { recursive: true });
  if (spec.mode === 'async') return createAsyncLogWriter(path, spec);
  return createFileLogWriter(path, { fsync: spec.mode === 'file-fsync' });
}
