import type { IncomingHttpHeaders } from 'node:http';
import type { HttpResponse } from './types.js';

/** A failure of the load generator's HTTP client, with undici's code where the meaning is the same. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** A whole response as netConn.ts read it: headers parsed into an object on first read. */
export class NetResponse implements HttpResponse {
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
