import type { IncomingHttpHeaders } from 'node:http';
import { Client, type Dispatcher } from 'undici';
import { createNetHttpClient } from './netClient.js';
import type { HttpClient, HttpClientOptions, HttpResponse } from './types.js';


/**
 * The load generator's HTTP client. Plain http: origins go to ./netClient.ts, a lean HTTP/1.1
 * client on node:net (prebuilt request bytes, a minimal response parser): measured with
 * src/bench/loadgenBench.ts it needs clearly less CPU per request than undici (about 0.85 of
 * autocannon's requests/s with undici, about 1.1 with it). https: origins use the undici client
 * below, same interface and semantics.
 *
 * The undici client: undici Clients, `connections` keep-alive sockets, and no
 * pipelining (one request per socket at a time, like a browser or a model client; pipelining
 * would make a slow response hold up the ones queued behind it and blur per-request latency).
 *
 * The load generator must cost less than the server it measures (src/bench/loadgenBench.ts
 * compares it with autocannon), so each request is as cheap as undici allows:
 * - `dispatch` with a handler object instead of `request`: no response stream, no body mixin,
 *   no promise per chunk; the chunks are collected into one Buffer.
 * - the handler uses undici's raw-headers callbacks (onConnect/onHeaders/onData/onComplete):
 *   they hand over the header lines as Buffers, and parsing them into an object (which the newer
 *   onResponseStart API does for every response) is deferred to the first read of `headers`,
 *   which a load run does only for Server-Timing. undici 7 marks these callbacks deprecated in
 *   its types but its HTTP/1 client is built on them; measured, they save ~1 µs of CPU/request.
 * - request headers are one prebuilt array per content type.
 */
export function createHttpClient(baseUrl: string, options: HttpClientOptions): HttpClient {
  const url = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 300_000;
  // Plain HTTP (every load run against a local or in-cluster server): the lean node:net client.
  if (url.protocol === 'http:') return createNetHttpClient(url, options.connections, timeoutMs);
  return createUndiciHttpClient(url.origin, options.connections, timeoutMs);
}

/** HTTPS (and anything not plain HTTP): undici Clients, as described above. */
export function createUndiciHttpClient(origin: string, connectionCount: number, timeoutMs: number): HttpClient {
  const clientOptions: Client.Options = {
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // Load runs pause between phases (cold start, corpus, warm-up); keep the sockets through them.
    keepAliveTimeout: 30_000,
  };
  const connections = new Connections(origin, connectionCount, clientOptions);
  const headersByType = new Map<string, string[]>();
  const headersFor = (contentType: string): string[] => {
    let headers = headersByType.get(contentType);
    if (!headers) headersByType.set(contentType, (headers = ['content-type', contentType]));
    return headers;
  };
  return {
    post: (path, contentType, body, extraHeaders) =>
      connections.send({ path, method: 'POST', headers: extraHeaders ? [...headersFor(contentType), ...extraHeaders] : headersFor(contentType), body }),
    get: (path) => connections.send({ path, method: 'GET' }),
    close: () => connections.destroy(),
  };
}

/**
 * `connections` undici Clients (one socket each), created as needed, and requests waiting for one.
 * A request goes straight to an idle Client; with all busy it waits here, in order. (undici's Pool
 * does the same but learns that a Client is free only through its 'drain' event, one event-loop
 * turn after the response: measured, this free list costs ~2 µs of CPU less per request.)
 */
class Connections {
  private readonly idle: Client[] = [];
  private readonly all: Client[] = [];
  private readonly waiting: CollectingHandler[] = [];

  constructor(
    private readonly origin: string,
    private readonly max: number,
    private readonly clientOptions: Client.Options,
  ) {}

  send(options: Dispatcher.DispatchOptions): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const handler = new CollectingHandler(this, options, resolve, reject);
      const client = this.idle.pop() ?? this.open();
      if (client) handler.dispatchOn(client);
      else this.waiting.push(handler);
    });
  }

  /** Called by a handler when its request is over, whatever the outcome. */
  release(client: Client): void {
    if (client.destroyed) return; // closed under us: destroy() has already failed the waiting
    const next = this.waiting.shift();
    if (next) next.dispatchOn(client);
    else this.idle.push(client);
  }

  async destroy(): Promise<void> {
    const clients = this.all.splice(0);
    this.idle.length = 0;
    const abandoned = this.waiting.splice(0);
    for (const handler of abandoned) handler.onError(new ClientClosedError());
    await Promise.all(clients.map((c) => c.destroy()));
  }

  private open(): Client | undefined {
    if (this.all.length >= this.max) return undefined;
    const client = new Client(this.origin, this.clientOptions);
    this.all.push(client);
    return client;
  }
}

/** What a request still waiting for a connection gets when the client is closed. */
class ClientClosedError extends Error {
  readonly code = 'CLIENT_CLOSED';
  constructor() {
    super('the HTTP client was closed before this request was sent');
  }
}

/** One response's status, raw header lines and body chunks; one small object per request. */
class CollectingHandler {
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private client: Client | undefined;

  constructor(
    private readonly connections: Connections,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  dispatchOn(client: Client): void {
    this.client = client;
    client.dispatch(this.options, this);
  }

  onConnect(): void {
    // A retried request starts over: forget what an earlier attempt collected.
    this.chunks.length = 0;
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.releaseClient();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.resolve(new CollectedResponse(this.status, this.rawHeaders, body));
  }

  onError(error: Error): void {
    this.releaseClient();
    this.reject(error);
  }

  private releaseClient(): void {
    const client = this.client;
    this.client = undefined;
    if (client) this.connections.release(client);
  }
}

class CollectedResponse implements HttpResponse {
  private parsed: IncomingHttpHeaders | undefined;

  constructor(
    readonly status: number,
    private readonly rawHeaders: Buffer[],
    readonly body: Buffer,
  ) {}

  get headers(): IncomingHttpHeaders {
    return (this.parsed ??= parseRawHeaders(this.rawHeaders));
  }
}

/** [name, value, name, value, ...] → { name: value | value[] }, names lower-cased. */
export function parseRawHeaders(raw: (Buffer | string)[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = latin1(raw[i]!).toLowerCase();
    const value = latin1(raw[i + 1]!);
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return headers;
}

const latin1 = (text: Buffer | string): string => (typeof text === 'string' ? text : text.toString('latin1'));
