import { connect, type Socket } from 'node:net';
import { HttpError, NetResponse } from './netResponse.js';
import type { HttpResponse } from './types.js';

/**
 * One keep-alive socket of the load generator's HTTP/1.1 client (netClient.ts) and the response it
 * is reading: the parser of what an HTTP/1.1 server may send a POST/GET, as a state machine over
 * the socket's chunks.
 */

/** Sockets are dropped after this long idle (or 1 s before the server's Keep-Alive timeout hint). */
const KEEP_ALIVE_MS = 30_000;

export interface Pending {
  bytes: Buffer | [Buffer, Buffer];
  resolve(response: HttpResponse): void;
  reject(error: Error): void;
}

/** What a connection asks of its pool: where to connect, and to be told when it is free or gone. */
export interface ConnOwner {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  released(conn: Conn): void;
  gone(conn: Conn): void;
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
export class Conn {
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

  constructor(private readonly pool: ConnOwner) {
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
        case State.Fixed:
          at = this.takeBody(data, at);
          if (this.remaining === 0) this.complete(at < data.length);
          break;
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
          const digits = line.split(';', 1)[0]!.trim();
          const size = parseInt(digits, 16);
          if (!/^[0-9a-fA-F]+$/.test(digits) || !Number.isFinite(size)) {
            return this.fail(new HttpError('invalid chunk size in the response', 'HPE_INVALID_CHUNK_SIZE'));
          }
          if (size === 0) this.state = State.Trailers;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData:
          at = this.takeBody(data, at);
          if (this.remaining === 0) {
            this.remaining = 2;
            this.state = State.ChunkDataEnd;
          }
          break;
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

  /** Takes up to `remaining` body bytes from data at `at`; returns where it stopped. */
  private takeBody(data: Buffer, at: number): number {
    const take = Math.min(this.remaining, data.length - at);
    this.chunks.push(data.subarray(at, at + take));
    this.remaining -= take;
    return at + take;
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
