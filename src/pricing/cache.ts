import { join } from 'node:path';
import { PRICE_CACHE_SCHEMA_VERSION, PriceCache, type CachedPrice } from '../schema/priceCatalog.js';
import { parseDocument, readDocumentText, writeJsonAtomic } from '../util/documents.js';

/** The live-price cache lives under $CAPACITY_PLAN_HOME so every project on the machine shares it. */
export function priceCachePath(home: string): string {
  return join(home, 'prices', 'ec2-on-demand.json');
}

/** The cache, or undefined when there is none yet (plans then use the snapshot alone). */
export async function readPriceCache(home: string): Promise<PriceCache | undefined> {
  const path = priceCachePath(home);
  const text = await readDocumentText(path, 'price cache', true);
  if (text === undefined) return undefined;
  return parseDocument(text, path, PriceCache, 'price cache', PRICE_CACHE_SCHEMA_VERSION);
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

export async function writePriceCache(home: string, cache: PriceCache): Promise<string> {
  const path = priceCachePath(home);
  await writeJsonAtomic(path, PriceCache.parse(cache));
  return path;
}
