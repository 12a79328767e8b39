import { z } from 'zod';
import { PURCHASE_OPTION_IDS, type PurchaseOptionId } from '../pricing/purchaseOptions.js';

/**
 * Prices of the purchase options besides On-Demand (Reserved Instances, Savings Plans, Spot):
 * the embedded snapshot (src/pricing/purchaseSnapshot.generated.ts, only figures a public source
 * carries) and the cache `prices refresh --purchase-options` writes under $CAPACITY_PLAN_HOME/prices/.
 * Every rate is the effective USD per instance-hour: an upfront fee amortised over the term.
 */
export const PurchaseOptionIdSchema = z.enum(PURCHASE_OPTION_IDS as [PurchaseOptionId, ...PurchaseOptionId[]]);

export const CommitmentRate = z
  .object({
    option: PurchaseOptionIdSchema.exclude(['spot']),
    region: z.string().min(1),
    instanceType: z.string().min(1),
    /** Hourly charge + upfront fee / hours in the term. */
    effectiveUsdPerHour: z.number().nonnegative(),
    /** The parts, when the source gave them (the Price List API does; vantage's snapshot gives only the effective rate). */
    hourlyUsd: z.number().nonnegative().optional(),
    upfrontUsd: z.number().nonnegative().optional(),
    /** Price List term code or Savings Plans offering id. */
    offering: z.string().optional(),
  })
  .strict();
export type CommitmentRate = z.infer<typeof CommitmentRate>;

export const SpotStats = z
  .object({ meanUsdPerHour: z.number().nonnegative(), minUsdPerHour: z.number().nonnegative(), maxUsdPerHour: z.number().nonnegative() })
  .strict();
export type SpotStats = z.infer<typeof SpotStats>;

export const SpotRate = z
  .object({
    region: z.string().min(1),
    instanceType: z.string().min(1),
    /** Across availability zones: the mean of the zones' time-weighted means, the lowest minimum, the highest maximum. */
    overall: SpotStats,
    byAvailabilityZone: z.record(z.string(), SpotStats),
    /** The window the history covers. */
    fromTime: z.string(),
    toTime: z.string(),
  })
  .strict();
export type SpotRate = z.infer<typeof SpotRate>;

export const PURCHASE_PRICE_CACHE_SCHEMA_VERSION = 1;

/** One fetch: which API, where, when; entries point at it by index so each price says where it came from. */
export const PurchaseFetch = z
  .object({ api: z.enum(['price-list', 'savings-plans', 'spot-price-history']), endpoint: z.string(), fetchedAt: z.string() })
  .strict();

export const PurchasePriceCache = z
  .object({
    schemaVersion: z.literal(PURCHASE_PRICE_CACHE_SCHEMA_VERSION),
    kind: z.literal('purchase-price-cache'),
    commitments: z.array(CommitmentRate.extend({ fetchedAt: z.string(), api: PurchaseFetch.shape.api }).strict()),
    spot: z.array(SpotRate.extend({ fetchedAt: z.string() }).strict()),
  })
  .strict();
export type PurchasePriceCache = z.infer<typeof PurchasePriceCache>;

/** The embedded snapshot: rates and Spot interruption bands as one dated public source states them. */
export const PurchaseSnapshot = z
  .object({
    /** Id into the price catalog's sources (the same dated file the catalog's Spot averages come from). */
    sourceId: z.string(),
    date: z.string(),
    /** What the source does not carry: reported as `no price`, never estimated. */
    notInSource: z.array(z.string()),
    commitments: z.array(CommitmentRate),
    /** AWS Spot Advisor's interruption frequency band ("<5%" ... ">20%") as the source states it. */
    spotInterruption: z.array(z.object({ region: z.string(), instanceType: z.string(), frequency: z.string() }).strict()),
  })
  .strict();
export type PurchaseSnapshot = z.infer<typeof PurchaseSnapshot>;
