import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerPricesCommand } from '../../src/cli/prices.js';
import { priceCachePath } from '../../src/pricing/cache.js';
import { Plan } from '../../src/schema/plan.js';
import { PriceCache } from '../../src/schema/priceCatalog.js';
import { ExitCode } from '../../src/util/errors.js';
import { stubFakeCredentials } from '../support/awsEnv.js';
import { runCapturedCli, type CliRuntimeOptions } from '../support/cliRuntime.js';
import { hostingItem, startFakePricingServer, type FakePricingServer } from '../support/fakePricingServer.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { makeTempDir } from '../support/tempDir.js';

/** `--platform sagemaker` on prices, prices refresh and plan: ml.* types at SageMaker Hosting prices. */

const TORCHSERVE = 'profiles/imported/article-torchserve-g4dn.json';
const TRITON = 'profiles/imported/article-triton-g4dn.json';
const ARTICLE = ['plan', '--compare', TORCHSERVE, TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--utilization', '0.8', '--region', 'us-east-1'];

const runPlanCli = (argv: string[], options: CliRuntimeOptions) => runCapturedCli(argv, [registerPlanCommand, registerPricesCommand], options);
const isOneLineError = (stderr: string): boolean => {
  try {
    expectOneLineError(stderr);
    return true;
  } catch {
    return false;
  }
};

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

describe('capacity-plan plan --platform', () => {
  it('sagemaker: the article on ml.g4dn.xlarge, 2 x at $1,075.14 + $35 for TorchServe, and says which platform', async () => {
    const { code, stdout, stderr } = await runPlanCli([...ARTICLE, '--platform', 'sagemaker', '--json'], { home });
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    const plan = Plan.parse(JSON.parse(stdout));
    // TorchServe: ceil(60 / (47 x 0.8)) = 2; 2 x 0.7364 x 730 = 1075.144 -> $1,075.14; + $35 = $1,110.14.
    // Triton: 1 x 0.7364 x 730 = 537.572 -> $537.57.
    expect(plan.candidates.map((c) => [c.profile, c.instanceType, c.platform, c.peakInstances, c.usdPerMonthInstances, c.usdPerMonth])).toEqual([
      ['article-triton-g4dn', 'ml.g4dn.xlarge', 'sagemaker', 1, 537.57, 537.57],
      ['article-torchserve-g4dn', 'ml.g4dn.xlarge', 'sagemaker', 2, 1075.14, 1110.14],
    ]);
    expect(plan.inputs.platform).toBe('sagemaker');
    expect(plan.comparison?.[0]?.sentence).toBe('switching from article-torchserve-g4dn to article-triton-g4dn saves $572.57/month (52%)');

    const table = await runPlanCli([...ARTICLE, '--platform', 'sagemaker'], { home });
    expect(table.stdout).toContain('on SageMaker real-time endpoints in us-east-1');
    expect(table.stdout).toContain('Prices: SageMaker real-time endpoint (Hosting) On-Demand prices for us-east-1 from embedded snapshot (fmbench-pricing-yml, 2025-01-26); month = 730 h');
    expect(table.stdout).toMatch(/2 +article-torchserve-g4dn +ml\.g4dn\.xlarge +p95 340 ms ok +37\.6 req\/s +2 x +\$1,110\.14/);
    expect(table.stdout).toContain('Recommended: article-triton-g4dn on SageMaker real-time endpoints: 1 x ml.g4dn.xlarge in us-east-1, $537.57/month static');
    expect(table.stdout).toContain('article-torchserve-g4dn: measured on g4dn.xlarge and priced as ml.g4dn.xlarge, the same hardware behind a SageMaker real-time endpoint');
  });

  it('both: each profile on either platform, ranked side by side; ec2 stays the default', async () => {
    const both = await runPlanCli([...ARTICLE, '--platform', 'both'], { home });
    expect(both.code).toBe(ExitCode.ok);
    expect(both.stdout).toMatch(/1 +article-triton-g4dn@ec2 +g4dn\.xlarge .* \$383\.98/);
    expect(both.stdout).toMatch(/2 +article-triton-g4dn@sagemaker +ml\.g4dn\.xlarge .* \$537\.57/);
    expect(both.stdout).toMatch(/3 +article-torchserve-g4dn@ec2 +g4dn\.xlarge .* \$802\.96/);
    expect(both.stdout).toMatch(/4 +article-torchserve-g4dn@sagemaker +ml\.g4dn\.xlarge .* \$1,110\.14/);
    expect(both.stdout).toContain('Recommended: article-triton-g4dn@ec2 on EC2: 1 x g4dn.xlarge in us-east-1, $383.98/month static');

    const ec2 = Plan.parse(JSON.parse((await runPlanCli([...ARTICLE, '--json'], { home })).stdout));
    expect(ec2.candidates.map((c) => [c.instanceType, c.platform, c.usdPerMonth])).toEqual([
      ['g4dn.xlarge', 'ec2', 383.98],
      ['g4dn.xlarge', 'ec2', 802.96],
    ]);
  });

  it('a region without SageMaker prices, and an unknown platform: one line each', async () => {
    const tokyo = await runPlanCli(['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--platform', 'sagemaker', '--region', 'ap-northeast-1'], { home });
    expect(tokyo.code).toBe(ExitCode.usage);
    expect(isOneLineError(tokyo.stderr), tokyo.stderr).toBe(true);
    expect(tokyo.stderr).toContain("--region 'ap-northeast-1' has no SageMaker Hosting prices in the catalog");
    expect(tokyo.stderr).toContain("capacity-plan prices refresh --platform sagemaker --region ap-northeast-1");

    const bad = await runPlanCli(['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--platform', 'azure'], { home });
    expect(bad.code).toBe(ExitCode.usage);
    expect(isOneLineError(bad.stderr), bad.stderr).toBe(true);
    expect(bad.stderr).toMatch(/--platform.*ec2, sagemaker, both/);
  });
});

describe('capacity-plan prices --platform sagemaker', () => {
  it('lists Hosting prices with their sources and dates, beside the EC2 price of the same hardware, and says what has none', async () => {
    const { code, stdout } = await runPlanCli(['prices', '--platform', 'sagemaker', '--family', 'g4dn'], { home });
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(/ml\.g4dn\.xlarge +4 +16 +1 x NVIDIA T4 16 GiB +us-east-1 +0\.7364 +fmbench-pricing-yml 2025-01-26 +0\.526/);
    expect(stdout).toMatch(/ml\.g4dn\.xlarge .* eu-west-1 +0\.821 +ssh-helper-bill-2023-12 2023-12 +0\.587/);
    expect(stdout).toMatch(/ml\.g4dn\.2xlarge .* ap-northeast-1 +no price +- +1\.015/);
    expect(stdout).toContain("fetch them with 'capacity-plan prices refresh --platform sagemaker --region");
    expect(stdout).toContain('Source fmbench-pricing-yml: aws-samples/foundation-model-benchmarking-tool');

    const json = JSON.parse((await runPlanCli(['prices', '--platform', 'sagemaker', '--region', 'us-east-1', '--json'], { home })).stdout) as {
      rows: { instanceType: string; usdPerHour: number | null; superseded: unknown }[];
    };
    expect(json.rows.find((r) => r.instanceType === 'ml.p5.48xlarge')).toMatchObject({ usdPerHour: null, superseded: { usdPerHour: 113.068 } });
  });

  it('refresh --platform sagemaker: Hosting prices through the real SDK into their own cache, then plans and listings prefer them', async () => {
    stubFakeCredentials();
    server = await startFakePricingServer({
      throttleFirst: 1,
      pages: {
        'ml.g4dn.xlarge': [[hostingItem('ml.g4dn.xlarge', 'us-east-1', '0.8000000000')]],
        'ml.g6.xlarge': [[hostingItem('ml.g6.xlarge', 'us-east-1', '1.1267000000')]],
      },
    });
    const env = { AWS_ENDPOINT_URL_PRICING: server.url };
    // The EC2 name of the hardware is accepted and refreshed as the ml. type.
    const refresh = await runPlanCli(['prices', 'refresh', '--platform', 'sagemaker', '--region', 'us-east-1', '--instance-types', 'ml.g4dn.xlarge,g6.xlarge,ml.g6e.xlarge'], { home, env });
    expect(refresh.stderr).toBe(`fetching SageMaker Hosting prices for 3 instance type(s) in us-east-1 from ${server.url}\n`);
    expect(refresh.code).toBe(ExitCode.ok);
    expect(refresh.stdout).toContain(`Fetched 2 price(s) at 2026-11-23T12:00:00.000Z into ${priceCachePath(home, 'sagemaker')}`);
    expect(refresh.stdout).toMatch(/ml\.g4dn\.xlarge +us-east-1 +0\.8 +0\.7364 +differs from snapshot/);
    expect(refresh.stdout).toMatch(/ml\.g6\.xlarge +us-east-1 +1\.1267 +- +not in snapshot/);
    expect(refresh.stdout).toContain('No SageMaker Hosting product in us-east-1 for: ml.g6e.xlarge');
    expect(server.requests.every((r) => r.body.ServiceCode === 'AmazonSageMaker')).toBe(true);
    expect(server.requests.map((r) => r.body.Filters?.find((f) => f.Field === 'instanceName')?.Value)).toEqual(['ml.g4dn.xlarge', 'ml.g4dn.xlarge', 'ml.g6.xlarge', 'ml.g6e.xlarge']);

    const cache = PriceCache.parse(JSON.parse(await readFile(priceCachePath(home, 'sagemaker'), 'utf8')));
    expect(cache.entries.map((e) => [e.instanceType, e.usdPerHour])).toEqual([['ml.g4dn.xlarge', 0.8], ['ml.g6.xlarge', 1.1267]]);

    // 1 x 0.80 x 730 = 584.00 from the cache (the snapshot's 0.7364 would give 537.57).
    const plan = Plan.parse(JSON.parse((await runPlanCli(['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--platform', 'sagemaker', '--json'], { home })).stdout));
    expect(plan.candidates[0]).toMatchObject({ instanceType: 'ml.g4dn.xlarge', usdPerMonth: 584, price: { kind: 'cache', fetchedAt: '2026-11-23T12:00:00.000Z' } });
    // The EC2 plan is untouched by SageMaker prices.
    const ec2 = Plan.parse(JSON.parse((await runPlanCli(['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--json'], { home })).stdout));
    expect(ec2.candidates[0]).toMatchObject({ usdPerMonth: 383.98, price: { kind: 'snapshot' } });

    const list = await runPlanCli(['prices', '--platform', 'sagemaker', '--region', 'us-east-1'], { home });
    expect(list.stdout).toMatch(/ml\.g4dn\.xlarge .* 0\.8 +live 2026-11-23T12:00:00\.000Z/);
    expect(list.stdout).toMatch(/ml\.g6\.xlarge .* 1\.1267 +live 2026-11-23T12:00:00\.000Z +0\.8048/);
  });

  it('refresh --platform ec2 refuses ml. types', async () => {
    const bad = await runPlanCli(['prices', 'refresh', '--instance-types', 'ml.g4dn.xlarge'], { home });
    expect(bad.code).toBe(ExitCode.usage);
    expect(isOneLineError(bad.stderr), bad.stderr).toBe(true);
    expect(bad.stderr).toContain('--platform sagemaker');
  });
});
