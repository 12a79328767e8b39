import { EnvironmentError, InterruptedError, RemoteError } from '../util/errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const THROTTLING = /^(Throttling|ThrottlingException|ThrottledException|RequestLimitExceeded|TooManyRequestsException|LimitExceededException|LimitExceededFault|RequestThrottled)$/;

/** The AWS service a failure came from, as error messages name it. */
export interface AwsService {
  /** e.g. "the Price List API", "CloudWatch". */
  name: string;
  /** The endpoint called, for the message. */
  endpoint: string;
  /** The variables that override the endpoint, for the hint. */
  endpointVariables: string;
  /** The IAM actions the credentials need, for an access-denied hint. */
  permissions: string;
  /** What keeps working without this service, appended to every message when set. */
  stillWorks?: string;
}

function networkCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  // Node's happy-eyeballs connect reports an AggregateError of one error per address tried.
  for (const inner of [...(Array.isArray(e?.errors) ? e.errors : []), e?.cause]) {
    const code = (inner as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * Maps an AWS SDK failure to the CLI's one-line errors: missing credentials or an unreachable
 * endpoint are the host's environment (exit 4); an answer from AWS with an error is remote (exit 6),
 * throttling included once the SDK's own retries are spent. Anything unrecognised is returned
 * unchanged: it is a bug and should show its stack.
 */
// unknown: a CapacityPlanError, or whatever was thrown when it is not recognised.
export function describeAwsError(error: unknown, service: AwsService): unknown {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const tail = service.stillWorks ? `; ${service.stillWorks}` : '';
  // Ctrl-C during a call: nothing is written until every call has answered, so nothing is half-done.
  if (e?.name === 'AbortError') return new InterruptedError();
  if (e?.name === 'CredentialsProviderError') {
    return new EnvironmentError(
      `no AWS credentials for ${service.name} (${firstLine(e.message)})${tail}`,
      'set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a host with an instance role',
    );
  }
  const code = networkCode(error);
  if (code || e?.name === 'TimeoutError') {
    return new EnvironmentError(
      `cannot reach ${service.name} at ${service.endpoint} (${code ?? 'timed out'})${tail}`,
      `check the network, or ${service.endpointVariables} if set`,
    );
  }
  if (e?.$metadata && typeof e.name === 'string') {
    const status = e.$metadata.httpStatusCode ?? 'no status';
    if (THROTTLING.test(e.name)) {
      const attempts = e.$metadata.attempts ? ` after ${e.$metadata.attempts} attempts` : '';
      return new RemoteError(`${service.name} at ${service.endpoint} kept throttling (${e.name}, HTTP ${status})${attempts}${tail}`, 'try again in a minute');
    }
    return new RemoteError(
      `${service.name} at ${service.endpoint} answered ${e.name} (HTTP ${status}): ${firstLine(e.message)}${tail}`,
      /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(e.name) ? `the credentials need ${service.permissions}` : 'try again later',
    );
  }
  return error;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]?.trim() || 'no message';
}
