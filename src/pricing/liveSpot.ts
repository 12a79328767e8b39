import { DescribeSpotPriceHistoryCommand, EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import type { SpotRate } from '../schema/purchasePrices.js';
import { describeAwsError, type AwsService } from '../aws/awsErrors.js';
import { summariseSpot, type SpotPoint } from './spotSummary.js';

/** Spot price history over the last 30 days: EC2's Query protocol (form-encoded POST, XML reply), a regional endpoint. */
export const SPOT_WINDOW_DAYS = 30;

export function ec2EndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined;
}

export function createEc2Client(options: { env: NodeJS.ProcessEnv; region: string; maxAttempts?: number }): EC2Client {
  const endpoint = ec2EndpointFromEnv(options.env);
  return new EC2Client({
    region: options.region,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 4,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

export function spotService(endpoint: string): AwsService {
  return {
    name: 'EC2 DescribeSpotPriceHistory',
    endpoint,
    endpointVariables: 'AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL',
    permissions: 'ec2:DescribeSpotPriceHistory',
    stillWorks: 'plans keep using the Spot prices already cached or embedded',
  };
}

/** Mean, minimum and maximum Linux/UNIX Spot price per availability zone over the last 30 days, per instance type. */
export async function fetchSpotRates(
  client: EC2Client,
  request: { region: string; instanceTypes: string[]; now: Date; endpointLabel: string; signal?: AbortSignal },
): Promise<{ rates: SpotRate[]; notFound: string[] }> {
  const toMs = request.now.getTime();
  const fromMs = toMs - SPOT_WINDOW_DAYS * 86_400_000;
  const rates: SpotRate[] = [];
  const notFound: string[] = [];
  try {
    for (const instanceType of request.instanceTypes) {
      const points: SpotPoint[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new DescribeSpotPriceHistoryCommand({
            StartTime: new Date(fromMs),
            EndTime: new Date(toMs),
            InstanceTypes: [instanceType as _InstanceType],
            ProductDescriptions: ['Linux/UNIX'],
            MaxResults: 1000,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
          request.signal ? { abortSignal: request.signal } : {},
        );
        for (const p of page.SpotPriceHistory ?? []) {
          const usd = Number(p.SpotPrice);
          if (p.InstanceType !== instanceType || !p.AvailabilityZone || !p.Timestamp || !Number.isFinite(usd)) continue;
          points.push({ availabilityZone: p.AvailabilityZone, usdPerHour: usd, timeMs: p.Timestamp.getTime() });
        }
        nextToken = page.NextToken || undefined;
      } while (nextToken);
      const summary = summariseSpot(points, fromMs, toMs);
      if (!summary) {
        notFound.push(instanceType);
        continue;
      }
      rates.push({ region: request.region, instanceType, ...summary, fromTime: new Date(fromMs).toISOString(), toTime: new Date(toMs).toISOString() });
    }
  } catch (error) {
    throw describeAwsError(error, spotService(request.endpointLabel));
  }
  return { rates, notFound };
}
