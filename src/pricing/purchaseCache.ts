import { join } from 'node:path';
import { PURCHASE_PRICE_CACHE_SCHEMA_VERSION, PurchasePriceCache } from '../schema/purchasePrices.js';
import { parseDocument, readDocumentText, writeJsonAtomic } from '../util/documents.js';
import { snapshotCatalog } from './catalog.js';
import { PurchaseBook } from './purchaseBook.js';
import { PURCHASE_SNAPSHOT } from './purchaseSnapshot.generated.js';

/** Beside the On-Demand caches, under $CAPACITY_PLAN_HOME/prices/. */
export function purchaseCachePath(home: string): string {
  return join(home, 'prices', 'purchase-options.json');
}

export async function readPurchaseCache(home: string): Promise<PurchasePriceCache | undefined> {
  const path = purchaseCachePath(home);
  const text = await readDocumentText(path, 'purchase price cache', true);
  if (text === undefined) return undefined;
  return parseDocument(text, path, PurchasePriceCache, 'purchase price cache', PURCHASE_PRICE_CACHE_SCHEMA_VERSION);
}

export async function loadPurchaseBook(home: string): Promise<PurchaseBook> {
  return new PurchaseBook(PURCHASE_SNAPSHOT, snapshotCatalog(), await readPurchaseCache(home));
}

/** Fresh entries replace older ones for the same (type, region, option); the rest are kept. */
export function mergePurchaseCache(
  existing: PurchasePriceCache | undefined,
  fresh: { commitments: PurchasePriceCache['commitments']; spot: PurchasePriceCache['spot'] },
): PurchasePriceCache {
  const commitments = new Map<string, PurchasePriceCache['commitments'][number]>();
  for (const c of [...(existing?.commitments ?? []), ...fresh.commitments]) commitments.set(`${c.region} ${c.instanceType} ${c.option}`, c);
  const spot = new Map<string, PurchasePriceCache['spot'][number]>();
  for (const s of [...(existing?.spot ?? []), ...fresh.spot]) spot.set(`${s.region} ${s.instanceType}`, s);
  const byKey = <T extends { region: string; instanceType: string }>(a: T, b: T): number => a.region.localeCompare(b.region) || a.instanceType.localeCompare(b.instanceType);
  return {
    schemaVersion: PURCHASE_PRICE_CACHE_SCHEMA_VERSION,
    kind: 'purchase-price-cache',
    commitments: [...commitments.values()].sort((a, b) => byKey(a, b) || a.option.localeCompare(b.option)),
    spot: [...spot.values()].sort(byKey),
  };
}

export async function writePurchaseCache(home: string, cache: PurchasePriceCache): Promise<string> {
  const path = purchaseCachePath(home);
  await writeJsonAtomic(path, PurchasePriceCache.parse(cache));
  return path;
}
