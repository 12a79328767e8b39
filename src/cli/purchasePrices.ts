import type { PriceBook } from '../pricing/priceBook.js';
import { describePurchaseOrigin, type PurchaseBook, type PurchaseOrigin } from '../pricing/purchaseBook.js';
import { commitmentOption, expandPurchaseOptions, type PurchaseOptionId } from '../pricing/purchaseOptions.js';
import { mergePurchaseCache, readPurchaseCache, writePurchaseCache } from '../pricing/purchaseCache.js';
import { fetchReservedRates } from '../pricing/liveReserved.js';
import { createSavingsPlansClient, fetchSavingsPlansRates, savingsPlansEndpointFromEnv } from '../pricing/liveSavingsPlans.js';
import { createEc2Client, ec2EndpointFromEnv, fetchSpotRates, SPOT_WINDOW_DAYS } from '../pricing/liveSpot.js';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { PurchasePriceCache } from '../schema/purchasePrices.js';
import { UsageError } from '../util/errors.js';
import { textTable } from '../util/textTable.js';
import type { Runtime } from './runtime.js';

/**
 * `prices --purchase-option <list>` and `prices refresh --purchase-option <list>`: Reserved
 * Instances, Savings Plans and Spot beside On-Demand. What no source gave is `no price`.
 */

/** Parses the flag's list (ids or groups ri, sp, spot, all); an unknown name is a usage error naming it. */
export function purchaseOptionList(flag: string) {
  return (value: string): PurchaseOptionId[] => {
    const { ids, unknown } = expandPurchaseOptions(value);
    if (unknown.length > 0 || ids.length === 0) {
      throw new UsageError(
        `${flag} '${unknown[0] ?? value}' is not a purchase option`,
        "ri, sp, spot, all, or ids such as ri-standard-1yr-no-upfront, sp-compute-1yr-no-upfront (comma-separated)",
      );
    }
    return ids;
  };
}

export interface PurchaseRow {
  instanceType: string;
  region: string;
  onDemandUsdPerHour: number | null;
  option: PurchaseOptionId;
  /** Effective $/h (Spot: the mean); null is `no price`. */
  usdPerHour: number | null;
  /** Against On-Demand, in percent; null without both prices. */
  discountPct: number | null;
  upfrontUsd: number | null;
  spotRange: { minUsdPerHour: number; maxUsdPerHour: number } | null;
  interruptionFrequency: string | null;
  from: PurchaseOrigin | null;
}

/** Pure: one row per (instance, region, option). */
export function purchaseRows(book: PriceBook, purchase: PurchaseBook, instanceTypes: string[], regions: string[], options: PurchaseOptionId[]): PurchaseRow[] {
  const rows: PurchaseRow[] = [];
  for (const instanceType of instanceTypes) {
    for (const region of regions) {
      const onDemand = book.quote(instanceType, region)?.usdPerHour ?? null;
      for (const option of options) {
        const row: PurchaseRow = { instanceType, region, onDemandUsdPerHour: onDemand, option, usdPerHour: null, discountPct: null, upfrontUsd: null, spotRange: null, interruptionFrequency: null, from: null };
        if (option === 'spot') {
          const s = purchase.spot(instanceType, region);
          if (s) Object.assign(row, { usdPerHour: s.usdPerHour, spotRange: { minUsdPerHour: s.minUsdPerHour, maxUsdPerHour: s.maxUsdPerHour }, interruptionFrequency: s.interruptionFrequency ?? null, from: s.origin });
        } else {
          const c = purchase.commitment(option, instanceType, region);
          if (c) Object.assign(row, { usdPerHour: c.effectiveUsdPerHour, upfrontUsd: c.upfrontUsd ?? null, from: c.origin });
        }
        if (row.usdPerHour !== null && onDemand) row.discountPct = Math.round((1 - row.usdPerHour / onDemand) * 1000) / 10;
        rows.push(row);
      }
    }
  }
  return rows;
}

