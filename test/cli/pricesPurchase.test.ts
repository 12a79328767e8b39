import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerPricesCommand } from '../../src/cli/prices.js';
import { purchaseCachePath } from '../../src/pricing/purchaseCache.js';
import { PurchasePriceCache } from '../../src/schema/purchasePrices.js';
import { ExitCode } from '../../src/util/errors.js';
import { stubFakeCredentials } from '../support/awsEnv.js';
import { runCapturedCli, type CliRuntimeOptions } from '../support/cliRuntime.js';
import { gpuItem, hostingItem, startFakePricingServer, type FakePricingServer } from '../support/fakePricingServer.js';
import { offeringRate, startFakePurchaseApis, type FakePurchaseApis } from '../support/fakePurchaseApis.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { makeTempDir } from '../support/tempDir.js';

const run = (argv: string[], options: CliRuntimeOptions) => runCapturedCli(argv, [registerPricesCommand], options);

let home: string;
let cleanup: () => Promise<void>;
let pricing: FakePricingServer | undefined;
let apis: FakePurchaseApis | undefined;
beforeEach(async () => ({ dir: home, remove: cleanup } = await makeTempDir('capacity-plan-home-')));
afterEach(async () => {
  await pricing?.close();
  await apis?.close();
  pricing = apis = undefined;
  vi.unstubAllEnvs();
  await cleanup();
});

const YEAR = 31_536_000;

