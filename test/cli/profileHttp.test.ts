import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProfileCommand } from '../../src/cli/profile.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import type { StageName } from '../../src/schema/profileSpec.js';
import { startTinyAgent } from '../support/agentHarness.js';
import { runCapturedCli, type CliRun } from '../support/cliRuntime.js';
import { makeTempDir } from '../support/tempDir.js';

/**
 * `capacity-plan profile` over HTTP, end to end: `--transport http` starts the agent as a child
 * process (src/cli/main.ts through tsx, as this test runs from source), and `--target` drives an
 * agent this test started. No timing assertions: the machine is shared.
 */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir('cp-profile-http-');
});
afterAll(async () => {
  await temp?.remove();
});

function profile(...argv: string[]): Promise<CliRun> {
  return runCapturedCli(['profile', ...argv], [registerProfileCommand], { home: temp.dir, cwd: temp.dir });
}

async function readDoc(path: string): Promise<ProfileResult> {
  return ProfileResult.parse(JSON.parse(await readFile(path, 'utf8')));
}

const SHORT = ['--duration', '2', '--image-count', '4', '--concurrency', '4'];
const SERVER_STAGES: StageName[] = ['deserialize', 'preprocess', 'queueWait', 'infer', 'serialize'];

function expectHttpFigures(doc: ProfileResult, serverStages: StageName[]): void {
  const names = doc.stages.map((s) => s.name);
  for (const stage of [...serverStages, 'network' as const]) expect(names).toContain(stage);
  expect(doc.requests.failed).toBe(0);
  expect(doc.requests.completed).toBeGreaterThan(0);
  expect(doc.throughputRps).toBeGreaterThan(0);
  expect(doc.latency.server?.count).toBe(doc.latency.endToEnd.count);
}

