import { describe, expect, it } from 'vitest';
import { parsePriceListElement } from '../../src/pricing/priceListItem.js';
import { M5_LARGE_ITEM, gpuItem } from '../support/fakePricingServer.js';

describe('parsePriceListElement', () => {
  it('reads the On-Demand hourly USD price from a real GetProducts item', () => {
    expect(parsePriceListElement(JSON.stringify(M5_LARGE_ITEM))).toEqual({
      instanceType: 'm5.large',
      usdPerHour: 0.096,
      sku: '6C86BEPQVG73ZGGR',
      publicationDate: '2021-02-05T20:45:00Z',
    });
  });

  it('decodes the boxed String the SDK returns', () => {
    const boxed = new String(JSON.stringify(gpuItem('g4dn.xlarge', 'us-east-1', '0.5260000000')));
    expect(parsePriceListElement(boxed)).toMatchObject({ instanceType: 'g4dn.xlarge', regionCode: 'us-east-1', usdPerHour: 0.526 });
  });

  it('returns nothing for an item without an On-Demand price', () => {
    const item = structuredClone(M5_LARGE_ITEM) as { terms: Record<string, unknown> };
    delete item.terms.OnDemand;
    expect(parsePriceListElement(JSON.stringify(item))).toBeUndefined();
  });

  it('rejects something that is not a product', () => {
    expect(() => parsePriceListElement('{"hello":1}')).toThrow();
  });
});
