import { DescribeSavingsPlansOfferingRatesCommand, SavingsplansClient, type SavingsPlanOfferingRate } from '@aws-sdk/client-savingsplans';
import type { CommitmentRate } from '../schema/purchasePrices.js';
import { describeAwsError, type AwsService } from '../aws/awsErrors.js';
import { commitmentOption, type CommitmentOptionId, type Payment, type SpType } from './purchaseOptions.js';
import { platformOf } from './platform.js';

/**
 * Savings Plans rates from DescribeSavingsPlansOfferingRates (REST-JSON, POST
 * /DescribeSavingsPlansOfferingRates). A global service signed for us-east-1 whatever the region
 * priced; the region is a filter. The operation has no paginator in the SDK: loop on nextToken.
 * An SP `rate` is already the effective $/h for its payment option: used as is.
 */
export function savingsPlansEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_SAVINGSPLANS || env.AWS_ENDPOINT_URL || undefined;
}

export function createSavingsPlansClient(options: { env: NodeJS.ProcessEnv; maxAttempts?: number }): SavingsplansClient {
  const endpoint = savingsPlansEndpointFromEnv(options.env);
  return new SavingsplansClient({
    region: 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 4,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

export function savingsPlansService(endpoint: string): AwsService {
  return {
    name: 'the Savings Plans API',
    endpoint,
    endpointVariables: 'AWS_ENDPOINT_URL_SAVINGSPLANS / AWS_ENDPOINT_URL',
    permissions: 'savingsplans:DescribeSavingsPlansOfferingRates',
    stillWorks: 'plans keep using the prices already cached or embedded',
  };
}

const PLAN_TYPES: Record<string, SpType> = { Compute: 'compute', EC2Instance: 'ec2-instance', SageMaker: 'sagemaker' };
const PAYMENTS: Record<string, Payment> = { 'No Upfront': 'no-upfront', 'Partial Upfront': 'partial-upfront', 'All Upfront': 'all-upfront' };
const YEAR_SECONDS = 31_536_000;

/** The option an offering rate is for, or undefined when it is none we plan with (another term, a Database plan). */
export function optionOfRate(rate: SavingsPlanOfferingRate): CommitmentOptionId | undefined {
  const o = rate.savingsPlanOffering;
  const spType = PLAN_TYPES[o?.planType ?? ''];
  const payment = PAYMENTS[o?.paymentOption ?? ''];
  const years = (o?.durationSeconds ?? 0) / YEAR_SECONDS;
  if (!spType || !payment || (years !== 1 && years !== 3)) return undefined;
  return commitmentOption(`sp-${spType}-${years}yr-${payment}`)?.id;
}

/** EC2 instances are `BoxUsage` (shared tenancy); SageMaker real-time endpoints are `<prefix>-Host:ml.*`. */
function isInstanceUsage(usageType: string | undefined, sagemaker: boolean): boolean {
  return sagemaker ? /-Host:ml\./.test(usageType ?? '') : /BoxUsage/.test(usageType ?? '');
}

export async function fetchSavingsPlansRates(
  client: SavingsplansClient,
  request: { region: string; instanceTypes: string[]; endpointLabel: string; signal?: AbortSignal },
): Promise<{ rates: CommitmentRate[]; notFound: string[] }> {
  const rates: CommitmentRate[] = [];
  const notFound: string[] = [];
  try {
    for (const instanceType of request.instanceTypes) {
      const sagemaker = platformOf(instanceType) === 'sagemaker';
      const found = new Map<CommitmentOptionId, CommitmentRate>();
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new DescribeSavingsPlansOfferingRatesCommand({
            savingsPlanTypes: sagemaker ? ['SageMaker'] : ['Compute', 'EC2Instance'],
            products: sagemaker ? ['SageMaker'] : ['EC2'],
            serviceCodes: sagemaker ? ['AmazonSageMaker'] : ['AmazonEC2'],
            filters: [
              { name: 'region', values: [request.region] },
              { name: 'instanceType', values: [instanceType] },
              ...(sagemaker ? [] : [{ name: 'productDescription' as const, values: ['Linux/UNIX'] }, { name: 'tenancy' as const, values: ['shared'] }]),
            ],
            maxResults: 1000,
            ...(nextToken ? { nextToken } : {}),
          }),
          request.signal ? { abortSignal: request.signal } : {},
        );
        for (const r of page.searchResults ?? []) {
          const option = optionOfRate(r);
          const usd = Number(r.rate);
          if (!option || !Number.isFinite(usd) || usd <= 0 || r.unit !== 'Hrs' || !isInstanceUsage(r.usageType, sagemaker)) continue;
          const properties = new Map((r.properties ?? []).map((p) => [p.name, p.value]));
          if ((properties.get('instanceType') ?? instanceType) !== instanceType || (properties.get('region') ?? request.region) !== request.region) continue;
          // Several matching rates (e.g. per operation) would be unusual: keep the dearest, never understate.
          const old = found.get(option);
          if (old && old.effectiveUsdPerHour >= usd) continue;
          found.set(option, {
            option,
            region: request.region,
            instanceType,
            effectiveUsdPerHour: usd,
            ...(r.savingsPlanOffering?.offeringId ? { offering: r.savingsPlanOffering.offeringId } : {}),
          });
        }
        nextToken = page.nextToken || undefined;
      } while (nextToken);
      if (found.size === 0) notFound.push(instanceType);
      rates.push(...found.values());
    }
  } catch (error) {
    throw describeAwsError(error, savingsPlansService(request.endpointLabel));
  }
  return { rates, notFound };
}
