import type { CachedPrice, CatalogInstance, HostingInstance, PriceCache, PriceCatalog } from '../schema/priceCatalog.js';
import { didYouMean } from '../util/didYouMean.js';
import { InputError, UsageError } from '../util/errors.js';
import { hardwareOf, instanceTypeOn, platformOf, type Platform } from './platform.js';

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

/** YYYY-MM-DD or YYYY-MM at the start of a source's own wording of a date ("2023-12 (billing period ...)"). */
const LEADING_DATE = /^\d{4}-\d{2}(-\d{2})?/;

/**
 * The prices a plan may use: the live cache where it has an entry, else the embedded snapshot.
 * EC2 instance types are priced from the EC2 catalog; `ml.` types (SageMaker real-time endpoints)
 * from the SageMaker Hosting prices beside it. Pure: the caller reads the cache files (one per
 * platform, see cache.ts) and hands them in.
 */
export class PriceBook {
  private readonly instances = new Map<string, CatalogInstance>();
  private readonly hosting = new Map<string, HostingInstance>();
  private readonly cached = new Map<string, CachedPrice>();
  private readonly sourceDates = new Map<string, string | null>();
  private readonly hostingSourceDates = new Map<string, string | null>();

  constructor(
    readonly catalog: PriceCatalog,
    ...caches: (PriceCache | undefined)[]
  ) {
    for (const instance of catalog.instances) this.instances.set(instance.instanceType, instance);
    for (const source of catalog.sources) this.sourceDates.set(source.id, source.date);
    for (const instance of catalog.sagemakerHosting?.instances ?? []) this.hosting.set(instance.instanceType, instance);
    for (const source of catalog.sagemakerHosting?.sources ?? []) this.hostingSourceDates.set(source.id, source.date);
    // ml.* keys cannot collide with EC2 ones, so both platforms' caches share the map.
    for (const cache of caches) for (const entry of cache?.entries ?? []) this.cached.set(key(entry.instanceType, entry.region), entry);
  }

  /** Regions with any price on the platform: the snapshot's plus whatever `prices refresh` fetched. */
  regions(platform: Platform = 'ec2'): string[] {
    const regions = new Set<string>();
    if (platform === 'ec2') for (const region of this.catalog.regions) regions.add(region);
    else for (const h of this.hosting.values()) for (const region of Object.keys(h.hostingUsdPerHour)) regions.add(region);
    for (const entry of this.cached.values()) if (platformOf(entry.instanceType) === platform) regions.add(entry.region);
    return [...regions];
  }

  /** The hardware's specs (from the EC2 catalog, for `ml.` types too). */
  instance(instanceType: string): CatalogInstance | undefined {
    return this.instances.get(hardwareOf(instanceType));
  }

  /** The SageMaker Hosting entry of an `ml.` type, when the snapshot has one. */
  hostingInstance(instanceType: string): HostingInstance | undefined {
    return this.hosting.get(instanceType);
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
    // An ml. type is known when its hardware is: SageMaker offers most GPU types, and the price says the rest.
    return this.instances.has(hardwareOf(instanceType)) || this.hosting.has(instanceType) || [...this.cached.values()].some((e) => e.instanceType === instanceType);
  }

  quote(instanceType: string, region: string): PriceQuote | undefined {
    const hit = this.cached.get(key(instanceType, region));
    if (hit) return { instanceType, region, usdPerHour: hit.usdPerHour, origin: { kind: 'cache', fetchedAt: hit.fetchedAt } };
    if (platformOf(instanceType) === 'sagemaker') {
      const hosting = this.hosting.get(instanceType);
      const usdPerHour = hosting?.hostingUsdPerHour[region];
      if (!hosting || usdPerHour === undefined) return undefined;
      const sourceId = hosting.sourceRefs[region] ?? 'unknown';
      // The price's own date where the source states one (an invoice month), else its source's date.
      const date = LEADING_DATE.exec(hosting.asOf[region] ?? '')?.[0] ?? this.hostingSourceDates.get(sourceId) ?? null;
      return { instanceType, region, usdPerHour, origin: { kind: 'snapshot', sourceId, date } };
    }
    const instance = this.instances.get(instanceType);
    const usdPerHour = instance?.onDemandUsdPerHour[region];
    if (!instance || usdPerHour === undefined) return undefined;
    const sourceId = instance.sourceRefs.onDemandUsdPerHour[region] ?? 'unknown';
    return { instanceType, region, usdPerHour, origin: { kind: 'snapshot', sourceId, date: this.sourceDates.get(sourceId) ?? null } };
  }

