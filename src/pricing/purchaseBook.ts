import type { PriceCatalog } from '../schema/priceCatalog.js';
import type { CommitmentRate, PurchasePriceCache, PurchaseSnapshot } from '../schema/purchasePrices.js';
import type { CommitmentOptionId } from './purchaseOptions.js';

/** Where a purchase-option price came from: the embedded snapshot's source and date, or a live fetch. */
export type PurchaseOrigin =
  | { kind: 'snapshot'; sourceId: string; date: string | null }
  | { kind: 'cache'; api: 'price-list' | 'savings-plans' | 'spot-price-history'; fetchedAt: string };

export interface CommitmentQuote {
  option: CommitmentOptionId;
  effectiveUsdPerHour: number;
  hourlyUsd?: number;
  upfrontUsd?: number;
  origin: PurchaseOrigin;
}

export interface SpotQuote {
  /** The mean: what a fleet that runs through the price's moves pays on average. */
  usdPerHour: number;
  minUsdPerHour: number;
  maxUsdPerHour: number;
  /** AWS Spot Advisor's band ("<5%" ... ">20%") when a source gave one; else undefined. */
  interruptionFrequency?: string;
  origin: PurchaseOrigin;
}

/**
 * Prices of every purchase option for one (instance type, region): the live cache where it has
 * one, else the embedded snapshot, else nothing (`no price`: never estimated). Pure.
 */
export class PurchaseBook {
  private readonly snapshotRates = new Map<string, CommitmentRate>();
  private readonly cachedRates = new Map<string, PurchasePriceCache['commitments'][number]>();
  private readonly cachedSpot = new Map<string, PurchasePriceCache['spot'][number]>();
  private readonly interruption = new Map<string, string>();

  constructor(
    private readonly snapshot: PurchaseSnapshot,
    private readonly catalog: PriceCatalog,
    cache?: PurchasePriceCache,
  ) {
    for (const r of snapshot.commitments) this.snapshotRates.set(key(r.instanceType, r.region, r.option), r);
    for (const r of snapshot.spotInterruption) this.interruption.set(key(r.instanceType, r.region), r.frequency);
    for (const r of cache?.commitments ?? []) this.cachedRates.set(key(r.instanceType, r.region, r.option), r);
    for (const r of cache?.spot ?? []) this.cachedSpot.set(key(r.instanceType, r.region), r);
  }

  commitment(option: CommitmentOptionId, instanceType: string, region: string): CommitmentQuote | undefined {
    const k = key(instanceType, region, option);
    const cached = this.cachedRates.get(k);
    if (cached) return { ...parts(cached), origin: { kind: 'cache', api: cached.api, fetchedAt: cached.fetchedAt } };
    const embedded = this.snapshotRates.get(k);
    if (embedded) return { ...parts(embedded), origin: { kind: 'snapshot', sourceId: this.snapshot.sourceId, date: this.snapshot.date } };
    return undefined;
  }

  spot(instanceType: string, region: string): SpotQuote | undefined {
    const interruptionFrequency = this.interruption.get(key(instanceType, region));
    const band = interruptionFrequency ? { interruptionFrequency } : {};
    const cached = this.cachedSpot.get(key(instanceType, region));
    if (cached) {
      const o = cached.overall;
      return { usdPerHour: o.meanUsdPerHour, minUsdPerHour: o.minUsdPerHour, maxUsdPerHour: o.maxUsdPerHour, ...band, origin: { kind: 'cache', api: 'spot-price-history', fetchedAt: cached.fetchedAt } };
    }
    const instance = this.catalog.instances.find((i) => i.instanceType === instanceType);
    const s = instance?.spotUsdPerHour?.byRegion[region];
    if (!instance || !s) return undefined;
    const sourceId = instance.sourceRefs.spotUsdPerHour ?? 'unknown';
    return { usdPerHour: s.avg, minUsdPerHour: s.min, maxUsdPerHour: s.max, ...band, origin: { kind: 'snapshot', sourceId, date: instance.spotUsdPerHour?.asOf ?? null } };
  }
}

function parts(r: CommitmentRate): Omit<CommitmentQuote, 'origin'> {
  return {
    option: r.option,
    effectiveUsdPerHour: r.effectiveUsdPerHour,
    ...(r.hourlyUsd !== undefined ? { hourlyUsd: r.hourlyUsd } : {}),
    ...(r.upfrontUsd !== undefined ? { upfrontUsd: r.upfrontUsd } : {}),
  };
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

/** "vantage-raw-2025-11-30, 2025-11-30" / "Savings Plans API, fetched 2026-12-07T10:00:00.000Z". */
export function describePurchaseOrigin(origin: PurchaseOrigin): string {
  if (origin.kind === 'snapshot') return `embedded snapshot (${origin.sourceId}, ${origin.date ?? 'date unknown'})`;
  const api = { 'price-list': 'Price List API', 'savings-plans': 'Savings Plans API', 'spot-price-history': 'EC2 Spot price history' }[origin.api];
  return `${api}, fetched ${origin.fetchedAt}`;
}
