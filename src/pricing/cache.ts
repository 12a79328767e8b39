import { join } from 'node:path';
import { PRICE_CACHE_SCHEMA_VERSION, PriceCache, type CachedPrice } from '../schema/priceCatalog.js';
import { parseDocument, readDocumentText, writeJsonAtomic } from '../util/documents.js';
import { snapshotCatalog } from './catalog.js';
import type { Platform } from './platform.js';
import { PriceBook } from './priceBook.js';

const CACHE_FILES: Record<Platform, string> = { ec2: 'ec2-on-demand.json', sagemaker: 'sagemaker-hosting.json' };

/** The live-price cache lives under $CAPACITY_PLAN_HOME so every project on the machine shares it; one file per platform. */
export function priceCachePath(home: string, platform: Platform = 'ec2'): string {
  return join(home, 'prices', CACHE_FILES[platform]);
}

/** The cache, or undefined when there is none yet (plans then use the snapshot alone). */
export async function readPriceCache(home: string, platform: Platform = 'ec2'): Promise<PriceCache | undefined> {
  const path = priceCachePath(home, platform);
  const text = await readDocumentText(path, 'price cache', true);
  if (text === undefined) return undefined;
  return parseDocument(text, path, PriceCache, 'price cache', PRICE_CACHE_SCHEMA_VERSION);
}

/** Every price a plan may use: the embedded snapshot, overridden by both platforms' live caches. */
export async function loadPriceBook(home: string): Promise<PriceBook> {
  return new PriceBook(snapshotCatalog(), await readPriceCache(home, 'ec2'), await readPriceCache(home, 'sagemaker'));
}

/** New entries replace older ones for the same region and instance type; the rest are kept. */
export function mergePriceCache(existing: PriceCache | undefined, fresh: CachedPrice[], endpoint?: string): PriceCache {
  const byKey = new Map<string, CachedPrice>();
  for (const entry of [...(existing?.entries ?? []), ...fresh]) byKey.set(`${entry.region} ${entry.instanceType}`, entry);
  const entries = [...byKey.values()].sort(
    (a, b) => a.region.localeCompare(b.region) || a.instanceType.localeCompare(b.instanceType),
  );
  return {
    schemaVersion: PRICE_CACHE_SCHEMA_VERSION,
    kind: 'price-cache',
    ...(endpoint ?? existing?.endpoint ? { endpoint: endpoint ?? existing?.endpoint } : {}),
    entries,
  };
}

export async function writePriceCache(home: string, cache: PriceCache, platform: Platform = 'ec2'): Promise<string> {
  const path = priceCachePath(home, platform);
  await writeJsonAtomic(path, PriceCache.parse(cache));
  return path;
}
