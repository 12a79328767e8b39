import type { PriceBook } from '../pricing/priceBook.js';
import type { PurchaseBook } from '../pricing/purchaseBook.js';
import type { Findings } from '../schema/findings.js';
import type { Fleet } from '../schema/fleet.js';
import type { MetricRecording } from '../schema/metricRecording.js';
import { applyDiscounts } from '../rightsize/afterDiscounts.js';
import { analyseFleet, type AnalysisOptions } from '../rightsize/analyse.js';
import { capacityFromDocument, type CapacityDocument } from '../rightsize/capacity.js';
import { seriesFromRecording } from '../rightsize/series.js';
import { cloudWatchEndpointFromEnv, createCloudWatchClient, fetchFleetMetrics } from '../rightsize/cloudWatch.js';
import { metricQueries } from '../rightsize/metricQueries.js';

/**
 * The rightsize use-case, from documents already read to the findings: the fleet's capacity from
 * its document, the recording as per-minute series, the analysis, and the savings after discounts
 * when the fleet says how it is paid for. Pure: `capacity-plan rightsize` and the scheduled Lambda
 * read their files (disk, S3) themselves, their metrics through readFleetMetrics (or the CLI from a
 * recording), and both call this, so the same recording gives the same findings from either.
 */
export interface RightsizeInput extends AnalysisOptions {
  fleet: Fleet;
  /** How the fleet was named where it was read (a path, an S3 key): in messages. */
  fleetLabel: string;
  capacityDocument: CapacityDocument;
  recording: MetricRecording;
  prices: PriceBook;
  purchases: PurchaseBook;
}

export function rightsizeFleet(input: RightsizeInput): Findings {
  const { fleet, prices } = input;
  const capacity = capacityFromDocument(input.capacityDocument, fleet.sla, fleet.instanceType, fleet.configuration);
  const gpus = fleet.gpusPerInstance ?? prices.instance(fleet.instanceType)?.accelerator.count ?? 1;
  const series = seriesFromRecording(fleet, input.recording, Math.max(1, gpus));
  const analysed = analyseFleet(series, capacity, fleet, prices, { createdAt: input.createdAt, peakStat: input.peakStat, metricsSource: input.metricsSource });
  return fleet.purchase ? applyDiscounts(analysed, fleet.purchase, input.purchases, input.fleetLabel) : analysed;
}

/**
 * The fleet's last `lookbackMinutes` of 1-minute metrics from CloudWatch, ending at the last whole
 * minute: the recording `rightsizeFleet` analyses (and `rightsize --record` keeps). Shared by the
 * CLI and the Lambda, so both read the same window the same way.
 */
export async function readFleetMetrics(request: {
  fleet: Fleet;
  lookbackMinutes: number;
  now: Date;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}): Promise<{ recording: MetricRecording; metricsSource: string }> {
  const { fleet, lookbackMinutes, now } = request;
  const endEpochS = Math.floor(now.getTime() / 60_000) * 60;
  const client = createCloudWatchClient({ region: fleet.region, env: request.env });
  try {
    const recording = await fetchFleetMetrics(client, {
      fleet,
      startEpochS: endEpochS - lookbackMinutes * 60,
      minutes: lookbackMinutes,
      recordedAt: now.toISOString(),
      endpointLabel: cloudWatchEndpointFromEnv(request.env) ?? `https://monitoring.${fleet.region}.amazonaws.com`,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { recording, metricsSource: `CloudWatch ${fleet.region} (${metricQueries(fleet).length} metrics)` };
  } finally {
    client.destroy();
  }
}
