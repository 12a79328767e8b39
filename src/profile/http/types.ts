import type { IncomingHttpHeaders } from 'node:http';

/** The load generator's HTTP client interface: ./client.ts picks an implementation per origin. */
export interface HttpResponse {
  status: number;
  /** Lower-case names; a repeated header is an array (node:http's shape). Parsed on first read. */
  readonly headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpClient {
  /**
   * Rejects only when no HTTP response came back (refused, reset, timed out); any status resolves.
   * extraHeaders: name, value, name, value... (rare: the cold-start request's ALONE_HEADER).
   */
  post(path: string, contentType: string, body: Buffer | string, extraHeaders?: readonly string[]): Promise<HttpResponse>;
  get(path: string): Promise<HttpResponse>;
  /** Closes the sockets; anything still in flight is abandoned (a hung server must not hang us). */
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** Sockets to open at most: the number of requests that may be in flight at once. */
  connections: number;
  /** Bound on waiting for response headers, and between body chunks (undici's default: 300 s). */
  timeoutMs?: number;
  /** Sent with every request: name, value, name, value... (an Authorization header). */
  headers?: readonly string[];
}
