import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the article's S3 bucket: a real HTTP server on loopback that accepts the
 * request log's POSTs and counts them. The runner starts it when requestLog mode is http and no
 * url is given, so the per-request round trip is real (sockets, parsing, an answer) but local.
 */
export interface LogSink {
  url: string;
  /** POSTs fully received so far. */
  received(): number;
  close(): Promise<void>;
}

export async function startLogSink(): Promise<LogSink> {
  let received = 0;
  const server = http.createServer((request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/log`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Clients keep connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
