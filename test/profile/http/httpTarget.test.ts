import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionsFor, createHttpTarget } from '../../../src/profile/http/httpTarget.js';
import { describeNetworkError } from '../../../src/profile/http/networkError.js';
import { wireProtocol } from '../../../src/profile/http/protocols.js';
import { ServerStageReader } from '../../../src/profile/http/serverStages.js';
import { serverTimingEntries } from '../../../src/schema/wire/serverTiming.js';
import type { ProfileTarget } from '../../../src/profile/target.js';
import type { WireRequest } from '../../../src/serving/stage.js';

/**
 * The HTTP target against a real server on 127.0.0.1:0 that answers with a chosen status, body
 * and Server-Timing header: how responses become outcomes (stages, network, server total, failures).
 */

interface Reply {
  status?: number;
  serverTiming?: string;
  body?: string;
}

let server: http.Server | undefined;
let target: ProfileTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(reply: (req: http.IncomingMessage) => Reply): Promise<{ url: string; seen: { path: string; contentType: string; bytes: number }[] }> {
  const seen: { path: string; contentType: string; bytes: number }[] = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', bytes: Buffer.concat(chunks).byteLength });
      const r = reply(req);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (r.serverTiming !== undefined) headers['server-timing'] = r.serverTiming;
      res.writeHead(r.status ?? 200, headers).end(r.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function open(url: string, extra: Partial<Parameters<typeof createHttpTarget>[0]> = {}): ProfileTarget {
  target = createHttpTarget({
    baseUrl: url,
    protocol: wireProtocol('raw', { itemShape: [3, 4, 4] }),
    connections: 2,
    itemShape: [3, 4, 4],
    transport: { kind: 'http', server: 'remote', url, protocol: 'raw', connections: 2 },
    ...extra,
  });
  return target;
}

const request: WireRequest = { contentType: 'image/jpeg', body: Buffer.from('not really a jpeg') };

describe('HTTP target: Server-Timing → stages', () => {
  it("takes the agent's stages, the total as serverTotalMs, and network = end to end − total", async () => {
    const { url, seen } = await serve(() => ({
      serverTiming: 'deserialize;dur=0.010, preprocess;dur=2.500, queueWait;dur=0.300, infer;dur=1.000, serialize;dur=0.020, bodyRead;dur=0.100, total;dur=4.000',
    }));
    const t = open(url);
    // An intended send time 50 ms ago: the client-observed latency includes it (open-model honesty).
    const intendedAtMs = performance.now() - 50;
    const outcome = await t.send(request, intendedAtMs);
    expect(outcome.ok).toBe(true);
    expect(outcome.serverTotalMs).toBe(4);
    expect(outcome.endToEndMs).toBeGreaterThanOrEqual(50);
    expect(outcome.stageMs).toEqual({
      deserialize: 0.01,
      preprocess: 2.5,
      queueWait: 0.3,
      infer: 1,
      serialize: 0.02,
      network: outcome.endToEndMs - 4,
    });
    expect(seen).toEqual([{ path: '/v1/infer', contentType: 'image/jpeg', bytes: request.body.byteLength }]);
    t.drain();
    // bodyRead is one of our agent's own steps: known, so no warning about it.
    expect(t.warnings.some((w) => /Server-Timing/.test(w))).toBe(false);
  });

  it('clamps network at 0 when the server claims more than the client saw (clocks differ)', async () => {
    const { url } = await serve(() => ({ serverTiming: 'infer;dur=1, total;dur=100000' }));
    const outcome = await open(url).send(request, performance.now());
    expect(outcome.stageMs.network).toBe(0);
    expect(outcome.serverTotalMs).toBe(100000);
  });

  it('without Server-Timing: client latency only, no stages, and a warning at drain', async () => {
    const { url } = await serve(() => ({}));
    const t = open(url, { expectServerTiming: true });
    const outcome = await t.send(request, performance.now());
    expect(outcome).toMatchObject({ ok: true, stageMs: {} });
    expect(outcome.serverTotalMs).toBeUndefined();
    t.drain();
    expect(t.warnings).toContainEqual(expect.stringMatching(/no Server-Timing total: the document has the client-side latency only/));
  });

  it("maps other servers' names where they mean our stages, and warns once about the rest", async () => {
    const { url } = await serve(() => ({ serverTiming: 'queue;dur=3, compute_infer;dur=7, db;desc="a, b";dur=2, cache;desc=hit, total;dur=15' }));
    const t = open(url);
    const first = await t.send(request, performance.now());
    const second = await t.send(request, performance.now());
    for (const outcome of [first, second]) {
      expect(outcome.stageMs).toMatchObject({ queueWait: 3, infer: 7 });
      expect(Object.keys(outcome.stageMs).sort()).toEqual(['infer', 'network', 'queueWait']);
    }
    t.drain();
    const timingWarnings = t.warnings.filter((w) => /Server-Timing entries/.test(w));
    expect(timingWarnings).toEqual([
      "the server's Server-Timing entries 'db' are not pipeline stages and were left out of the stages (their time is inside the server total)",
    ]);
  });

  it('a non-2xx answer is a failed outcome with the reason from the error body', async () => {
    const { url } = await serve(() => ({
      status: 400,
      serverTiming: 'deserialize;dur=0.01, preprocess;dur=0.2, total;dur=0.5',
      body: JSON.stringify({ error: { code: 'invalid_image', message: 'preprocess: unsupported image format' } }),
    }));
    const outcome = await open(url).send(request, performance.now());
    expect(outcome.ok).toBe(false);
    expect(outcome.failure).toEqual({ stage: 'preprocess', reason: 'HTTP 400: unsupported image format' });
  });

  it('connection refused is a failed outcome in stage network, never a rejection', async () => {
    const { url } = await serve(() => ({}));
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const outcome = await open(url).send(request, performance.now());
    expect(outcome.ok).toBe(false);
    expect(outcome.failure).toEqual({ stage: 'network', reason: 'connection refused (ECONNREFUSED)' });
  });

  it('prepare encodes each request once, before the load; sends reuse it', async () => {
    const { url, seen } = await serve(() => ({ serverTiming: 'total;dur=0.1' }));
    let encodes = 0;
    const raw = wireProtocol('raw', { itemShape: [3, 4, 4] });
    const t = open(url, { protocol: { ...raw, encode: (r) => (encodes++, raw.encode(r)) } });
    await t.prepare!([request]);
    expect(encodes).toBe(1);
    await t.send(request, performance.now());
    await t.send(request, performance.now());
    expect(encodes).toBe(1);
    expect(seen).toHaveLength(2);
  });
});

describe('ServerStageReader and serverTimingEntries', () => {
  it('reads entries with quoted descriptions, any parameter order, first of a name wins', () => {
    expect([...serverTimingEntries('a;dur=1, b;desc="x, y; z";dur="2.5", a;dur=9, c;desc=no-dur, d;DUR=-1')]).toEqual([
      ['a', 1],
      ['b', 2.5],
      ['d', 0],
    ]);
    expect([...serverTimingEntries(['a;dur=1', 'b;dur=2'])]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('a server-sent network entry is not trusted (network is the client’s to compute)', () => {
    const reader = new ServerStageReader();
    expect(reader.read('network;dur=5, total;dur=6')).toEqual({ stageMs: {}, totalMs: 6 });
    expect(reader.warning()).toMatch(/'network' are not pipeline stages/);
  });
});

describe('connectionsFor', () => {
  it('closed loop: its concurrency; open models: maxInFlight', () => {
    expect(connectionsFor({ kind: 'closed-loop', concurrency: 12 })).toBe(12);
    expect(connectionsFor({ kind: 'constant-rate', rps: 50, maxInFlight: 64 })).toBe(64);
  });
});

describe('describeNetworkError', () => {
  it('one stable line per cause, found on the error or its cause', () => {
    expect(describeNetworkError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('connection refused (ECONNREFUSED)');
    expect(describeNetworkError(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }))).toBe(
      'the server closed the connection (UND_ERR_SOCKET)',
    );
    expect(describeNetworkError(new Error('something odd\nwith detail'))).toBe('something odd');
  });
});
