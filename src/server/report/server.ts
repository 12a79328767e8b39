import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { EnvironmentError } from '../../util/errors.js';
import { createReportApp } from './app.js';
import type { DocumentStore } from './documentStore.js';
import type { LiveRunHub } from './liveRuns.js';

/**
 * Starts the report server. On a loopback address it needs no token (and answers only loopback
 * Host headers); bound anywhere else it requires a bearer token, generated here unless given.
 */
export interface ReportServerOptions {
  store: DocumentStore;
  host: string;
  port: number;
  token?: string;
  /** Live runs, streamed on /api/runs/:id/events. */
  hub?: LiveRunHub;
  /** The SLA the pages draw by default. */
  sla?: { percentile: string; maxLatencyMs: number } | null;
  extend?: (app: Express) => void;
}

export interface ReportServer {
  url: string;
  /** The URL to open: with ?token= when a token is required. */
  openUrl: string;
  token: string | null;
  /** Closes the listener and every open connection (event streams included). */
  close(): Promise<void>;
}

export const DEFAULT_REPORT_PORT = 8765;

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export async function startReportServer(options: ReportServerOptions): Promise<ReportServer> {
  const loopback = isLoopbackAddress(options.host);
  const token = loopback ? null : (options.token ?? randomBytes(18).toString('base64url'));
  const extend = (app: Express): void => {
    options.hub?.mount(app);
    options.extend?.(app);
  };
  const app = createReportApp({ store: options.store, ...(token ? { token } : {}), loopbackOnly: loopback, sla: options.sla ?? null, extend });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host);
    s.once('listening', () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EnvironmentError(
          `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`,
          error.code === 'EADDRINUSE' ? 'pick another --port, or --port 0 for a free one' : 'check --host',
        ),
      ),
    );
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}/`;
  return {
    url,
    openUrl: token ? `${url}?token=${token}` : url,
    token,
    // Open event streams end first (what they were sent stays on their pages), idle keep-alive
    // sockets close at once, and anything still open is cut after a second: an open browser tab
    // never holds the process.
    close: () =>
      new Promise<void>((resolve) => {
        options.hub?.endStreams();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
