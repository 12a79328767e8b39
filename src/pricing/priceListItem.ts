import { z } from 'zod';

/**
 * One GetProducts PriceList element, after decoding its JSON string. Only the fields the planner
 * needs are checked; AWS adds attributes over time, so unknown keys are allowed here (this is
 * AWS's document, not ours).
 * Price path: terms.OnDemand.<SKU.offerTermCode>.priceDimensions.<SKU.offerTermCode.rateCode>.pricePerUnit.USD
 */
const PriceDimension = z.looseObject({
  unit: z.string(),
  pricePerUnit: z.looseObject({ USD: z.string() }),
});

export const PriceListItem = z.looseObject({
  product: z.looseObject({
    sku: z.string().optional(),
    attributes: z.looseObject({
      // EC2: 'g5.xlarge'. SageMaker: 'ml.g5.xlarge-Hosting' (the component appended), or 'NA' on a few SKUs.
      instanceType: z.string(),
      // SageMaker only: 'ml.g5.xlarge', the clean key.
      instanceName: z.string().optional(),
      // SageMaker only: 'Hosting' for real-time endpoints ('Training', 'AsyncInf', ... are other products).
      component: z.string().optional(),
      regionCode: z.string().optional(),
      location: z.string().optional(),
    }),
  }),
  publicationDate: z.string().optional(),
  terms: z.looseObject({
    OnDemand: z.record(z.string(), z.looseObject({ priceDimensions: z.record(z.string(), PriceDimension) })).optional(),
  }),
});
export type PriceListItem = z.infer<typeof PriceListItem>;

export interface OnDemandPrice {
  instanceType: string;
  instanceName?: string;
  component?: string;
  regionCode?: string;
  usdPerHour: number;
  sku?: string;
  publicationDate?: string;
}

/**
 * The SDK hands each element back as a boxed String (its lazy JSON string type), sometimes as a
 * plain string; decode either. Returns undefined for items without an hourly On-Demand USD price.
 */
export function parsePriceListElement(element: unknown): OnDemandPrice | undefined {
  const decoded: unknown =
    typeof element === 'string' || element instanceof String ? JSON.parse(String(element)) : element;
  const item = PriceListItem.parse(decoded);
  const hourly: number[] = [];
  for (const term of Object.values(item.terms.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions)) {
      const usd = Number(dimension.pricePerUnit.USD);
      // A zero rate is a placeholder dimension (e.g. a reservation's upfront part), not a price.
      if (dimension.unit.toLowerCase().startsWith('hr') && Number.isFinite(usd) && usd > 0) hourly.push(usd);
    }
  }
  if (hourly.length === 0) return undefined;
  const { attributes } = item.product;
  return {
    instanceType: attributes.instanceType,
    ...(attributes.instanceName ? { instanceName: attributes.instanceName } : {}),
    ...(attributes.component ? { component: attributes.component } : {}),
    ...(attributes.regionCode ? { regionCode: attributes.regionCode } : {}),
    // Several hourly dimensions would be unusual; take the highest so a plan never understates cost.
    usdPerHour: Math.max(...hourly),
    ...(item.product.sku ? { sku: item.product.sku } : {}),
    ...(item.publicationDate ? { publicationDate: item.publicationDate } : {}),
  };
}
