import type { CachedPrice, CatalogInstance, PriceCache, PriceCatalog } from '../schema/priceCatalog.js';
import { didYouMean } from '../util/didYouMean.js';
import { InputError, UsageError } from '../util/errors.js';

/** Where one price came from: the embedded snapshot (with its source and date) or the live cache. */
export type PriceOrigin =
  | { kind: 'snapshot'; sourceId: string; date: string | null }
  | { kind: 'cache'; fetchedAt: string };

export interface PriceQuote {
  instanceType: string;
  region: string;
  usdPerHour: number;
  origin: PriceOrigin;
}

/**
 * The prices a plan may use: the live cache where it has an entry, else the embedded snapshot.
 * Pure: the caller reads the cache file and hands it in.
 */
export class PriceBook {
  private readonly instances = new Map<string, CatalogInstance>();
  private readonly cached = new Map<string, CachedPrice>();
  private readonly sourceDates = new Map<string, string | null>();

  constructor(
    readonly catalog: PriceCatalog,
    readonly cache?: PriceCache,
  ) {
    for (const instance of catalog.instances) this.instances.set(instance.instanceType, instance);
    for (const source of catalog.sources) this.sourceDates.set(source.id, source.date);
    for (const entry of cache?.entries ?? []) this.cached.set(key(entry.instanceType, entry.region), entry);
  }

  /** Regions with any price: the snapshot's four plus whatever `prices refresh` fetched. */
  regions(): string[] {
    const regions = new Set(this.catalog.regions);
    for (const entry of this.cached.values()) regions.add(entry.region);
    return [...regions];
  }

  instance(instanceType: string): CatalogInstance | undefined {
    return this.instances.get(instanceType);
  }

  /** Every instance type with any price: the snapshot's and the live cache's. */
  instanceTypes(): string[] {
    return [...new Set([...this.instances.keys(), ...[...this.cached.values()].map((e) => e.instanceType)])];
  }

  /**
   * Throws a UsageError naming `flag` when the instance type has no price at all, with the
   * nearest known names: a typo found when the figures are recorded, not months later at plan time.
   */
  requireInstanceType(instanceType: string, flag: string): void {
    if (this.hasInstanceType(instanceType)) return;
    const near = didYouMean(instanceType, this.instanceTypes());
    throw new UsageError(
      `${flag} '${instanceType}' is not in the price catalog`,
      near ?? `'capacity-plan prices' lists the catalog; 'capacity-plan prices refresh --instance-types ${instanceType}' fetches a live price`,
    );
  }

  hasInstanceType(instanceType: string): boolean {
    return this.instances.has(instanceType) || [...this.cached.values()].some((e) => e.instanceType === instanceType);
  }

  quote(instanceType: string, region: string): PriceQuote | undefined {
    const hit = this.cached.get(key(instanceType, region));
    if (hit) return { instanceType, region, usdPerHour: hit.usdPerHour, origin: { kind: 'cache', fetchedAt: hit.fetchedAt } };
    const instance = this.instances.get(instanceType);
    const usdPerHour = instance?.onDemandUsdPerHour[region];
    if (!instance || usdPerHour === undefined) return undefined;
    const sourceId = instance.sourceRefs.onDemandUsdPerHour[region] ?? 'unknown';
    return { instanceType, region, usdPerHour, origin: { kind: 'snapshot', sourceId, date: this.sourceDates.get(sourceId) ?? null } };
  }

  /** Throws a UsageError naming `flag` when no price at all is known for the region. */
  requireRegion(region: string, flag = '--region'): void {
    if (this.regions().includes(region)) return;
    throw new UsageError(
      `${flag} '${region}' has no prices in the catalog (regions: ${this.regions().join(', ')})`,
      `pick one of those, or fetch live prices with 'capacity-plan prices refresh --region ${region}'`,
    );
  }

  /** The quote, or an InputError naming where the instance type was read (`field`). */
  requireQuote(instanceType: string, region: string, field: string): PriceQuote {
    const quote = this.quote(instanceType, region);
    if (quote) return quote;
    if (!this.hasInstanceType(instanceType)) {
      const near = didYouMean(instanceType, this.instanceTypes());
      throw new InputError(
        `${field}: unknown instance type '${instanceType}' (not in the price catalog)`,
        near ?? `check the spelling, or fetch its price with 'capacity-plan prices refresh --region ${region} --instance-types ${instanceType}'`,
      );
    }
    throw new InputError(
      `${field}: no On-Demand price for ${instanceType} in ${region} (the catalog's sources carry none; likely not offered there)`,
      `pick another --region, or try 'capacity-plan prices refresh --region ${region} --instance-types ${instanceType}'`,
    );
  }
}

function key(instanceType: string, region: string): string {
  return `${region}\u0000${instanceType}`;
}

/** "snapshot karpenter-pricing-us-east-1 2026-07-20" / "cache fetched 2026-11-23T10:00:00.000Z": how a plan states a price's origin. */
export function describeOrigin(origin: PriceOrigin): string {
  return origin.kind === 'cache'
    ? `live Price List cache, fetched ${origin.fetchedAt}`
    : `embedded snapshot (${origin.sourceId}, ${origin.date ?? 'date unknown'})`;
}