describe('prices refresh --purchase-option all (real SDKs over HTTP: Price List, Savings Plans REST-JSON, EC2 Query)', () => {
  it('pages through every API despite throttling, caches every option, and lists what none gave as no price', async () => {
    stubFakeCredentials();
    // g4dn.xlarge's product is the real m5.large item re-dressed: its 12 Reserved terms are m5.large's.
    pricing = await startFakePricingServer({ pages: { 'g4dn.xlarge': [[gpuItem('g4dn.xlarge', 'us-east-1', '0.5260000000')]], 'g5.xlarge': [[gpuItem('g5.xlarge', 'us-east-1', '1.0060000000')]] } });
    apis = await startFakePurchaseApis({
      throttleFirst: 1,
      savingsPlans: {
        'g4dn.xlarge': [
          [offeringRate({ planType: 'Compute', paymentOption: 'No Upfront', durationSeconds: YEAR, rate: '0.381', instanceType: 'g4dn.xlarge', region: 'us-east-1' })],
          [
            offeringRate({ planType: 'EC2Instance', paymentOption: 'All Upfront', durationSeconds: 3 * YEAR, rate: '0.2', instanceType: 'g4dn.xlarge', region: 'us-east-1' }),
            // Dedicated tenancy usage is another product: not this price.
            offeringRate({ planType: 'Compute', paymentOption: 'All Upfront', durationSeconds: YEAR, rate: '0.9', instanceType: 'g4dn.xlarge', region: 'us-east-1', usageType: 'DedicatedUsage:g4dn.xlarge' }),
          ],
        ],
      },
      spot: {
        // Window: 2026-10-24T12:00Z .. 2026-11-23T12:00Z (30 days before FIXED_NOW).
        'g4dn.xlarge': [
          [
            // 1a: 0.20 in effect at the window's start, 0.16 from half way: time-weighted mean 0.18.
            { availabilityZone: 'us-east-1a', instanceType: 'g4dn.xlarge', spotPrice: '0.200000', timestamp: '2026-10-20T00:00:00.000Z' },
            { availabilityZone: 'us-east-1a', instanceType: 'g4dn.xlarge', spotPrice: '0.160000', timestamp: '2026-11-08T12:00:00.000Z' },
          ],
          // 1b: one price, 0.17, from 2026-11-01.
          [{ availabilityZone: 'us-east-1b', instanceType: 'g4dn.xlarge', spotPrice: '0.170000', timestamp: '2026-11-01T00:00:00.000Z' }],
        ],
      },
    });
    const env = { AWS_ENDPOINT_URL_PRICING: pricing.url, AWS_ENDPOINT_URL_SAVINGSPLANS: apis.url, AWS_ENDPOINT_URL_EC2: apis.url };
    const refresh = await run(['prices', 'refresh', '--region', 'us-east-1', '--instance-types', 'g4dn.xlarge,g5.xlarge', '--purchase-option', 'all'], { home, env });
    expect(refresh.stderr).toContain(`fetching Savings Plans rates from ${apis.url}`);
    expect(refresh.code).toBe(ExitCode.ok);
    expect(refresh.stdout).toContain('Reserved Instances: 24 rate(s)');
    expect(refresh.stdout).toContain('Savings Plans: 2 rate(s); no Savings Plans rate for g5.xlarge');
    expect(refresh.stdout).toContain('Spot: 1 instance type(s); no Spot price history for g5.xlarge');
    expect(apis.requests).toEqual(['sp g4dn.xlarge -', 'sp g4dn.xlarge -', 'sp g4dn.xlarge sp-page-1', 'sp g5.xlarge -', 'ec2 g4dn.xlarge -', 'ec2 g4dn.xlarge -', 'ec2 g4dn.xlarge ec2-page-1', 'ec2 g5.xlarge -']);

    const cache = PurchasePriceCache.parse(JSON.parse(await readFile(purchaseCachePath(home), 'utf8')));
    // m5.large's real 3-year standard all-upfront term: $949 upfront, $0/h: 949 / (3 x 8760) = 0.0361111 $/h.
    const ri = cache.commitments.find((c) => c.instanceType === 'g4dn.xlarge' && c.option === 'ri-standard-3yr-all-upfront');
    expect(ri).toMatchObject({ hourlyUsd: 0, upfrontUsd: 949, offering: 'NQ3QZPMQV9', api: 'price-list' });
    expect(ri?.effectiveUsdPerHour).toBeCloseTo(949 / 26280, 12);
    // Partial upfront, 1 year standard: $252 + $0.029/h: 0.029 + 252 / 8760 = 0.0577671 $/h.
    expect(cache.commitments.find((c) => c.instanceType === 'g4dn.xlarge' && c.option === 'ri-standard-1yr-partial-upfront')?.effectiveUsdPerHour).toBeCloseTo(0.029 + 252 / 8760, 12);
    expect(cache.commitments.filter((c) => c.api === 'savings-plans').map((c) => [c.option, c.effectiveUsdPerHour])).toEqual([
      ['sp-compute-1yr-no-upfront', 0.381],
      ['sp-ec2-instance-3yr-all-upfront', 0.2],
    ]);
    const spot = cache.spot[0]!;
    expect(spot.byAvailabilityZone['us-east-1a']?.meanUsdPerHour).toBeCloseTo(0.18, 12);
    expect(spot.overall.meanUsdPerHour).toBeCloseTo(0.175, 12);
    expect(spot.overall).toMatchObject({ minUsdPerHour: 0.16, maxUsdPerHour: 0.2 });

    const list = await run(['prices', '--region', 'us-east-1', '--family', 'g5', '--purchase-option', 'sp-compute-1yr-no-upfront,ri-standard-1yr-no-upfront'], { home, env: {} });
    expect(list.stdout).toMatch(/g5\.xlarge +us-east-1 +1\.006 +sp-compute-1yr-no-upfront +no price +- +-/);
    // Not refreshed: the embedded snapshot's figure, with its source and date.
    const g6 = await run(['prices', '--region', 'us-east-1', '--family', 'g6', '--purchase-option', 'ri-standard-1yr-no-upfront'], { home, env: {} });
    expect(g6.stdout).toMatch(/g6\.xlarge +us-east-1 +0\.8048 +ri-standard-1yr-no-upfront +0\.52392 +-34\.9% +embedded snapshot \(vantage-raw-2025-11-30, 2025-11-30\)/);
    const g4 = await run(['prices', '--region', 'us-east-1', '--family', 'g4dn', '--purchase-option', 'spot,sp-compute-1yr-no-upfront'], { home, env: {} });
    expect(g4.stdout).toMatch(/g4dn\.xlarge +us-east-1 +0\.526 +spot +0\.175 \(0\.16-0\.2, interruption >20%\) +-66\.7% +EC2 Spot price history, fetched 2026-11-23T12:00:00\.000Z/);
    expect(g4.stdout).toMatch(/g4dn\.xlarge +us-east-1 +0\.526 +sp-compute-1yr-no-upfront +0\.381 +-27\.6% +Savings Plans API/);
  });

  it('a Savings Plans API that keeps throttling is a one-line remote error, and the purchase cache is left alone', async () => {
    stubFakeCredentials();
    pricing = await startFakePricingServer({ pages: { 'g4dn.xlarge': [[gpuItem('g4dn.xlarge', 'us-east-1', '0.5260000000')]] } });
    apis = await startFakePurchaseApis({ throttleFirst: 10 });
    const env = { AWS_ENDPOINT_URL_PRICING: pricing.url, AWS_ENDPOINT_URL_SAVINGSPLANS: apis.url, AWS_ENDPOINT_URL_EC2: apis.url };
    const refresh = await run(['prices', 'refresh', '--region', 'us-east-1', '--instance-types', 'g4dn.xlarge', '--purchase-option', 'sp'], { home, env });
    expect(refresh.code).toBe(ExitCode.remote);
    expect(refresh.stderr.trimEnd().split('\n').pop()).toMatch(/^error: the Savings Plans API at http:\/\/127\.0\.0\.1:\d+ kept throttling \(ThrottlingException, HTTP 429\) after 4 attempts/);
    await expect(readFile(purchaseCachePath(home), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('SageMaker: only SageMaker Savings Plans, and only the endpoint (Host) usage of the ml. type', async () => {
    stubFakeCredentials();
    pricing = await startFakePricingServer({ pages: { 'ml.g4dn.xlarge': [[hostingItem('ml.g4dn.xlarge', 'us-east-1', '0.7364000000')]] } });
    const rate = { planType: 'SageMaker' as const, paymentOption: 'No Upfront' as const, durationSeconds: YEAR, instanceType: 'ml.g4dn.xlarge', region: 'us-east-1' };
    apis = await startFakePurchaseApis({
      savingsPlans: {
        'ml.g4dn.xlarge': [[offeringRate({ ...rate, rate: '0.9', usageType: 'USE1-Train:ml.g4dn.xlarge' }), offeringRate({ ...rate, rate: '0.5', usageType: 'USE1-Host:ml.g4dn.xlarge' })]],
      },
    });
    const env = { AWS_ENDPOINT_URL_PRICING: pricing.url, AWS_ENDPOINT_URL_SAVINGSPLANS: apis.url, AWS_ENDPOINT_URL_EC2: apis.url };
    const refresh = await run(['prices', 'refresh', '--platform', 'sagemaker', '--region', 'us-east-1', '--instance-types', 'ml.g4dn.xlarge', '--purchase-option', 'all'], { home, env });
    expect(refresh.code).toBe(ExitCode.ok);
    // Reserved Instances and Spot do not exist for SageMaker endpoints: not asked for.
    expect(apis.requests).toEqual(['sp ml.g4dn.xlarge -']);
    const cache = PurchasePriceCache.parse(JSON.parse(await readFile(purchaseCachePath(home), 'utf8')));
    expect(cache.commitments.map((c) => [c.instanceType, c.option, c.effectiveUsdPerHour])).toEqual([['ml.g4dn.xlarge', 'sp-sagemaker-1yr-no-upfront', 0.5]]);
  });

  it('an unknown option is a usage error naming it', async () => {
    const list = await run(['prices', '--purchase-option', 'ri,reserved'], { home, env: {} });
    expect(list.code).toBe(ExitCode.usage);
    expect(expectOneLineError(list.stderr)).toMatch(/--purchase-option 'reserved' is not a purchase option/);
  });
});
