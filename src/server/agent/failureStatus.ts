import type { RequestOutcome } from '../../serving/pipeline.js';
import { AgentHttpError, type ErrorCode } from './httpError.js';

type FailureStage = NonNullable<RequestOutcome['failure']>['stage'];

/**
 * A request that failed in a pipeline stage → the HTTP answer. The client's fault (a body that
 * does not deserialize, an image that does not decode) is 4xx; everything after the input has been
 * accepted (config, disk, the model, the request log) is the server's fault, 5xx.
 */
export const FAILURE_STATUS: Record<FailureStage, { status: number; code: ErrorCode }> = {
  deserialize: { status: 400, code: 'invalid_request' },
  configLoad: { status: 500, code: 'internal' },
  payloadSpool: { status: 500, code: 'internal' },
  preprocess: { status: 400, code: 'invalid_image' },
  queueWait: { status: 500, code: 'internal' },
  infer: { status: 500, code: 'internal' },
  postprocess: { status: 500, code: 'internal' },
  requestLog: { status: 500, code: 'internal' },
  serialize: { status: 500, code: 'internal' },
  network: { status: 500, code: 'internal' },
  pipeline: { status: 500, code: 'internal' },
};

/**
 * sharp refuses an image above its pixel limit from the header, before decoding; that is a request
 * too large, not a corrupt image. (Raw image bodies are checked by the agent first, see
 * imageGuard.ts; this catches images that arrive base64 inside JSON.)
 */
const PIXEL_LIMIT = /pixel limit/i;

export function failureToHttpError(failure: NonNullable<RequestOutcome['failure']>): AgentHttpError {
  if (failure.stage === 'preprocess' && PIXEL_LIMIT.test(failure.reason)) {
    return new AgentHttpError(413, 'image_too_large', `${failure.stage}: ${failure.reason}`);
  }
  const { status, code } = FAILURE_STATUS[failure.stage];
  return new AgentHttpError(status, code, `${failure.stage}: ${failure.reason}`);
}
