import type { PriceBook } from '../pricing/priceBook.js';
import type { PurchaseBook } from '../pricing/purchaseBook.js';
import type { Findings } from '../schema/findings.js';
import type { Fleet } from '../schema/fleet.js';
import type { MetricRecording } from '../schema/metricRecording.js';
import { applyDiscounts } from '../rightsize/afterDiscounts.js';
import { analyseFleet, type AnalysisOptions } from '../rightsize/analyse.js';
import { capacityFromDocument, type CapacityDocument } from '../rightsize/capacity.js';
import { seriesFromRecording } from '../rightsize/series.js';

/**
 * The rightsize use-case, from documents already read to the findings: the fleet's capacity from
 * its document, the recording as per-minute series, the analysis, and the savings after discounts
 * when the fleet says how it is paid for. Pure: `capacity-plan rightsize` and the scheduled Lambda
 * read their files (disk, S3) and metrics (CloudWatch, a recording) themselves and both call this,
 * so the same recording gives the same findings from either.
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
