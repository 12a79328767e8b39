import type { IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
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

/** Sockets are dropped after this long idle (or 1 s before the server's Keep-Alive timeout hint). */
const KEEP_ALIVE_MS = 30_000;
/** Bodies up to this size are copied after the head for a single write; larger ones go as two. */
const COPY_BODY_BELOW = 64 * 1024;

class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Pending {
  bytes: Buffer | [Buffer, Buffer];
  resolve(response: HttpResponse): void;
  reject(error: Error): void;
}

class NetPool {
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

const enum State {
  Head,
  Fixed,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** One socket and the response it is reading. */
class Conn {
  private readonly socket: Socket;
  private pending: Pending | undefined;
  private connected = false;
  private dead = false;
  private idleSinceMs = 0;
  private keepAliveMs = KEEP_ALIVE_MS;
  private referenced = true;
  // Response state.
  private state = State.Head;
  private buffered: Buffer | undefined;
  private status = 0;
  private head = '';
  private headersAt = 0;
  private keepAliveHint = '';
  private remaining = 0;
  private chunks: Buffer[] = [];
  private keepAlive = true;
  private gotBytes = false;

  constructor(private readonly pool: NetPool) {
    const socket = connect({ host: pool.host, port: pool.port, noDelay: true });
    this.socket = socket;
    socket.setTimeout(pool.timeoutMs);
    socket.on('connect', () => {
      this.connected = true;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: Error) => this.fail(error));
    socket.on('close', () => this.onClose());
    socket.on('timeout', () => {
      if (!this.pending) return;
      this.fail(
        this.state === State.Head && !this.gotBytes
          ? new HttpError('no response headers within the timeout', 'UND_ERR_HEADERS_TIMEOUT')
          : new HttpError('the response body stalled past the timeout', 'UND_ERR_BODY_TIMEOUT'),
      );
    });
  }

  expired(): boolean {
    return this.dead || performance.now() - this.idleSinceMs > this.keepAliveMs;
  }

  start(pending: Pending): void {
    this.pending = pending;
    this.state = State.Head;
    this.gotBytes = false;
    if (!this.referenced) {
      this.socket.ref();
      this.referenced = true;
    }
    const { bytes } = pending;
    if (Buffer.isBuffer(bytes)) this.socket.write(bytes);
    else {
      this.socket.cork();
      this.socket.write(bytes[0]);
      this.socket.write(bytes[1]);
      this.socket.uncork();
    }
  }

  destroy(): void {
    this.dead = true;
    this.socket.destroy();
  }

  destroyAndWait(): Promise<void> {
    if (this.socket.destroyed && this.socket.closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.fail(new HttpError('the HTTP client was closed', 'CLIENT_CLOSED'));
    return closed;
  }

  private onData(chunk: Buffer): void {
    if (!this.pending) {
      // Bytes nobody asked for: the connection cannot be trusted any more.
      this.destroy();
      return;
    }
    this.gotBytes = true;
    let data = chunk;
    if (this.buffered) {
      data = Buffer.concat([this.buffered, chunk]);
      this.buffered = undefined;
    }
    let at = 0;
    while (at < data.length && this.pending) {
      switch (this.state) {
        case State.Head: {
          const end = data.indexOf(CRLFCRLF, at);
          if (end < 0) {
            this.buffered = data.subarray(at);
            if (this.buffered.length > 64 * 1024) return this.fail(new HttpError('response head too large', 'UND_ERR_HEADERS_OVERFLOW'));
            return;
          }
          const ok = this.onHead(data.toString('latin1', at, end));
          if (!ok) return;
          at = end + 4;
          break;
        }
        case State.Fixed: {
          const take = Math.min(this.remaining, data.length - at);
          this.chunks.push(data.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete(at < data.length);
          break;
        }
        case State.UntilClose:
          this.chunks.push(at === 0 ? data : data.subarray(at));
          at = data.length;
          break;
        case State.ChunkSize:
        case State.Trailers: {
          const end = data.indexOf(CRLF, at);
          if (end < 0) {
            this.buffered = data.subarray(at);
            if (this.buffered.length > 16 * 1024) return this.fail(new HttpError('chunk header too large', 'HPE_INVALID_CHUNK_SIZE'));
            return;
          }
          const line = data.toString('latin1', at, end);
          at = end + 2;
          if (this.state === State.Trailers) {
            if (line === '') this.complete(at < data.length);
            break;
          }
          const size = parseInt(line.split(';', 1)[0]!.trim(), 16);
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(line.split(';', 1)[0]!.trim())) {
            return this.fail(new HttpError('invalid chunk size in the response', 'HPE_INVALID_CHUNK_SIZE'));
          }
          if (size === 0) this.state = State.Trailers;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, data.length - at);
          this.chunks.push(data.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.remaining = 2;
            this.state = State.ChunkDataEnd;
          }
          break;
        }
        case State.ChunkDataEnd: {
          // The CRLF after a chunk's data (may arrive split across reads).
          const take = Math.min(this.remaining, data.length - at);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Done:
          return;
      }
    }
  }

  /**
   * Parses a response head; false when the connection failed over it. Only the headers that frame
   * the response are looked at here (by name length first: most headers are skipped unread); the
   * rest are parsed only if the caller reads `headers`.
   */
  private onHead(head: string): boolean {
    let firstEnd = head.indexOf('\r\n');
    if (firstEnd < 0) firstEnd = head.length;
    // "HTTP/1.x SSS[ reason]"
    const minor = head.charCodeAt(7) - 48;
    const status = (head.charCodeAt(9) - 48) * 100 + (head.charCodeAt(10) - 48) * 10 + (head.charCodeAt(11) - 48);
    if (
      firstEnd < 12 ||
      !head.startsWith('HTTP/1.') ||
      (minor !== 0 && minor !== 1) ||
      head.charCodeAt(8) !== 32 ||
      !(status >= 100 && status <= 999) ||
      !isDigits(head, 9, 12) ||
      (firstEnd > 12 && head.charCodeAt(12) !== 32)
    ) {
      this.fail(new HttpError('invalid HTTP response status line', 'HPE_INVALID_CONSTANT'));
      return false;
    }
    if (status < 200 && status !== 101) return true; // interim (100 Continue, 103 Early Hints): the real head follows
    let keepAlive = minor === 1;
    let contentLength = -1;
    let chunked = false;
    let pos = firstEnd + 2;
    while (pos < head.length) {
      let end = head.indexOf('\r\n', pos);
      if (end < 0) end = head.length;
      const colon = head.indexOf(':', pos);
      const nameLength = colon - pos;
      if (colon > pos && colon < end && (nameLength === 14 || nameLength === 17 || nameLength === 10)) {
        const name = head.slice(pos, colon).toLowerCase();
        if (name === 'content-length') {
          const value = head.slice(colon + 1, end).trim();
          const n = Number(value);
          if (!/^\d+$/.test(value) || (contentLength >= 0 && contentLength !== n)) {
            this.fail(new HttpError('invalid Content-Length in the response', 'HPE_UNEXPECTED_CONTENT_LENGTH'));
            return false;
          }
          contentLength = n;
        } else if (name === 'transfer-encoding') {
          chunked = /(?:^|,)\s*chunked\s*$/i.test(head.slice(colon + 1, end));
        } else if (name === 'connection') {
          const value = head.slice(colon + 1, end).trim().toLowerCase();
          if (value === 'keep-alive') keepAlive = true;
          else if (value === 'close' || /(?:^|,)\s*close\s*(?:,|$)/.test(value)) keepAlive = false;
          else if (/(?:^|,)\s*keep-alive\s*(?:,|$)/.test(value)) keepAlive = true;
        } else if (name === 'keep-alive') {
          const value = head.slice(colon + 1, end);
          if (value !== this.keepAliveHint) {
            this.keepAliveHint = value;
            const timeout = /timeout\s*=\s*(\d+)/i.exec(value);
            if (timeout) this.keepAliveMs = Math.min(KEEP_ALIVE_MS, Math.max(0, Number(timeout[1]) * 1000 - 1000));
          }
        }
      }
      pos = end + 2;
    }
    this.status = status;
    this.head = head;
    this.headersAt = firstEnd + 2;
    this.keepAlive = keepAlive;
    this.chunks = [];
    if (status === 204 || status === 304 || status < 200) {
      this.complete(false);
    } else if (chunked) {
      this.state = State.ChunkSize;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = State.Fixed;
      if (contentLength === 0) this.complete(false);
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
    return true;
  }

  /** The response is whole: hand it over, then reuse or drop the socket. */
  private complete(trailingBytes: boolean): void {
    const pending = this.pending!;
    this.pending = undefined;
    this.state = State.Done;
    const chunks = this.chunks;
    const body = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
    this.chunks = [];
    const response = new NetResponse(this.status, this.head, this.headersAt, body);
    if (this.keepAlive && !trailingBytes && !this.dead) {
      this.idleSinceMs = performance.now();
      this.pool.released(this);
      if (!this.pending && this.referenced) {
        // Idle: an open keep-alive socket must not keep the process alive (undici's behaviour).
        this.socket.unref();
        this.referenced = false;
      }
    } else {
      this.destroy();
      this.pool.gone(this);
    }
    pending.resolve(response);
  }

  private onEnd(): void {
    // Read-until-close body: the end of the stream is the end of the response.
    if (this.pending && this.state === State.UntilClose) {
      this.keepAlive = false;
      this.complete(false);
    }
    this.socket.end();
  }

  private fail(error: Error): void {
    this.dead = true;
    const pending = this.pending;
    this.pending = undefined;
    this.socket.destroy();
    this.pool.gone(this);
    pending?.reject(error);
  }

  private onClose(): void {
    this.dead = true;
    if (this.pending) {
      if (this.state === State.UntilClose) return this.complete(false);
      const reason = this.connected ? 'the server closed the connection before the whole response came back' : 'the connection closed before it was established';
      this.fail(new HttpError(reason, 'UND_ERR_SOCKET'));
      return;
    }
    this.pool.gone(this);
  }
}

const EMPTY = Buffer.alloc(0);

function isDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

class NetResponse implements HttpResponse {
  private parsed: IncomingHttpHeaders | undefined;

  constructor(
    readonly status: number,
    /** The response head as received (latin1), and where its header lines start. */
    private readonly head: string,
    private readonly headersAt: number,
    readonly body: Buffer,
  ) {}

  /** Lower-case names; a repeated header is an array (node:http's shape). Parsed on first read. */
  get headers(): IncomingHttpHeaders {
    if (this.parsed) return this.parsed;
    const headers: Record<string, string | string[]> = {};
    const head = this.head;
    let pos = this.headersAt;
    while (pos < head.length) {
      let end = head.indexOf('\r\n', pos);
      if (end < 0) end = head.length;
      const colon = head.indexOf(':', pos);
      if (colon > pos && colon < end) {
        const name = head.slice(pos, colon).trim().toLowerCase();
        const value = head.slice(colon + 1, end).trim();
        const existing = headers[name];
        if (existing === undefined) headers[name] = value;
        else if (Array.isArray(existing)) existing.push(value);
        else headers[name] = [existing, value];
      }
      pos = end + 2;
    }
    return (this.parsed = headers as IncomingHttpHeaders);
  }
}
