import type { RequestOutcome } from '../../serving/pipeline.js';
import { describeNetworkError } from '../http/networkError.js';

/**
 * An InvokeEndpoint that failed → the request's failure: a short, stable reason, since failures
 * are counted by reason (no request ids, no per-request detail).
 * - ThrottlingException: SageMaker refused the request (the account's or endpoint's rate): 'throttled'.
 * - ModelError (HTTP 424): the container answered with an error; OriginalStatusCode and
 *   OriginalMessage are the model's own status and message.
 * - any other answer from SageMaker (ValidationError, ModelNotReadyException, ServiceUnavailable,
 *   InternalFailure, ...): its name, HTTP status and message.
 * - no answer at all (refused, reset, timed out): stage 'network', as over plain HTTP.
 */

type Failure = NonNullable<RequestOutcome['failure']>;

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  OriginalStatusCode?: number;
  OriginalMessage?: string;
}

const MAX_REASON = 160;

export function invokeFailure(error: unknown): Failure {
  const e = (error ?? {}) as SdkError;
  if (!e.$metadata?.httpStatusCode) {
    // TimeoutError: the SDK's requestTimeout on a response that never came.
    return { stage: 'network', reason: e.name === 'TimeoutError' ? 'no response within the timeout (TimeoutError)' : describeNetworkError(error) };
  }
  const status = e.$metadata.httpStatusCode;
  if (e.name === 'ThrottlingException') return { stage: 'pipeline', reason: clip(`throttled: ThrottlingException (HTTP ${status}): ${firstLine(e.message)}`) };
  if (e.name === 'ModelError') {
    const original = e.OriginalStatusCode === undefined ? '' : ` HTTP ${e.OriginalStatusCode}`;
    return { stage: 'pipeline', reason: clip(`model error: the container answered${original}: ${firstLine(e.OriginalMessage || modelMessage(e.message))}`) };
  }
  return { stage: 'pipeline', reason: clip(`${e.name ?? 'error'} (HTTP ${status}): ${firstLine(e.message)}`) };
}

/** SageMaker's own ModelError message ends with a CloudWatch link naming the account: drop it. */
function modelMessage(message: string | undefined): string {
  return (message ?? '').replace(/\.?\s*See https:\/\/\S+ in account \S+ for more information\.?\s*$/, '');
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0]?.trim() || 'no message';
}

function clip(reason: string): string {
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
