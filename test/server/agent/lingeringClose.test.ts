import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { lingerOnClose, type LingerOptions } from '../../../src/server/agent/lingeringClose.js';
import { uploadPastAnswer } from '../../support/uploadPastAnswer.js';

/**
 * A server that answers after 64 KiB and leaves the rest unread, as the agent does for a body over
 * --max-body-bytes, then closes the way Node's HTTP server ends a `Connection: close` response.
 */
async function refusingServer(linger?: LingerOptions): Promise<{ port: number; closed: Promise<void>; stop: () => Promise<void> }> {
  let closedResolve!: () => void;
  const closed = new Promise<void>((resolve) => (closedResolve = resolve));
  const server = net.createServer((socket) => {
    let readBytes = 0;
    socket.on('data', (chunk) => {
      readBytes += chunk.byteLength;
      if (readBytes < 64 * 1024 || socket.isPaused()) return;
      socket.pause();
      if (linger) lingerOnClose(socket, linger);
      socket.write('HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroySoon();
    });
    socket.once('close', closedResolve);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, closed, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('lingerOnClose', () => {
  it('without it, a client still uploading meets a reset after the answer (the problem it solves)', async () => {
    const server = await refusingServer();
    const result = await uploadPastAnswer(server.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(result.error).toMatch(/^(EPIPE|ECONNRESET)$/);
    await server.stop();
  });

  it('with it, the client reads the answer and its writes meet no reset; the server closes after the linger', async () => {
    // The client's write comes 100 ms after the answer, well inside the 2 s linger.
    const server = await refusingServer({});
    const result = await uploadPastAnswer(server.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(result).toEqual({ answer: expect.stringMatching(/^HTTP\/1\.1 413 /), error: undefined });
    await server.closed;
    await server.stop();
  });

  it('a shutdown ends the linger at once', async () => {
    const shutdown = new AbortController();
    // An hour's linger: only the abort can close this socket before the test times out.
    const server = await refusingServer({ lingerMs: 3_600_000, until: shutdown.signal });
    const result = await uploadPastAnswer(server.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(result.error).toBeUndefined();
    shutdown.abort();
    await server.closed;
    await server.stop();
  });
});
