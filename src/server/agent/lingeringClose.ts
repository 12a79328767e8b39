import type { Socket } from 'node:net';

/**
 * How long a connection answered before its body was read stays half-open after the answer.
 *
 * A socket closed with unread bytes in its receive buffer sends a reset, not a FIN, and a client
 * still uploading can meet that reset (EPIPE or ECONNRESET on its next write) before it has read
 * the 413 it was sent: "the TCP reset problem" of RFC 9112 §9.6, which tells servers to close in
 * stages. Go's net/http half-closes and waits 500 ms (rstAvoidanceDelay); the wait here is longer
 * because a loaded host (a CI runner, a profiling run) can starve the client's event loop that long.
 */
export const LINGER_AFTER_REFUSAL_MS = 2000;

export interface LingerOptions {
  lingerMs?: number;
  /** Ends the linger at once: the server is shutting down and waits for its connections. */
  until?: AbortSignal;
}

/**
 * Makes Node close this socket in stages once its response is written: the FIN after the answer
 * at once, the full close `lingerMs` later (or at `until`, or when the socket closes first). The
 * body stays unread meanwhile: the client's writes fill the socket buffers and then wait, so a
 * refused upload still costs the server nothing. Node ends a `Connection: close` response with
 * `socket.destroySoon()` (end, then destroy on 'finish'), on Node 20, 22 and 24 alike; this socket
 * alone gets one that waits.
 */
export function lingerOnClose(socket: Socket, { lingerMs = LINGER_AFTER_REFUSAL_MS, until }: LingerOptions = {}): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket): void {
    if (this.writable) this.end();
    if (until?.aborted) return void this.destroy();
    const close = (): void => void this.destroy();
    const timer = setTimeout(close, lingerMs);
    // A lingering socket must not keep the process alive, nor a closed socket its timer.
    timer.unref();
    until?.addEventListener('abort', close, { once: true });
    this.once('close', () => {
      clearTimeout(timer);
      until?.removeEventListener('abort', close);
    });
  };
}
