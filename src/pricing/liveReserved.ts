import { GetProductsCommand, type PricingClient } from '@aws-sdk/client-pricing';
import { z } from 'zod';
import type { CommitmentRate } from '../schema/purchasePrices.js';
import { describeAwsError } from '../aws/awsErrors.js';
import { RemoteError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { onDemandFilters, pricingService } from './livePrices.js';
import { parseReservedTerms } from './reservedTerms.js';

/**
 * EC2 Reserved Instance rates from the Price List API: the same Linux/Shared/Used product the
 * On-Demand price comes from carries the Reserved terms beside its OnDemand one. Follows NextToken.
 */
export async function fetchReservedRates(
  client: PricingClient,
  request: { region: string; instanceTypes: string[]; endpointLabel: string; signal?: AbortSignal },
): Promise<{ rates: CommitmentRate[]; notFound: string[] }> {
  const rates: CommitmentRate[] = [];
  const notFound: string[] = [];
  try {
    for (const instanceType of request.instanceTypes) {
      const found = new Map<string, CommitmentRate>();
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new GetProductsCommand({
            ServiceCode: 'AmazonEC2',
            FormatVersion: 'aws_v1',
            Filters: onDemandFilters(request.region, instanceType),
            MaxResults: 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
          request.signal ? { abortSignal: request.signal } : {},
        );
        for (const element of page.PriceList ?? []) {
          for (const r of parse(element, instanceType)) {
            if (r.instanceType !== instanceType || (r.regionCode && r.regionCode !== request.region)) continue;
            // Two products with the same term would be unusual: keep the dearer so a plan never understates.
            const old = found.get(r.option);
            if (old && old.effectiveUsdPerHour >= r.effectiveUsdPerHour) continue;
            found.set(r.option, {
              option: r.option,
              region: request.region,
              instanceType,
              effectiveUsdPerHour: r.effectiveUsdPerHour,
              hourlyUsd: r.hourlyUsd,
              upfrontUsd: r.upfrontUsd,
              offering: r.offering,
            });
          }
        }
        nextToken = page.NextToken || undefined;
      } while (nextToken);
      if (found.size === 0) notFound.push(instanceType);
      rates.push(...found.values());
    }
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    throw describeAwsError(error, pricingService(request.endpointLabel));
  }
  return { rates, notFound };
}

function parse(element: unknown, instanceType: string): ReturnType<typeof parseReservedTerms> {
  try {
    return parseReservedTerms(element);
  } catch (error) {
    const why = error instanceof z.ZodError ? describeZodError(error) : (error as Error).message;
    throw new RemoteError(`the Price List API returned an item for ${instanceType} that is not a price list product (${why})`);
  }
}
