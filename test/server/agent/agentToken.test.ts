import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProfileCommand } from '../../../src/cli/profile.js';
import { isLoopbackHost } from '../../../src/server/agent/auth.js';
import { ExitCode } from '../../../src/util/errors.js';
import { cliSandbox, type CliSandbox } from '../../support/cliRuntime.js';
import { expectOneLineError } from '../../support/oneLineError.js';
import { fetchJson, photoJpeg, startTinyAgent } from '../../support/agentHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

/**
 * The agent is not open to its network by accident: off loopback it requires a bearer token on
 * inference (generated when none is given), health probes stay open, and profile --target sends it.
 */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let agent: Awaited<ReturnType<typeof startTinyAgent>>;
let base: string;
let jpeg: Buffer;

beforeAll(async () => {
  temp = await makeTempDir('cp-agent-token-');
  // 0.0.0.0: every address of this host, the usual non-loopback bind.
  agent = await startTinyAgent(temp.dir, {}, { host: '0.0.0.0' });
  base = `http://127.0.0.1:${agent.port}`;
  jpeg = await photoJpeg(5, 64, 48);
});
afterAll(async () => {
  await agent?.close();
  await temp?.remove();
});

const infer = (headers: Record<string, string> = {}) => fetchJson(`${base}/v1/infer`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...headers }, body: jpeg });

describe('agent bound to a non-loopback address', () => {
  it('generates a token and prints it at start', () => {
    expect(agent.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(agent.logs.some((line) => line.includes(`Authorization: Bearer ${agent.token}`))).toBe(true);
  });

  it('refuses an untokened or wrongly tokened request with 401 JSON, and serves a tokened one', async () => {
    const none = await infer();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.error.code).toBe('unauthorized');
    expect((await infer({ authorization: 'Bearer nope' })).status).toBe(401);
    const ok = await infer({ authorization: `Bearer ${agent.token}` });
    expect(ok.status).toBe(200);
    expect(ok.body.prediction.top).toHaveLength(5);
  });

  it('KServe inference and /v1/info need it too; health probes, readiness and metadata stay open', async () => {
    const kserve = await fetchJson(`${base}/v2/models/tiny/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(kserve.status).toBe(401);
    expect((await fetchJson(`${base}/v1/info`)).status).toBe(401);
    for (const path of ['/healthz', '/v2/health/live', '/v2/health/ready', '/v2/models/tiny/ready', '/v2/models/tiny']) {
      expect((await fetchJson(`${base}${path}`)).status, path).toBe(200);
    }
  });

  it('loopback needs nothing; 0.0.0.0 and a LAN address are not loopback', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});

describe('profile --target sends the token', () => {
  let box: CliSandbox;
  beforeAll(async () => {
    box = await cliSandbox([registerProfileCommand]);
  });
  afterAll(async () => {
    await box.cleanup();
  });
  const SHORT = ['--duration', '2', '--image-count', '4', '--concurrency', '2', '--json', '--out', 'x.json'];

  it('without it: exit 2 before any load, one line naming --token', async () => {
    const { code, stderr } = await box.run(['profile', '--target', base, ...SHORT]);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe(
      `error: the target ${base} requires a bearer token (pass --token <token> or set CAPACITY_PLAN_TOKEN (a capacity-plan agent prints its token at start))`,
    );
  });

  it('with CAPACITY_PLAN_TOKEN: every request succeeds and the agent\'s spec is recorded', async () => {
    const { code, stdout, stderr } = await box.run(['profile', '--target', base, ...SHORT], { env: { CAPACITY_PLAN_TOKEN: agent.token! } });
    expect(code, stderr).toBe(ExitCode.ok);
    const doc = JSON.parse(stdout);
    expect(doc.requests.failed).toBe(0);
    expect(doc.requests.completed).toBeGreaterThan(0);
    expect(doc.transport.serverSpec).toBe('from /v1/info');
  });

  it('--token without --target: exit 2, one line', async () => {
    const { code, stderr } = await box.run(['profile', '--model', 'tiny', '--token', 'x']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toMatch(/^error: --token applies to --target <url> \(/);
  });
});