export function renderPurchaseRows(rows: PurchaseRow[]): string {
  const table = [['instance', 'region', 'On-Demand $/h', 'option', 'effective $/h', 'vs On-Demand', 'price from']];
  for (const r of rows) {
    const price = r.usdPerHour === null ? 'no price' : String(Number(r.usdPerHour.toFixed(6)));
    const extra = r.spotRange ? ` (${r.spotRange.minUsdPerHour}-${r.spotRange.maxUsdPerHour}${r.interruptionFrequency ? `, interruption ${r.interruptionFrequency}` : ''})` : r.upfrontUsd ? ` (upfront $${r.upfrontUsd})` : '';
    table.push([
      r.instanceType,
      r.region,
      r.onDemandUsdPerHour === null ? 'no price' : String(r.onDemandUsdPerHour),
      r.option,
      price + extra,
      r.discountPct === null ? '-' : `-${r.discountPct}%`,
      r.from ? describePurchaseOrigin(r.from) : '-',
    ]);
  }
  return [
    'Purchase options, effective USD per instance-hour (an upfront fee amortised over the term: 8760 h a year); Linux, Shared tenancy.',
    '',
    textTable(table),
    '',
    'Spot: the mean over the window with (minimum-maximum) across availability zones; Spot capacity can be reclaimed with two minutes\' notice.',
    "no price: no source carried one and none is estimated; 'capacity-plan prices refresh --purchase-option all --region <r> --instance-types <t>' fetches them.",
  ].join('\n');
}

/** The fetches of `prices refresh --purchase-option`: each group from its own API, merged into the purchase cache. */
export async function refreshPurchasePrices(
  rt: Runtime,
  request: { region: string; instanceTypes: string[]; options: PurchaseOptionId[]; pricingClient: PricingClient; pricingEndpoint: string; sagemaker: boolean },
): Promise<string[]> {
  const groups = new Set(request.options.map((o) => (o === 'spot' ? 'spot' : commitmentOption(o)!.kind)));
  const fetchedAt = rt.now().toISOString();
  const fresh: { commitments: PurchasePriceCache['commitments']; spot: PurchasePriceCache['spot'] } = { commitments: [], spot: [] };
  const lines: string[] = [];
  const wanted = new Set(request.options);
  if (groups.has('ri') && !request.sagemaker) {
    rt.stderr.write(`fetching Reserved Instance terms from ${request.pricingEndpoint}\n`);
    const r = await fetchReservedRates(request.pricingClient, { region: request.region, instanceTypes: request.instanceTypes, endpointLabel: request.pricingEndpoint, signal: rt.signal });
    const kept = r.rates.filter((x) => wanted.has(x.option));
    fresh.commitments.push(...kept.map((x) => ({ ...x, fetchedAt, api: 'price-list' as const })));
    lines.push(`Reserved Instances: ${kept.length} rate(s)${r.notFound.length ? `; no Reserved terms for ${r.notFound.join(', ')}` : ''}`);
  }
  if (groups.has('sp')) {
    const endpoint = savingsPlansEndpointFromEnv(rt.env) ?? 'https://savingsplans.amazonaws.com';
    rt.stderr.write(`fetching Savings Plans rates from ${endpoint}\n`);
    const client = createSavingsPlansClient({ env: rt.env });
    try {
      const r = await fetchSavingsPlansRates(client, { region: request.region, instanceTypes: request.instanceTypes, endpointLabel: endpoint, signal: rt.signal });
      const kept = r.rates.filter((x) => wanted.has(x.option));
      fresh.commitments.push(...kept.map((x) => ({ ...x, fetchedAt, api: 'savings-plans' as const })));
      lines.push(`Savings Plans: ${kept.length} rate(s)${r.notFound.length ? `; no Savings Plans rate for ${r.notFound.join(', ')}` : ''}`);
    } finally {
      client.destroy();
    }
  }
  if (groups.has('spot') && !request.sagemaker) {
    const endpoint = ec2EndpointFromEnv(rt.env) ?? `https://ec2.${request.region}.amazonaws.com`;
    rt.stderr.write(`fetching ${SPOT_WINDOW_DAYS} days of Spot price history from ${endpoint}\n`);
    const client = createEc2Client({ env: rt.env, region: request.region });
    try {
      const r = await fetchSpotRates(client, { region: request.region, instanceTypes: request.instanceTypes, now: rt.now(), endpointLabel: endpoint, signal: rt.signal });
      fresh.spot.push(...r.rates.map((x) => ({ ...x, fetchedAt })));
      lines.push(`Spot: ${r.rates.length} instance type(s)${r.notFound.length ? `; no Spot price history for ${r.notFound.join(', ')}` : ''}`);
    } finally {
      client.destroy();
    }
  }
  // Written only once every fetch answered: a failure leaves the cache as it was.
  const path = await writePurchaseCache(rt.home, mergePurchaseCache(await readPurchaseCache(rt.home), fresh));
  return [`Purchase options fetched at ${fetchedAt} into ${path}:`, ...lines.map((l) => `  ${l}`)];
}
