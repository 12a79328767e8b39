import { describe, expect, it } from 'vitest';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PurchaseBook } from '../../src/pricing/purchaseBook.js';
import { describeOption, effectiveUsdPerHour, expandPurchaseOptions } from '../../src/pricing/purchaseOptions.js';
import { PURCHASE_SNAPSHOT } from '../../src/pricing/purchaseSnapshot.generated.js';
import { parseReservedTerms } from '../../src/pricing/reservedTerms.js';
import { summariseSpot } from '../../src/pricing/spotSummary.js';
import { PurchaseSnapshot } from '../../src/schema/purchasePrices.js';
import { M5_LARGE_ITEM } from '../support/fakePricingServer.js';

describe('purchase options', () => {
  it('names options as a buyer does and expands groups', () => {
    expect(describeOption('sp-compute-1yr-no-upfront')).toBe('1-year no-upfront Compute Savings Plan');
    expect(describeOption('ri-standard-3yr-all-upfront')).toBe('3-year all-upfront standard Reserved Instance');
    expect(expandPurchaseOptions('ri').ids).toHaveLength(12);
    expect(expandPurchaseOptions('all').ids).toHaveLength(31);
    expect(expandPurchaseOptions('spot,nope')).toEqual({ ids: ['spot'], unknown: ['nope'] });
  });

  it('amortises an all-upfront 3-year Reserved Instance over 26,280 hours', () => {
    // g4dn.xlarge, 3-year standard all upfront: the implied fee is 0.197793 x 26,280 h = $5,198.00 (research note §4);
    // 5198 / (3 x 8760) = 0.19779299... $/h, vantage's 0.197793 to six places; 62.4% off On-Demand's 0.526.
    expect(effectiveUsdPerHour(0, 5198, 3)).toBeCloseTo(0.197793, 6);
    expect(1 - effectiveUsdPerHour(0, 5198, 3) / 0.526).toBeCloseTo(0.624, 3);
  });

  it('reads every Reserved term of a real Price List item (m5.large, 2021-02-05)', () => {
    const terms = parseReservedTerms(JSON.stringify(M5_LARGE_ITEM));
    expect(terms).toHaveLength(12);
    const byOption = new Map(terms.map((t) => [t.option, t]));
    // No upfront: the hourly charge alone. All upfront 3 yr: $949 / 26,280 h.
    expect(byOption.get('ri-standard-1yr-no-upfront')).toMatchObject({ hourlyUsd: 0.06, upfrontUsd: 0, effectiveUsdPerHour: 0.06, offering: '4NA7Y494T4' });
    expect(byOption.get('ri-standard-3yr-all-upfront')?.effectiveUsdPerHour).toBeCloseTo(949 / 26280, 12);
    expect(byOption.get('ri-convertible-3yr-all-upfront')?.upfrontUsd).toBe(1161);
  });

  it('the embedded snapshot parses, names only catalog types and regions, and carries the research note figures', () => {
    const snapshot = PurchaseSnapshot.parse(PURCHASE_SNAPSHOT);
    const catalog = snapshotCatalog();
    const types = new Set(catalog.instances.map((i) => i.instanceType));
    for (const c of snapshot.commitments) {
      expect(types.has(c.instanceType) && catalog.regions.includes(c.region)).toBe(true);
      expect(c.option.startsWith('ri-')).toBe(true);
    }
    expect(catalog.sources.some((s) => s.id === snapshot.sourceId && s.date === snapshot.date)).toBe(true);
    const book = new PurchaseBook(snapshot, catalog);
    expect(book.commitment('ri-standard-1yr-no-upfront', 'g4dn.xlarge', 'us-east-1')?.effectiveUsdPerHour).toBe(0.331);
    expect(book.commitment('ri-convertible-3yr-all-upfront', 'g5.xlarge', 'us-east-1')?.effectiveUsdPerHour).toBe(0.492922);
    // No public Savings Plans figure: no price, never estimated.
    expect(book.commitment('sp-compute-1yr-no-upfront', 'g4dn.xlarge', 'us-east-1')).toBeUndefined();
    expect(book.spot('g4dn.xlarge', 'us-east-1')).toMatchObject({ usdPerHour: 0.1766, minUsdPerHour: 0.1733, maxUsdPerHour: 0.1812, interruptionFrequency: '>20%' });
  });
});

describe('summariseSpot', () => {
  const H = 3_600_000;
  it('time-weights each price from its change to the next, within the window', () => {
    // Window [0, 10 h]. Zone a: 0.3 from -5 h (in effect at 0) until 2 h, then 0.1: (0.3 x 2 + 0.1 x 8) / 10 = 0.14.
    // Zone b: 0.2 from 5 h only: mean 0.2 over the 5 h it covers. Overall: (0.14 + 0.2) / 2 = 0.17, min 0.1, max 0.3.
    const s = summariseSpot(
      [
        { availabilityZone: 'a', usdPerHour: 0.1, timeMs: 2 * H },
        { availabilityZone: 'a', usdPerHour: 0.3, timeMs: -5 * H },
        { availabilityZone: 'b', usdPerHour: 0.2, timeMs: 5 * H },
        // Before a later change that is itself before the window: never in effect.
        { availabilityZone: 'c', usdPerHour: 9, timeMs: -9 * H },
        { availabilityZone: 'c', usdPerHour: 0.25, timeMs: -1 * H },
      ],
      0,
      10 * H,
    )!;
    expect(s.byAvailabilityZone.a?.meanUsdPerHour).toBeCloseTo(0.14, 12);
    expect(s.byAvailabilityZone.b).toEqual({ meanUsdPerHour: 0.2, minUsdPerHour: 0.2, maxUsdPerHour: 0.2 });
    expect(s.byAvailabilityZone.c).toEqual({ meanUsdPerHour: 0.25, minUsdPerHour: 0.25, maxUsdPerHour: 0.25 });
    expect(s.overall.meanUsdPerHour).toBeCloseTo((0.14 + 0.2 + 0.25) / 3, 12);
    expect(s.overall).toMatchObject({ minUsdPerHour: 0.1, maxUsdPerHour: 0.3 });
    expect(summariseSpot([], 0, H)).toBeUndefined();
  });
});
