import http from 'node:http';
import https from 'node:https';
import type { LogWriter } from './fileLogWriter.js';

/** A sink that does not answer within this long fails the request instead of hanging it. */
export const HTTP_LOG_TIMEOUT_MS = 10_000;

/**
 * `http`: every request POSTs its record and waits for the answer, like the article's per-request
 * S3 put_object. Connections are kept alive (as an S3 client does), so the cost measured is a
 * round trip per request, not a TCP handshake per request.
 */
export function createHttpLogWriter(url: string): LogWriter {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  return {
    write: (line: string) => post(client, agent, target, line),
    async close(): Promise<void> {
      agent.destroy();
    },
  };
}

function post(client: typeof http | typeof https, agent: http.Agent, target: URL, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(line);
    const request = client.request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.byteLength } },
      (response) => {
        response.resume();
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`log sink answered HTTP ${status}`));
        });
      },
    );
    request.setTimeout(HTTP_LOG_TIMEOUT_MS, () => request.destroy(new Error(`log sink did not answer within ${HTTP_LOG_TIMEOUT_MS} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ? `log sink unreachable: ${error.code}` : error.message)));
    request.end(body);
  });
}
