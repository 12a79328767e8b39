import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPricingClient, fetchOnDemandPrices, hostingFilters, onDemandFilters, pricingApiRegion, pricingEndpointFromEnv, pricingService } from '../../src/pricing/livePrices.js';
import { describeAwsError } from '../../src/aws/awsErrors.js';
import { EnvironmentError, InterruptedError, RemoteError } from '../../src/util/errors.js';
import { stubFakeCredentials, stubNoCredentials } from '../support/awsEnv.js';
import { M5_LARGE_ITEM, gpuItem, hostingItem, startFakePricingServer, type FakePricingServer } from '../support/fakePricingServer.js';

let server: FakePricingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

const fetchedAt = '2026-11-23T12:00:00.000Z';

describe('fetchOnDemandPrices (real SDK, local Price List endpoint)', () => {
  it('follows NextToken across pages, retries a throttle, and sends the exact On-Demand filters', async () => {
    stubFakeCredentials();
    server = await startFakePricingServer({
      throttleFirst: 1,
      pages: {
        // Page 1 holds an unrelated product (the real m5.large item), page 2 the price we want.
        'g4dn.xlarge': [[M5_LARGE_ITEM], [gpuItem('g4dn.xlarge', 'us-east-1', '0.6000000000')]],
        // A product for another region must not be taken for this one.
        'g5.xlarge': [[gpuItem('g5.xlarge', 'eu-west-1', '1.2000000000')]],
      },
    });
    const client = createPricingClient({ env: { AWS_ENDPOINT_URL_PRICING: server.url } });
    const result = await fetchOnDemandPrices(client, { region: 'us-east-1', instanceTypes: ['g4dn.xlarge', 'g5.xlarge'], fetchedAt, endpointLabel: server.url });
    client.destroy();

    expect(result.prices).toEqual([
      { region: 'us-east-1', instanceType: 'g4dn.xlarge', usdPerHour: 0.6, fetchedAt, sku: '6C86BEPQVG73ZGGR', publicationDate: '2021-02-05T20:45:00Z' },
    ]);
    expect(result.notFound).toEqual(['g5.xlarge']);
    // 1 throttled + 2 pages for g4dn.xlarge, 1 page for g5.xlarge.
    expect(server.requests).toHaveLength(4);
    expect(server.requests.map((r) => r.body.NextToken ?? null)).toEqual([null, null, 'page-1', null]);
    for (const r of server.requests) {
      expect(r.target).toBe('AWSPriceListService.GetProducts');
      expect(r.contentType).toBe('application/x-amz-json-1.1');
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKEFORTESTS\/\d{8}\/us-east-1\/pricing\/aws4_request/);
      expect(r.body.ServiceCode).toBe('AmazonEC2');
    }
    expect(server.requests[0]!.body.Filters).toEqual(onDemandFilters('us-east-1', 'g4dn.xlarge'));
    expect(onDemandFilters('us-east-1', 'g4dn.xlarge').map((f) => `${f.Type} ${f.Field}=${f.Value}`)).toEqual([
      'TERM_MATCH regionCode=us-east-1',
      'TERM_MATCH instanceType=g4dn.xlarge',
      'TERM_MATCH operatingSystem=Linux',
      'TERM_MATCH tenancy=Shared',
      'TERM_MATCH preInstalledSw=NA',
      'TERM_MATCH capacitystatus=Used',
      'TERM_MATCH marketoption=OnDemand',
    ]);
  });

  it('turns an error answer from the API into a RemoteError that says plans still work', async () => {
    stubFakeCredentials();
    server = await startFakePricingServer({ pages: {}, alwaysFail: { type: 'AccessDeniedException', status: 400, message: 'User is not authorized' } });
    const client = createPricingClient({ env: { AWS_ENDPOINT_URL: server.url }, maxAttempts: 1 });
    const failure = fetchOnDemandPrices(client, { region: 'us-east-1', instanceTypes: ['g4dn.xlarge'], fetchedAt, endpointLabel: server.url });
    await expect(failure).rejects.toBeInstanceOf(RemoteError);
    await expect(failure).rejects.toThrow(/AccessDeniedException \(HTTP 400\).*plans keep using the embedded price snapshot/);
    client.destroy();
  });

  it('reports a refused connection as an environment problem', async () => {
    stubFakeCredentials();
    // A port that was just listening and is now closed: nothing answers there.
    const closed = await startFakePricingServer({ pages: {} });
    await closed.close();
    const client = createPricingClient({ env: { AWS_ENDPOINT_URL: closed.url }, maxAttempts: 1 });
    const failure = fetchOnDemandPrices(client, { region: 'us-east-1', instanceTypes: ['g4dn.xlarge'], fetchedAt, endpointLabel: closed.url });
    await expect(failure).rejects.toBeInstanceOf(EnvironmentError);
    await expect(failure).rejects.toThrow(/cannot reach the Price List API at http:\/\/127.0.0.1:\d+ \(ECONNREFUSED\)/);
    client.destroy();
  });

  it('reports missing credentials as an environment problem', async () => {
    stubNoCredentials();
    server = await startFakePricingServer({ pages: {} });
    const client = createPricingClient({ env: { AWS_ENDPOINT_URL: server.url }, maxAttempts: 1 });
    const failure = fetchOnDemandPrices(client, { region: 'us-east-1', instanceTypes: ['g4dn.xlarge'], fetchedAt, endpointLabel: server.url });
    await expect(failure).rejects.toBeInstanceOf(EnvironmentError);
    await expect(failure).rejects.toThrow(/no AWS credentials/);
    expect(server.requests).toHaveLength(0);
    client.destroy();
  });

  it('honours AWS_ENDPOINT_URL_PRICING over AWS_ENDPOINT_URL, and only calls the API in a region that serves it', () => {
    expect(pricingEndpointFromEnv({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_PRICING: 'http://b' })).toBe('http://b');
    expect(pricingEndpointFromEnv({ AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(pricingEndpointFromEnv({})).toBeUndefined();
    expect(pricingApiRegion({ AWS_REGION: 'eu-central-1' })).toBe('eu-central-1');
    expect(pricingApiRegion({ AWS_REGION: 'us-west-2' })).toBe('us-east-1');
  });

  it('maps an abort to an interruption and leaves unknown failures alone (they are bugs)', () => {
    expect(describeAwsError(Object.assign(new Error('aborted'), { name: 'AbortError' }), pricingService('x'))).toBeInstanceOf(InterruptedError);
    const bug = new TypeError('x is undefined');
    expect(describeAwsError(bug, pricingService('x'))).toBe(bug);
  });
});

describe('fetchOnDemandPrices for SageMaker Hosting (real SDK, local Price List endpoint)', () => {
  it('asks AmazonSageMaker for the Hosting product by instanceName and region, and keeps only that one', async () => {
    stubFakeCredentials();
    server = await startFakePricingServer({
      throttleFirst: 1,
      pages: {
        // Page 1: the same type's AsyncInf product (another SKU) and an EC2 item; page 2: the Hosting price.
        'ml.g4dn.xlarge': [[hostingItem('ml.g4dn.xlarge', 'us-east-1', '0.9000000000', 'AsyncInf'), M5_LARGE_ITEM], [hostingItem('ml.g4dn.xlarge', 'us-east-1', '0.7364000000')]],
        'ml.g6.xlarge': [[hostingItem('ml.g6.xlarge', 'us-east-1', '1.1267000000')]],
        'ml.g6e.xlarge': [[hostingItem('ml.g6e.xlarge', 'us-east-2', '2.6054000000')]],
      },
    });
    const client = createPricingClient({ env: { AWS_ENDPOINT_URL_PRICING: server.url } });
    const result = await fetchOnDemandPrices(client, {
      platform: 'sagemaker',
      region: 'us-east-1',
      instanceTypes: ['ml.g4dn.xlarge', 'ml.g6.xlarge', 'ml.g6e.xlarge'],
      fetchedAt,
      endpointLabel: server.url,
    });
    client.destroy();

    expect(result.prices.map((p) => [p.instanceType, p.region, p.usdPerHour, p.sku])).toEqual([
      // The Hosting SKU, not the AsyncInf one the same name also has.
      ['ml.g4dn.xlarge', 'us-east-1', 0.7364, 'FAKEHOSTINGMLG4DNXLARGE'],
      ['ml.g6.xlarge', 'us-east-1', 1.1267, 'FAKEHOSTINGMLG6XLARGE'],
    ]);
    // The only ml.g6e.xlarge product is for another region.
    expect(result.notFound).toEqual(['ml.g6e.xlarge']);
    // 1 throttled + 2 pages, then 1 page each.
    expect(server.requests).toHaveLength(5);
    for (const r of server.requests) {
      expect(r.body.ServiceCode).toBe('AmazonSageMaker');
      expect(r.authorization).toMatch(/Credential=AKIDFAKEFORTESTS\/\d{8}\/us-east-1\/pricing\/aws4_request/);
    }
    expect(server.requests[0]!.body.Filters?.map((f) => `${f.Type} ${f.Field}=${f.Value}`)).toEqual([
      'TERM_MATCH productFamily=ML Instance',
      'TERM_MATCH component=Hosting',
      'TERM_MATCH instanceName=ml.g4dn.xlarge',
      'TERM_MATCH regionCode=us-east-1',
    ]);
    expect(hostingFilters('eu-west-1', 'ml.g5.xlarge').map((f) => f.Value)).toEqual(['ML Instance', 'Hosting', 'ml.g5.xlarge', 'eu-west-1']);
  });
});
