import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/profile/http/client.js';

/** A raw TCP server answering each request head with `reply(requestText)` (written as given). */
async function rawServer(reply: (request: string, socket: Socket) => void): Promise<{ url: string; server: Server; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const request = buffered.slice(0, end + 4 + length);
      buffered = buffered.slice(end + 4 + length);
      reply(request, socket);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, server, connections: () => connections };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

describe('createHttpClient over plain HTTP (node:net)', () => {
  it('sends the request and reads a Content-Length response, reusing the connection', async () => {
    const seen: string[] = [];
    const { url, connections } = await rawServer((request, socket) => {
      seen.push(request);
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer-Timing: total;dur=1.5\r\nX-Two: a\r\nX-Two: b\r\nContent-Length: 11\r\n\r\n{"ok":true}');
    });
    const client = createHttpClient(url, { connections: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await client.post('/v2/infer', 'application/json', '{"a":1}', i === 2 ? ['x-alone', '1'] : undefined);
        expect(response.status).toBe(200);
        expect(response.body.toString()).toBe('{"ok":true}');
        expect(response.headers['server-timing']).toBe('total;dur=1.5');
        expect(response.headers['x-two']).toEqual(['a', 'b']);
      }
      expect(connections()).toBe(1);
      expect(seen[0]).toMatch(/^POST \/v2\/infer HTTP\/1\.1\r\n/);
      expect(seen[0]).toMatch(/content-type: application\/json\r\n/);
      expect(seen[0]).toMatch(/content-length: 7\r\n\r\n\{"a":1\}$/);
      expect(seen[2]).toMatch(/x-alone: 1\r\n/);
      const get = await client.get('/health');
      expect(get.status).toBe(200);
      expect(seen[3]).toMatch(/^GET \/health HTTP\/1\.1\r\n/);
    } finally {
      await client.close();
    }
  });

  it('reads chunked bodies split at any byte, skips 100 Continue, and any status resolves', async () => {
    const response = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';
    const { url } = await rawServer((_request, socket) => {
      // One byte per write, with a pause now and then, so every parser state sees a split.
      let i = 0;
      const next = (): void => {
        if (i >= response.length) return;
        socket.write(response[i++]!);
        if (i % 7 === 0) setTimeout(next, 1);
        else next();
      };
      next();
    });
    const client = createHttpClient(url, { connections: 2 });
    try {
      const [a, b] = await Promise.all([client.get('/a'), client.get('/b')]);
      for (const r of [a, b]) {
        expect(r.status).toBe(503);
        expect(r.body.toString()).toBe('hello world');
      }
    } finally {
      await client.close();
    }
  });

  it('honours Connection: close and bodies read to the end of the connection', async () => {
    let n = 0;
    const { url, connections } = await rawServer((_request, socket) => {
      n++;
      if (n === 1) socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi');
      else socket.end('HTTP/1.0 201 Created\r\n\r\nuntil close');
    });
    const client = createHttpClient(url, { connections: 1 });
    try {
      const first = await client.get('/');
      expect(first.body.toString()).toBe('hi');
      const second = await client.get('/');
      expect(second.status).toBe(201);
      expect(second.body.toString()).toBe('until close');
      expect(connections()).toBe(2);
    } finally {
      await client.close();
    }
  });

  it("drops an idle socket before the server's Keep-Alive timeout runs out", async () => {
    const { url, connections } = await rawServer((_request, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=1\r\nContent-Length: 0\r\n\r\n');
    });
    const client = createHttpClient(url, { connections: 1 });
    try {
      expect((await client.get('/')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 5));
      // timeout=1 leaves no safe idle time (1 s margin): the next request opens a new socket.
      expect((await client.get('/')).body.length).toBe(0);
      expect(connections()).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('queues requests beyond the connection count and serves them in order', async () => {
    const { url, connections } = await rawServer((request, socket) => {
      const path = /^GET (\S+)/.exec(request)![1]!;
      setTimeout(() => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`), 2);
    });
    const client = createHttpClient(url, { connections: 2 });
    try {
      const bodies = await Promise.all(Array.from({ length: 10 }, (_, i) => client.get(`/${i}`).then((r) => r.body.toString())));
      expect(bodies).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`));
      expect(connections()).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('rejects when no response came back: refused, closed mid-response, timed out', async () => {
    const probe = await rawServer(() => {});
    const refusedUrl = probe.url;
    await new Promise<void>((resolve) => probe.server.close(() => resolve()));
    servers.length = 0;
    const refused = createHttpClient(refusedUrl, { connections: 1 });
    await expect(refused.get('/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await refused.close();

    const { url: cutUrl } = await rawServer((_request, socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const cut = createHttpClient(cutUrl, { connections: 1 });
    await expect(cut.get('/')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    // The client goes on with a fresh connection.
    await expect(cut.get('/')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    await cut.close();

    const { url: silentUrl } = await rawServer(() => {});
    const silent = createHttpClient(silentUrl, { connections: 1, timeoutMs: 50 });
    await expect(silent.get('/')).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    const pending = silent.get('/').then(
      () => undefined,
      (error: unknown) => error,
    );
    await silent.close();
    expect(await pending).toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});
