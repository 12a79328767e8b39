import { AgentHttpError } from './httpError.js';

/**
 * The per-request timeout: the client gets 504 after `timeoutMs`, while `work` runs on. A request
 * already in the batcher or the engine cannot be taken back out, and its result is simply dropped
 * (graceful shutdown still waits for it, see agent.ts).
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AgentHttpError(504, 'timeout', `no answer within ${timeoutMs} ms (--timeout-ms); the request was left to finish in the server and its result dropped`)),
      timeoutMs,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
