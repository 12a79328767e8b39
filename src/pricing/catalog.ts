import { PriceCatalog } from '../schema/priceCatalog.js';
import { PRICE_CATALOG_SNAPSHOT } from './snapshot.generated.js';

let parsed: PriceCatalog | undefined;

/** The embedded snapshot, validated once (the generated module is data: parse it like any input). */
export function snapshotCatalog(): PriceCatalog {
  parsed ??= PriceCatalog.parse(PRICE_CATALOG_SNAPSHOT);
  return parsed;
}
