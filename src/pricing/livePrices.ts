import { GetProductsCommand, PricingClient, type Filter } from '@aws-sdk/client-pricing';
import type { CachedPrice } from '../schema/priceCatalog.js';
import { z } from 'zod';
import { RemoteError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { describeAwsError, type AwsService } from '../aws/awsErrors.js';
import type { Platform } from './platform.js';
import { parsePriceListElement, type OnDemandPrice } from './priceListItem.js';

/** The Price List API is served only from these regions; any other configured region gets us-east-1. */
const PRICING_API_REGIONS = new Set(['us-east-1', 'ap-south-1', 'eu-central-1']);

/** AWS's per-service endpoint variable wins over the global one, as in the SDKs' own configuration. */
export function pricingEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_PRICING || env.AWS_ENDPOINT_URL || undefined;
}

export function pricingApiRegion(env: NodeJS.ProcessEnv): string {
  const configured = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return configured && PRICING_API_REGIONS.has(configured) ? configured : 'us-east-1';
}

export function createPricingClient(options: { env: NodeJS.ProcessEnv; maxAttempts?: number }): PricingClient {
  const endpoint = pricingEndpointFromEnv(options.env);
  return new PricingClient({
    region: pricingApiRegion(options.env),
    ...(endpoint ? { endpoint } : {}),
    // The SDK's standard retry strategy backs off and retries throttling and transient errors itself.
    maxAttempts: options.maxAttempts ?? 4,
    // Fail fast when there is no network instead of hanging: plans do not need it.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** The filters that select exactly the Linux, Shared-tenancy, no-software On-Demand price (Karpenter's set). */
export function onDemandFilters(region: string, instanceType: string): Filter[] {
  const match = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  return [
    match('regionCode', region),
    match('instanceType', instanceType),
    match('operatingSystem', 'Linux'),
    match('tenancy', 'Shared'),
    match('preInstalledSw', 'NA'),
    match('capacitystatus', 'Used'),
    match('marketoption', 'OnDemand'),
  ];
}

/**
 * SageMaker real-time endpoint prices: component Hosting (Training, AsyncInf, BatchTransform are
 * other products at sometimes other rates), keyed on instanceName ('ml.g5.xlarge'; instanceType is
 * 'ml.g5.xlarge-Hosting'). Exactly one product is expected back.
 */
export function hostingFilters(region: string, instanceType: string): Filter[] {
  const match = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  return [match('productFamily', 'ML Instance'), match('component', 'Hosting'), match('instanceName', instanceType), match('regionCode', region)];
}

/** What each platform asks the Price List API, and which attribute of an answer names the instance. */
const QUERIES: Record<Platform, { serviceCode: string; filters: (region: string, instanceType: string) => Filter[]; nameOf: (p: OnDemandPrice) => string | undefined }> = {
  ec2: { serviceCode: 'AmazonEC2', filters: onDemandFilters, nameOf: (p) => p.instanceType },
  sagemaker: {
    serviceCode: 'AmazonSageMaker',
    filters: hostingFilters,
    nameOf: (p) => (p.component === undefined || p.component === 'Hosting' ? p.instanceName : undefined),
  },
};

export interface LiveFetchResult {
  prices: CachedPrice[];
  /** Instance types for which the API returned no hourly On-Demand price in the region. */
  notFound: string[];
  endpoint: string;
}

/**
 * Fetches On-Demand prices for each instance type in `region`, following NextToken through every
 * page: EC2 Linux prices, or with platform 'sagemaker' the Hosting prices of `ml.` types. Errors
 * become one-line CapacityPlanErrors (see awsErrors.ts).
 */
export async function fetchOnDemandPrices(
  client: PricingClient,
  request: { region: string; instanceTypes: string[]; fetchedAt: string; endpointLabel: string; signal?: AbortSignal; platform?: Platform },
): Promise<LiveFetchResult> {
  const query = QUERIES[request.platform ?? 'ec2'];
  const prices: CachedPrice[] = [];
  const notFound: string[] = [];
  try {
    for (const instanceType of request.instanceTypes) {
      const found: CachedPrice[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new GetProductsCommand({
            ServiceCode: query.serviceCode,
            FormatVersion: 'aws_v1',
            Filters: query.filters(request.region, instanceType),
            MaxResults: 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
          request.signal ? { abortSignal: request.signal } : {},
        );
        for (const element of page.PriceList ?? []) {
          const price = parseElement(element, instanceType);
          if (!price || query.nameOf(price) !== instanceType) continue;
          if (price.regionCode && price.regionCode !== request.region) continue;
          found.push({
            region: request.region,
            instanceType,
            usdPerHour: price.usdPerHour,
            fetchedAt: request.fetchedAt,
            ...(price.sku ? { sku: price.sku } : {}),
            ...(price.publicationDate ? { publicationDate: price.publicationDate } : {}),
          });
        }
        nextToken = page.NextToken || undefined;
      } while (nextToken);
      // More than one matching product would be unusual; keep the highest so plans never understate.
      const highest = found.sort((a, b) => b.usdPerHour - a.usdPerHour)[0];
      if (highest) prices.push(highest);
      else notFound.push(instanceType);
    }
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    throw describeAwsError(error, pricingService(request.endpointLabel));
  }
  return { prices, notFound, endpoint: request.endpointLabel };
}

/** Plans never need the network: every failure says so, so users know nothing else is blocked. */
export function pricingService(endpoint: string): AwsService {
  return {
    name: 'the Price List API',
    endpoint,
    endpointVariables: 'AWS_ENDPOINT_URL_PRICING / AWS_ENDPOINT_URL',
    permissions: 'pricing:GetProducts',
    stillWorks: 'plans keep using the embedded price snapshot',
  };
}

function parseElement(element: unknown, instanceType: string): ReturnType<typeof parsePriceListElement> {
  try {
    return parsePriceListElement(element);
  } catch (error) {
    const why = error instanceof z.ZodError ? describeZodError(error) : (error as Error).message;
    throw new RemoteError(`the Price List API returned an item for ${instanceType} that is not a price list product (${why})`);
  }
}
