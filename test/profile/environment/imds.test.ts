import { afterEach, describe, expect, it } from 'vitest';
import { IMDS_DEFAULT_ENDPOINT, queryImds, regionOfAvailabilityZone } from '../../../src/profile/environment/imds.js';
import { closedPortEndpoint, startImdsStub, STUB_TOKEN, type ImdsStub } from './imdsStub.js';

let stub: ImdsStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const envFor = (endpoint: string): NodeJS.ProcessEnv => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint });

describe('queryImds', () => {
  it('gets a token with a PUT carrying the TTL header first, then sends the token on every GET', async () => {
    stub = await startImdsStub();
    expect(await queryImds({ env: envFor(stub.endpoint) })).toEqual({
      instanceType: 'p5.48xlarge',
      region: 'us-east-2',
      availabilityZone: 'us-east-2b',
    });
    const [first, ...gets] = stub.requests;
    expect(first).toMatchObject({ method: 'PUT', url: '/latest/api/token' });
    expect(first?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    expect(gets.map((request) => `${request.method} ${request.url}`).sort()).toEqual([
      'GET /latest/meta-data/instance-type',
      'GET /latest/meta-data/placement/availability-zone',
      'GET /latest/meta-data/placement/region',
    ]);
    for (const request of gets) expect(request.headers['x-aws-ec2-metadata-token']).toBe(STUB_TOKEN);
  });

  it('accepts an endpoint override with a trailing slash', async () => {
    stub = await startImdsStub();
    expect((await queryImds({ env: envFor(`${stub.endpoint}/`) }))?.instanceType).toBe('p5.48xlarge');
  });

  it('derives the region from the availability zone when placement/region is 404', async () => {
    stub = await startImdsStub({ metadata: { 'instance-type': 'g4dn.xlarge', 'placement/availability-zone': 'us-east-1a' } });
    expect(await queryImds({ env: envFor(stub.endpoint) })).toEqual({
      instanceType: 'g4dn.xlarge',
      region: 'us-east-1',
      availabilityZone: 'us-east-1a',
    });
    expect(stub.requests.some((request) => request.url === '/latest/meta-data/placement/region')).toBe(true);
  });

  it('is undefined when the instance type is not there', async () => {
    stub = await startImdsStub({ metadata: { 'placement/availability-zone': 'us-east-1a' } });
    expect(await queryImds({ env: envFor(stub.endpoint) })).toBeUndefined();
  });

  it('is undefined, and asks nothing more, when no token is given (IMDSv2 only)', async () => {
    stub = await startImdsStub({ mode: 'no-token' });
    expect(await queryImds({ env: envFor(stub.endpoint) })).toBeUndefined();
    expect(stub.requests.map((request) => request.method)).toEqual(['PUT']);
  });

  it('makes no request at all when AWS_EC2_METADATA_DISABLED is true, in any case', async () => {
    stub = await startImdsStub();
    for (const value of ['true', 'TRUE', ' True ']) {
      expect(await queryImds({ env: { ...envFor(stub.endpoint), AWS_EC2_METADATA_DISABLED: value } })).toBeUndefined();
    }
    expect(stub.requests).toEqual([]);
    // Any other value leaves IMDS on, as in the AWS SDKs.
    expect(await queryImds({ env: { ...envFor(stub.endpoint), AWS_EC2_METADATA_DISABLED: 'false' } })).toBeDefined();
  });

  it('resolves undefined when the endpoint never answers', async () => {
    stub = await startImdsStub({ mode: 'silent' });
    expect(await queryImds({ env: envFor(stub.endpoint) })).toBeUndefined();
    expect(stub.requests).toHaveLength(1);
  });

  it('resolves undefined when the connection is refused', async () => {
    expect(await queryImds({ env: envFor(await closedPortEndpoint()) })).toBeUndefined();
  });

  it('uses the real IMDS address by default, through the fetch it is given', async () => {
    const urls: string[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      urls.push(`${init?.method ?? 'GET'} ${url}`);
      const path = url.replace(/^.*\/latest\//, '');
      const answers: Record<string, string> = { 'api/token': 'token', 'meta-data/instance-type': 'x1.large' };
      return answers[path] ? new Response(answers[path]) : new Response('', { status: 404 });
    };
    expect(await queryImds({ env: {}, fetch: fakeFetch })).toEqual({ instanceType: 'x1.large' });
    expect(urls[0]).toBe(`PUT ${IMDS_DEFAULT_ENDPOINT}/latest/api/token`);
    expect(IMDS_DEFAULT_ENDPOINT).toBe('http://169.254.169.254');
  });
});

describe('regionOfAvailabilityZone', () => {
  it.each([
    ['us-east-1a', 'us-east-1'],
    ['eu-west-2b', 'eu-west-2'],
    ['ap-southeast-2c', 'ap-southeast-2'],
    ['us-gov-west-1a', 'us-gov-west-1'],
    ['us-west-2-lax-1a', undefined],
    ['nonsense', undefined],
  ])('%s -> %s', (zone, region) => {
    expect(regionOfAvailabilityZone(zone)).toBe(region);
  });
});
