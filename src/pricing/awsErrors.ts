import { EnvironmentError, InterruptedError, RemoteError } from '../util/errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Plans never need the network: every failure says so, so users know nothing else is blocked. */
const STILL_WORKS = 'plans keep using the embedded price snapshot';

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
 * endpoint are the host's environment (exit 4); an answer from AWS with an error is remote (exit 6).
 * Anything unrecognised is returned unchanged: it is a bug and should show its stack. (Hence
 * `unknown`: a CapacityPlanError or whatever was thrown.)
 */
export function describeAwsError(error: unknown, endpoint: string): unknown {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  // Ctrl-C during a refresh: the cache is written only after every fetch, so nothing is half-done.
  if (e?.name === 'AbortError') return new InterruptedError();
  if (e?.name === 'CredentialsProviderError') {
    return new EnvironmentError(
      `no AWS credentials for the Price List API (${firstLine(e.message)}); ${STILL_WORKS}`,
      'set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a host with an instance role',
    );
  }
  const code = networkCode(error);
  if (code || e?.name === 'TimeoutError') {
    return new EnvironmentError(
      `cannot reach the Price List API at ${endpoint} (${code ?? 'timed out'}); ${STILL_WORKS}`,
      'check the network, or AWS_ENDPOINT_URL_PRICING / AWS_ENDPOINT_URL if set',
    );
  }
  if (e?.$metadata && typeof e.name === 'string') {
    const status = e.$metadata.httpStatusCode ?? 'no status';
    return new RemoteError(
      `the Price List API at ${endpoint} answered ${e.name} (HTTP ${status}): ${firstLine(e.message)}; ${STILL_WORKS}`,
      e.name === 'AccessDeniedException' ? 'the credentials need pricing:GetProducts' : 'try again later',
    );
  }
  return error;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]?.trim() || 'no message';
}