describe('profile --transport http (the agent in a child process)', () => {
  it('profiles the tiny model: server stages from Server-Timing plus network, batches from the agent', async () => {
    const out = join(temp.dir, 'http.json');
    const r = await profile('--model', 'tiny', '--preset', 'triton-dynamic', '--transport', 'http', ...SHORT, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const doc = await readDoc(out);
    expectHttpFigures(doc, SERVER_STAGES);
    expect(doc.transport).toMatchObject({ kind: 'http', server: 'agent', protocol: 'raw', connections: 4 });
    expect(doc.transport?.kind === 'http' && doc.transport.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc.model).toMatchObject({ source: 'tiny', inputName: 'input' });
    expect(doc.coldStart.modelLoadMs).toBeGreaterThan(0);
    // Batches happen in the agent; the runner reads its counts per window.
    expect(Object.values(doc.batches.sizeCounts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // CPU and RSS are the agent child's (from its /metrics), not this process's: none per window.
    expect(doc.utilization.cpuPct).toBeGreaterThan(0);
    expect(doc.utilization.rssMiB?.max).toBeGreaterThan(0);
    expect(doc.measurement.windows.every((w) => w.cpuUtilPct === undefined && w.rssMiB === undefined)).toBe(true);
    expect(doc.spec?.batching).toMatchObject({ policy: 'triton', maxBatchSize: 16 });
    // So no warning says they are the load generator's (a --target run says so: below).
    expect(doc.warnings.filter((w) => /load generator/.test(w))).toEqual([]);
    // The summary shows the network row and the client/server split.
    expect(r.stdout).toMatch(/^network\s/m);
    expect(r.stdout).toMatch(/^end to end \(client\)\s/m);
    expect(r.stdout).toMatch(/^server total\s/m);
    expect(r.stdout).toMatch(/over HTTP to the agent at http:\/\/127\.0\.0\.1:\d+ \(raw\)/);
    expect(r.stderr).toMatch(/agent: /);
  });

  it('kserve-v2 to the agent: client-side tensors as JSON, the preset’s server-side preprocessing moved to the client', async () => {
    const out = join(temp.dir, 'http-kserve.json');
    const r = await profile('--model', 'tiny', '--preset', 'triton-dynamic', '--transport', 'http', '--protocol', 'kserve-v2', ...SHORT, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const doc = await readDoc(out);
    expectHttpFigures(doc, ['deserialize', 'queueWait', 'infer']);
    expect(doc.spec?.pipeline.preprocess.where).toBe('client');
    expect(doc.transport).toMatchObject({ kind: 'http', server: 'agent', protocol: 'kserve-v2', modelName: 'tiny' });
    expect(doc.warnings).toContainEqual(expect.stringMatching(/preprocessing moved to the client/));
  });
});

describe('profile --transport http: the agent fails to start', () => {
  it("exits with the agent's own code and one line carrying its error", async () => {
    const missing = join(temp.dir, 'no-such-model.onnx');
    const r = await profile('--model', missing, '--transport', 'http', ...SHORT, '--out', join(temp.dir, 'never.json'));
    expect(r.code).toBe(3);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^error: the agent did not start: .*no-such-model\.onnx/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('profile --target (a server already running)', () => {
  let agent: Awaited<ReturnType<typeof startTinyAgent>>;
  beforeAll(async () => {
    agent = await startTinyAgent(temp.dir, { engine: { instances: 2 }, batching: { policy: 'triton', maxBatchSize: 4, maxQueueDelayUs: 500 } });
  });
  afterAll(async () => {
    await agent?.close();
  });

  it('raw: client figures, the agent’s stages, its batches and signature from /v1/info', async () => {
    const out = join(temp.dir, 'target-raw.json');
    const r = await profile('--target', agent.url, '--protocol', 'raw', ...SHORT, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const doc = await readDoc(out);
    expectHttpFigures(doc, SERVER_STAGES);
    expect(doc.transport).toEqual({ kind: 'http', server: 'remote', url: agent.url, protocol: 'raw', connections: 4, serverSpec: 'from /v1/info' });
    // The agent's own spec from /v1/info, never the local defaults (1 instance, no batching).
    expect(doc.spec!.engine.instances).toBe(2);
    expect(doc.spec!.batching).toMatchObject({ policy: 'triton', maxBatchSize: 4 });
    expect(doc.spec!.model.source).toBe('tiny');
    expect(doc.environment.executionProvider).toBe('cpu');
    expect(doc.model).toMatchObject({ source: 'tiny', inputShape: ['N', 3, 224, 224] });
    // A remote model file is not ours to hash.
    expect(doc.model?.path).toBeUndefined();
    expect(doc.warnings).toContain("CPU and RSS figures are the profiler's own process (the HTTP load generator), not the server's");
    expect(Object.keys(doc.batches.sizeCounts).length).toBeGreaterThan(0);
  });

  it('a server that is not our agent: its spec is recorded as unknown, not as the local defaults', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/v1/infer') res.writeHead(200, { 'content-type': 'application/json' }).end('{"label":"cat"}');
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const out = join(temp.dir, 'external.json');
      const r = await profile('--target', url, '--protocol', 'raw', ...SHORT, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const doc = await readDoc(out);
      expect(doc.transport).toMatchObject({ server: 'remote', serverSpec: 'unknown (external server)' });
      expect(doc.environment.executionProvider).toBeUndefined();
      expect(r.stdout).toContain('server spec unknown (external server)');
      expect(r.stdout).not.toContain('1 instance(s)');
    } finally {
      server.close();
    }
  });

  it('kserve-v2: JSON tensors to /v2/models/tiny/infer, the model name and shape from the agent', async () => {
    const out = join(temp.dir, 'target-kserve.json');
    const r = await profile('--target', agent.url, '--protocol', 'kserve-v2', '--model-name', 'tiny', ...SHORT, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const doc = await readDoc(out);
    expectHttpFigures(doc, ['deserialize', 'queueWait', 'infer']);
    expect(doc.transport).toMatchObject({ kind: 'http', server: 'remote', protocol: 'kserve-v2', modelName: 'tiny' });
    expect(doc.spec?.pipeline.preprocess.where).toBe('client');
  });

  it('kserve-v2 to an unknown model: exit 6 with what the server said', async () => {
    const r = await profile('--target', agent.url, '--protocol', 'kserve-v2', '--model-name', 'nope', ...SHORT, '--out', join(temp.dir, 'x.json'));
    expect(r.code).toBe(6);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: the target answered GET \/v2\/models\/nope with HTTP 404: no model 'nope'/)]);
  });

  it('a closed port: exit 4, one line, no stack trace, before any load', async () => {
    // Port 1 (tcpmux) is privileged and not served here: connecting is refused.
    const r = await profile('--target', 'http://127.0.0.1:1', ...SHORT, '--out', join(temp.dir, 'closed.json'));
    expect(r.code).toBe(4);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^error: cannot reach --target http:\/\/127\.0\.0\.1:1: connection refused \(ECONNREFUSED\) \(is the server running/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toMatch(/warming up|measuring/);
    expect(r.stdout).toBe('');
  });
});

describe('profile: transport flag combinations', () => {
  it.each([
    [['--transport', 'inprocess', '--target', 'http://127.0.0.1:8000'], /^error: --target <url> profiles a server over HTTP: it cannot be combined with --transport inprocess$/],
    [['--protocol', 'kserve-v2'], /^error: --protocol applies to --transport http or --target <url>$/],
    [['--model-name', 'x'], /^error: --model-name applies to --transport http or --target <url>$/],
    [['--transport', 'http', '--model-name', 'x'], /^error: --model-name applies to --target <url> \(/],
    [['--transport', 'http', '--protocol', 'torchserve'], /^error: --protocol torchserve applies to --target <url>/],
    [['--transport', 'grpc'], /^error: --transport must be one of inprocess, http, got 'grpc'$/],
    [['--protocol', 'soap', '--target', 'http://127.0.0.1:8000'], /^error: --protocol must be one of raw, kserve-v2, torchserve, json, got 'soap'$/],
    [['--target', 'localhost:8000'], /^error: --target must be an http:\/\/ or https:\/\/ URL, got 'localhost:8000'$/],
    [['--target', 'nonsense'], /^error: --target must be a URL such as http:\/\/127\.0\.0\.1:8000, got 'nonsense'$/],
    [['--target', 'http://127.0.0.1:8000/v1/infer'], /^error: --target takes the server's base URL .*try --target http:\/\/127\.0\.0\.1:8000\)$/],
    [['--target', 'http://127.0.0.1:8000', '--batching', 'triton'], /^error: --batching does not apply with --target: the target server's own configuration applies/],
    [['--target', 'http://127.0.0.1:8000', '--model', 'tiny'], /^error: --model does not apply with --target.*--model-name\)$/],
    [['--target', 'http://127.0.0.1:8000', '--protocol', 'torchserve'], /^error: --protocol torchserve needs --model-name <name>/],
    [['--target', 'http://127.0.0.1:8000', '--protocol', 'kserve-v2', '--model-name', 'm', '--preprocess', 'server'], /^error: --protocol kserve-v2 sends tensors: it needs --preprocess client$/],
    [['--target', 'http://127.0.0.1:8000', '--protocol', 'torchserve', '--model-name', 'm', '--preprocess', 'client'], /^error: --protocol torchserve posts image files: it needs --preprocess server$/],
  ])('%j → exit 2, one line', async (flags, message) => {
    const r = await profile(...flags, '--out', join(temp.dir, 'never.json'));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(message);
    // commander adds its usage hint after its own errors; ours are exactly one line.
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(r.stdout).toBe('');
  });
});
