import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerPricesCommand } from '../../src/cli/prices.js';
import { priceCachePath } from '../../src/pricing/cache.js';
import { Plan } from '../../src/schema/plan.js';
import { PriceCache } from '../../src/schema/priceCatalog.js';
import { ExitCode } from '../../src/util/errors.js';
import { stubFakeCredentials, stubNoCredentials } from '../support/awsEnv.js';
import { runCapturedCli, type CliRuntimeOptions } from '../support/cliRuntime.js';
import { M5_LARGE_ITEM, gpuItem, startFakePricingServer, type FakePricingServer } from '../support/fakePricingServer.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { makeTempDir } from '../support/tempDir.js';

/** `plan` and `prices` in process, with a captured Runtime. */
const runPlanCli = (argv: string[], options: CliRuntimeOptions) => runCapturedCli(argv, [registerPlanCommand, registerPricesCommand], options);

let home: string;
let cleanup: () => Promise<void>;
let server: FakePricingServer | undefined;
beforeEach(async () => ({ dir: home, remove: cleanup } = await makeTempDir('capacity-plan-home-')));
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
  await cleanup();
});

const TRITON = 'profiles/imported/article-triton-g4dn.json';

describe('capacity-plan prices refresh (real SDK over HTTP, local Price List endpoint)', () => {
  it('fetches every page despite a throttle, caches the prices, and plans then prefer them to the snapshot', async () => {
    stubFakeCredentials();
    server = await startFakePricingServer({
      throttleFirst: 1,
      pages: {
        // g4dn.xlarge: $0.60 live against $0.526 in the snapshot, on the second page.
        'g4dn.xlarge': [[M5_LARGE_ITEM], [gpuItem('g4dn.xlarge', 'us-east-1', '0.6000000000')]],
        'g5.xlarge': [[gpuItem('g5.xlarge', 'us-east-1', '1.0060000000')]],
      },
    });
    const env = { AWS_ENDPOINT_URL_PRICING: server.url };
    const refresh = await runPlanCli(['prices', 'refresh', '--region', 'us-east-1', '--instance-types', 'g4dn.xlarge,g5.xlarge,p5e.48xlarge'], { home, env });
    expect(refresh.stderr).toBe(`fetching On-Demand Linux prices for 3 instance type(s) in us-east-1 from ${server.url}\n`);
    expect(refresh.code).toBe(ExitCode.ok);
    expect(refresh.stdout).toContain(`Fetched 2 price(s) at 2026-11-23T12:00:00.000Z into ${priceCachePath(home)}`);
    expect(refresh.stdout).toMatch(/g4dn\.xlarge +us-east-1 +0\.6 +0\.526 +differs from snapshot/);
    expect(refresh.stdout).toMatch(/g5\.xlarge +us-east-1 +1\.006 +1\.006 +same/);
    expect(refresh.stdout).toContain('No On-Demand Linux product in us-east-1 for: p5e.48xlarge');
    // 1 throttled + 2 pages (g4dn.xlarge), 1 page (g5.xlarge), 1 page (p5e.48xlarge)
    expect(server.requests.map((r) => `${r.body.Filters?.[1]?.Value} ${r.body.NextToken ?? '-'}`)).toEqual([
      'g4dn.xlarge -',
      'g4dn.xlarge -',
      'g4dn.xlarge page-1',
      'g5.xlarge -',
      'p5e.48xlarge -',
    ]);

    const cache = PriceCache.parse(JSON.parse(await readFile(priceCachePath(home), 'utf8')));
    expect(cache.entries.map((e) => [e.instanceType, e.usdPerHour, e.fetchedAt])).toEqual([
      ['g4dn.xlarge', 0.6, '2026-11-23T12:00:00.000Z'],
      ['g5.xlarge', 1.006, '2026-11-23T12:00:00.000Z'],
    ]);

    // The cache wins: 1 x 0.60 x 730 = 438.00 (the snapshot's 0.526 would give 383.98).
    const plan = await runPlanCli(['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--json'], { home });
    expect(plan.code).toBe(ExitCode.ok);
    const doc = Plan.parse(JSON.parse(plan.stdout));
    expect(doc.candidates[0]).toMatchObject({ usdPerHour: 0.6, usdPerMonth: 438, price: { kind: 'cache', fetchedAt: '2026-11-23T12:00:00.000Z' } });
    expect(doc.prices.statement).toContain('live Price List cache, fetched 2026-11-23T12:00:00.000Z');

    const list = await runPlanCli(['prices', '--region', 'us-east-1', '--family', 'g4dn'], { home });
    expect(list.stdout).toMatch(/g4dn\.xlarge .* 0\.6 +live 2026-11-23T12:00:00\.000Z/);
    expect(list.stdout).toMatch(/g4dn\.2xlarge .* 0\.752 +karpenter-pricing-us-east-1 2026-07-20/);
  });

  it('without credentials: one line, exit 4, and plans keep working on the snapshot', async () => {
    stubNoCredentials();
    server = await startFakePricingServer({ pages: {} });
    const refresh = await runPlanCli(['prices', 'refresh', '--instance-types', 'g4dn.xlarge'], { home, env: { AWS_ENDPOINT_URL: server.url } });
    expect(refresh.code).toBe(ExitCode.environment);
    const lines = refresh.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^fetching On-Demand Linux prices/);
    expectOneLineError(lines.slice(1).join('\n'));
    expect(lines[1]).toMatch(/no AWS credentials for the Price List API .*plans keep using the embedded price snapshot/);

    const plan = await runPlanCli(['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--json'], { home });
    expect(plan.code).toBe(ExitCode.ok);
    expect(Plan.parse(JSON.parse(plan.stdout)).candidates[0]).toMatchObject({ usdPerMonth: 383.98, price: { kind: 'snapshot' } });
  });

  it('with the endpoint unreachable: one line naming it, exit 4', async () => {
    stubFakeCredentials();
    const closed = await startFakePricingServer({ pages: {} });
    await closed.close();
    const refresh = await runPlanCli(['prices', 'refresh', '--instance-types', 'g4dn.xlarge'], { home, env: { AWS_ENDPOINT_URL_PRICING: closed.url } });
    expect(refresh.code).toBe(ExitCode.environment);
    expect(refresh.stderr).toContain(`error: cannot reach the Price List API at ${closed.url} (ECONNREFUSED); plans keep using the embedded price snapshot`);
  });
});