  /** Throws a UsageError naming `flag` when no price at all is known for the region on the platform. */
  requireRegion(region: string, flag = '--region', platform: Platform = 'ec2'): void {
    const regions = this.regions(platform);
    if (regions.includes(region)) return;
    const what = platform === 'ec2' ? 'prices in the catalog' : 'SageMaker Hosting prices in the catalog';
    throw new UsageError(
      `${flag} '${region}' has no ${what} (regions: ${regions.join(', ') || 'none'})`,
      `pick one of those, or fetch live prices with '${refreshCommand(platform, region)}'`,
    );
  }

  /** The quote, or an InputError naming where the instance type was read (`field`) and how to refresh it. */
  requireQuote(instanceType: string, region: string, field: string): PriceQuote {
    const quote = this.quote(instanceType, region);
    if (quote) return quote;
    const platform = platformOf(instanceType);
    const refresh = refreshCommand(platform, region, instanceType);
    if (!this.hasInstanceType(instanceType)) {
      const near = didYouMean(instanceType, this.instanceTypes());
      // A flag's value is a usage error (exit 2), as in requireInstanceType; one read from a document is input (3).
      const Failure = field.startsWith('--') ? UsageError : InputError;
      throw new Failure(`${field}: unknown instance type '${instanceType}' (not in the price catalog)`, near ?? `check the spelling, or fetch its price with '${refresh}'`);
    }
    if (platform === 'sagemaker') {
      const superseded = this.hosting.get(instanceType)?.superseded?.[region];
      throw new InputError(
        `${field}: no SageMaker Hosting price for ${instanceType} in ${region} in the embedded snapshot` +
          (superseded ? ` (its only sourced price, ${superseded.usdPerHour} as of ${superseded.asOf}, is out of date)` : ' (no source carried one; none is estimated)'),
        `fetch it from the Price List API with '${refresh}'`,
      );
    }
    throw new InputError(
      `${field}: no On-Demand price for ${instanceType} in ${region} (the catalog's sources carry none; likely not offered there)`,
      `pick another --region, or try '${refresh}'`,
    );
  }
}

/**
 * The hourly On-Demand price of one instance on a platform: `ml.g4dn.xlarge` or `g4dn.xlarge`
 * with platform 'sagemaker' are both the SageMaker Hosting price. For callers that price a fleet
 * they did not plan (rightsizing): throws an InputError saying how to refresh when there is none.
 */
export function hourlyPrice(
  book: PriceBook,
  request: { platform: Platform; region: string; instanceType: string; field?: string },
): PriceQuote {
  if (request.platform === 'ec2' && platformOf(request.instanceType) === 'sagemaker') {
    throw new InputError(`${request.field ?? 'instance type'}: '${request.instanceType}' is a SageMaker type, priced with platform sagemaker`);
  }
  const instanceType = instanceTypeOn(request.platform, request.instanceType);
  return book.requireQuote(instanceType, request.region, request.field ?? `instance type ${instanceType}`);
}

/** The command that fetches a missing price. */
export function refreshCommand(platform: Platform, region: string, instanceType?: string): string {
  return [
    'capacity-plan prices refresh',
    ...(platform === 'sagemaker' ? ['--platform sagemaker'] : []),
    `--region ${region}`,
    ...(instanceType ? [`--instance-types ${instanceType}`] : []),
  ].join(' ');
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
