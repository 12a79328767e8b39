import { z } from 'zod';
import { commitmentOption, effectiveUsdPerHour, type CommitmentOptionId, type Payment, type TermYears } from './purchaseOptions.js';

/**
 * The `Reserved` terms of one GetProducts PriceList element (shared/research/purchase-options.md §1).
 * Each term: termAttributes {LeaseContractLength "1yr"|"3yr", OfferingClass "standard"|"convertible",
 * PurchaseOption "No Upfront"|"Partial Upfront"|"All Upfront"} and up to two priceDimensions: unit
 * "Hrs" (the hourly charge, 0 for All Upfront) and unit "Quantity" (the one-time Upfront Fee).
 * Term codes are the same for every SKU, but the attributes say what a term is: they are read,
 * not the codes. Unknown keys are allowed: this is AWS's document.
 */
const Dimension = z.looseObject({ unit: z.string(), description: z.string().optional(), pricePerUnit: z.looseObject({ USD: z.string() }) });
const ReservedTerm = z.looseObject({
  offerTermCode: z.string().optional(),
  termAttributes: z.looseObject({ LeaseContractLength: z.string(), OfferingClass: z.string(), PurchaseOption: z.string() }),
  priceDimensions: z.record(z.string(), Dimension),
});
const ItemWithReserved = z.looseObject({
  product: z.looseObject({ attributes: z.looseObject({ instanceType: z.string(), regionCode: z.string().optional() }) }),
  terms: z.looseObject({ Reserved: z.record(z.string(), ReservedTerm).optional() }),
});

export interface ReservedPrice {
  option: CommitmentOptionId;
  instanceType: string;
  regionCode?: string;
  hourlyUsd: number;
  upfrontUsd: number;
  effectiveUsdPerHour: number;
  offering: string;
}

const PAYMENT: Record<string, Payment> = { 'No Upfront': 'no-upfront', 'Partial Upfront': 'partial-upfront', 'All Upfront': 'all-upfront' };
const TERM: Record<string, TermYears> = { '1yr': 1, '3yr': 3 };

/** Every Reserved term of the element with its effective hourly rate; terms we cannot name are skipped. */
export function parseReservedTerms(element: unknown): ReservedPrice[] {
  const decoded: unknown = typeof element === 'string' || element instanceof String ? JSON.parse(String(element)) : element;
  const item = ItemWithReserved.parse(decoded);
  const out: ReservedPrice[] = [];
  for (const [key, term] of Object.entries(item.terms.Reserved ?? {})) {
    const a = term.termAttributes;
    const termYears = TERM[a.LeaseContractLength];
    const payment = PAYMENT[a.PurchaseOption];
    const riClass = a.OfferingClass.toLowerCase();
    if (termYears === undefined || payment === undefined || (riClass !== 'standard' && riClass !== 'convertible')) continue;
    const option = commitmentOption(`ri-${riClass}-${termYears}yr-${payment}`)!.id;
    let hourlyUsd = 0;
    let upfrontUsd = 0;
    for (const d of Object.values(term.priceDimensions)) {
      const usd = Number(d.pricePerUnit.USD);
      if (!Number.isFinite(usd)) continue;
      if (d.unit.toLowerCase().startsWith('hr')) hourlyUsd = Math.max(hourlyUsd, usd);
      else if (d.unit === 'Quantity') upfrontUsd += usd;
    }
    out.push({
      option,
      instanceType: item.product.attributes.instanceType,
      ...(item.product.attributes.regionCode ? { regionCode: item.product.attributes.regionCode } : {}),
      hourlyUsd,
      upfrontUsd,
      effectiveUsdPerHour: effectiveUsdPerHour(hourlyUsd, upfrontUsd, termYears),
      offering: term.offerTermCode ?? key.split('.').pop() ?? key,
    });
  }
  return out;
}
