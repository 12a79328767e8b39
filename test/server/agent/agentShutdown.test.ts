import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpec } from '../../../src/cli/profileSpecFlags.js';
import { startAgent, type RunningAgent } from '../../../src/server/agent/agent.js';
import { ALONE_HEADER } from '../../../src/schema/wire/aloneHeader.js';
import { createAgentApp } from '../../../src/server/agent/app.js';
import type { AgentContext } from '../../../src/server/agent/context.js';
import { createAgentMetrics } from '../../../src/server/agent/metrics.js';
import { AgentSettings } from '../../../src/server/agent/options.js';
import { parseServerTiming } from '../../../src/server/agent/serverTiming.js';
import { fetchJson, photoJpeg, postImage, sampleValue } from '../../support/agentHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let jpeg: Buffer;
beforeAll(async () => {
  temp = await makeTempDir('cp-agent-shutdown-');
  jpeg = await photoJpeg(7);
});
afterAll(async () => {
  await temp?.remove();
});

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a TorchServe-style agent (batch of 8, no max delay) with a request log file', () => {
  let agent: RunningAgent;
  let logPath: string;

  beforeAll(async () => {
    logPath = join(temp.dir, 'requests.log');
    const preset = join(temp.dir, 'fat.yaml');
    await writeFile(
      preset,
      [
        'name: fat-test',
        'pipeline:',
        '  requestLog:',
        '    mode: file',
        `    path: ${JSON.stringify(logPath)}`,
        'batching:',
        '  policy: torchserve',
        '  batchSize: 8   # no maxBatchDelayMs: a lone request waits for 7 more, forever',
        '',
      ].join('\n'),
    );
    const spec = await resolveSpec({ model: 'tiny', preset }, {}, temp.dir);
    agent = await startAgent({ spec, home: temp.dir, timeoutMs: 1_500 });
  });
  afterAll(async () => {
    await agent?.close();
  });

  it(`a request with ${ALONE_HEADER}: 1 runs as its own batch at once (the profiler's cold-start request)`, async () => {
    const response = await fetchJson(`${agent.url}/v1/infer`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', [ALONE_HEADER]: '1' },
      body: new Uint8Array(jpeg),
    });
    expect(response.status).toBe(200);
    expect(response.body.prediction.top).toHaveLength(5);
    expect(agent.serving.pipeline.pending()).toBe(0);
  });

  it('a request stuck waiting for a full batch gets 504 (JSON, Server-Timing) and is counted', async () => {
    const response = await postImage(`${agent.url}/v1/infer`, 'image/jpeg', jpeg);
    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('timeout');
    expect(parseServerTiming(response.headers.get('server-timing')).total).toBeGreaterThan(0);
    // Still queued in the server: the client was answered, the request was not cancelled.
    expect(agent.serving.pipeline.pending()).toBe(1);
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    expect(sampleValue(metrics, 'capacity_plan_requests_total{route="/v1/infer",status="504"}')).toBe(1);
  });

  it('graceful shutdown: the in-flight request completes, the timed-out one runs too, both are logged', async () => {
    const inFlight = postImage(`${agent.url}/v1/infer`, 'image/jpeg', jpeg);
    await waitFor('the request to reach the batcher', () => agent.serving.pipeline.pending() === 2);
    expect(agent.inFlight()).toBe(1);

    const closing = agent.close();
    expect(agent.close()).toBe(closing);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.prediction.top).toHaveLength(5);
    await closing;

    // close() resolved after serving.close(): the request log is complete on disk.
    const records = (await readFile(logPath, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => r.requestId).sort()).toEqual([1, 2, 3]);
    expect(records.find((r) => r.requestId === response.body.id).prediction).toEqual(response.body.prediction);
    expect(agent.inFlight()).toBe(0);
    await expect(fetch(`${agent.url}/healthz`)).rejects.toThrow();
  });
});

describe('while draining (app with a draining context)', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const ctx: AgentContext = {
      // Draining routes answer before touching the pipeline; anything that did would throw here.
      serving: undefined as never,
      modelName: 'tiny',
      settings: AgentSettings.parse({}),
      metrics: createAgentMetrics(),
      isDraining: () => true,
      closingConnections: new AbortController().signal,
      batchSizeCounts: new Map(),
      runPipeline: () => Promise.reject(new Error('no pipeline while draining')),
      log: () => {},
    };
    server = http.createServer(createAgentApp(ctx));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('readiness is 503 and liveness stays 200', async () => {
    for (const path of ['/healthz', '/v2/health/ready', '/v2/models/tiny/ready']) {
      const response = await fetchJson(`${url}${path}`);
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({ path, status: 503, code: 'shutting_down' });
    }
    expect((await fetchJson(`${url}/v2/health/live`)).status).toBe(200);
  });

  it('new inference is refused with 503 and the kept-alive connection is closed after the answer', async () => {
    const answer = await new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
      const request = http.request(`${url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, agent: new http.Agent({ keepAlive: true }) }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      });
      request.on('error', reject);
      request.end(jpeg);
    });
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).error.code).toBe('shutting_down');
    expect(answer.connection).toBe('close');
  });
});
