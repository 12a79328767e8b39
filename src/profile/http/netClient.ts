import { Conn, type ConnOwner, type Pending } from './netConn.js';
import { HttpError } from './netResponse.js';
import type { HttpClient, HttpResponse } from './types.js';

/**
 * The load generator's plain-HTTP client: HTTP/1.1 on node:net sockets, `connections` keep-alive
 * sockets at most, one request per socket at a time (no pipelining). createHttpClient uses it for
 * http: origins (https: goes through undici).
 *
 * Per request it does what a load generator must and little else: the request head is built once
 * per (path, content type, length) and the head + body bytes once per body (a run resends the same
 * corpus bodies), so a request is one socket write; the response parser handles exactly what an
 * HTTP/1.1 server may send a POST/GET (1xx interim responses, Content-Length, chunked bodies,
 * bodies read to close, `Connection: close`, HTTP/1.0 keep-alive rules), and headers are split
 * into lines only, parsed into an object on first read. Measured against undici's Client with a
 * dispatch handler (src/bench/loadgenBench.ts), it costs noticeably less CPU per request.
 *
 * Error codes follow undici's where the meaning is the same (networkError.ts maps them to reasons):
 * UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT, UND_ERR_SOCKET (closed before a whole response).
 */
export function createNetHttpClient(url: URL, connections: number, timeoutMs: number, always: readonly string[] = []): HttpClient {
  const pool = new NetPool(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 80), url.host, Math.max(1, connections), timeoutMs, always);
  return {
    post: (path, contentType, body, extraHeaders) => pool.send(pool.postBytes(path, contentType, typeof body === 'string' ? Buffer.from(body) : body, extraHeaders)),
    get: (path) => pool.send(pool.getBytes(path)),
    close: () => pool.destroy(),
  };
}

/** Bodies up to this size are copied after the head for a single write; larger ones go as two. */
const COPY_BODY_BELOW = 64 * 1024;

class NetPool implements ConnOwner {
  private readonly idle: Conn[] = [];
  private readonly waiting: Pending[] = [];
  private open = 0;
  private closed = false;
  private readonly conns = new Set<Conn>();
  // Caches of the last request built: a run sends the same few requests over and over.
  private lastHeadKey = '';
  private lastHead: Buffer = Buffer.alloc(0);
  private lastBody: Buffer | undefined;
  private lastHeadForBytes: Buffer | undefined;
  private lastBytes: Buffer | [Buffer, Buffer] = Buffer.alloc(0);
  private readonly getHeads = new Map<string, Buffer>();

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly hostHeader: string,
    private readonly max: number,
    readonly timeoutMs: number,
    /** Headers every request carries (name, value, ...): an Authorization header. */
    private readonly always: readonly string[] = [],
  ) {}

  postBytes(path: string, contentType: string, body: Buffer, extraHeaders?: readonly string[]): Buffer | [Buffer, Buffer] {
    let head: Buffer;
    if (extraHeaders && extraHeaders.length > 0) {
      head = this.buildHead('POST', path, contentType, body.length, extraHeaders);
    } else {
      const key = `${path}\n${contentType}\n${body.length}`;
      if (key !== this.lastHeadKey) {
        this.lastHead = this.buildHead('POST', path, contentType, body.length, undefined);
        this.lastHeadKey = key;
      }
      head = this.lastHead;
    }
    if (body === this.lastBody && head === this.lastHeadForBytes) return this.lastBytes;
    const bytes: Buffer | [Buffer, Buffer] = body.length < COPY_BODY_BELOW ? Buffer.concat([head, body]) : [head, body];
    this.lastBody = body;
    this.lastHeadForBytes = head;
    this.lastBytes = bytes;
    return bytes;
  }

  getBytes(path: string): Buffer {
    let head = this.getHeads.get(path);
    if (!head) {
      head = this.buildHead('GET', path, undefined, undefined, undefined);
      if (this.getHeads.size < 64) this.getHeads.set(path, head);
    }
    return head;
  }

  private buildHead(method: string, path: string, contentType: string | undefined, length: number | undefined, extra: readonly string[] | undefined): Buffer {
    let text = `${method} ${checked(path)} HTTP/1.1\r\nhost: ${this.hostHeader}\r\nconnection: keep-alive\r\n`;
    if (contentType !== undefined) text += `content-type: ${checked(contentType)}\r\ncontent-length: ${length}\r\n`;
    for (const headers of [this.always, extra ?? []]) {
      for (let i = 0; i + 1 < headers.length; i += 2) text += `${checked(headers[i]!)}: ${checked(headers[i + 1]!)}\r\n`;
    }
    return Buffer.from(`${text}\r\n`, 'latin1');
  }

  send(bytes: Buffer | [Buffer, Buffer]): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { bytes, resolve, reject };
      if (this.closed) return reject(new HttpError('the HTTP client was closed before this request was sent', 'CLIENT_CLOSED'));
      const conn = this.takeIdle() ?? this.openConn();
      if (conn) conn.start(pending);
      else this.waiting.push(pending);
    });
  }

  private takeIdle(): Conn | undefined {
    let conn = this.idle.pop();
    while (conn && conn.expired()) {
      conn.destroy();
      conn = this.idle.pop();
    }
    return conn;
  }

  private openConn(): Conn | undefined {
    if (this.open >= this.max) return undefined;
    this.open++;
    const conn = new Conn(this);
    this.conns.add(conn);
    return conn;
  }

  /** A connection finished its request and may take another. */
  released(conn: Conn): void {
    const next = this.waiting.shift();
    if (next) conn.start(next);
    else this.idle.push(conn);
  }

  /** A connection is gone (closed by either side or failed). */
  gone(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    this.open--;
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    if (!this.closed && this.waiting.length > 0) {
      const fresh = this.openConn();
      if (fresh) fresh.start(this.waiting.shift()!);
    }
  }

  async destroy(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(new HttpError('the HTTP client was closed before this request was sent', 'CLIENT_CLOSED'));
    const conns = [...this.conns];
    this.idle.length = 0;
    await Promise.all(conns.map((c) => c.destroyAndWait()));
  }
}

function checked(text: string): string {
  if (/[\r\n]/.test(text)) throw new TypeError(`invalid character in HTTP request head: ${JSON.stringify(text)}`);
  return text;
}
