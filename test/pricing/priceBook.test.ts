import { describe, expect, it } from 'vitest';
import { mergePriceCache } from '../../src/pricing/cache.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook, describeOrigin } from '../../src/pricing/priceBook.js';
import { InputError, UsageError } from '../../src/util/errors.js';

const cache = mergePriceCache(undefined, [
  { region: 'us-east-1', instanceType: 'g4dn.xlarge', usdPerHour: 0.6, fetchedAt: '2026-11-23T10:00:00.000Z' },
  { region: 'eu-central-1', instanceType: 'g5.xlarge', usdPerHour: 1.2, fetchedAt: '2026-11-23T10:00:00.000Z' },
]);

describe('PriceBook', () => {
  it('quotes the snapshot with its source and date', () => {
    const quote = new PriceBook(snapshotCatalog()).quote('g4dn.xlarge', 'us-east-1');
    expect(quote).toEqual({
      instanceType: 'g4dn.xlarge',
      region: 'us-east-1',
      usdPerHour: 0.526,
      origin: { kind: 'snapshot', sourceId: 'karpenter-pricing-us-east-1', date: '2026-07-20' },
    });
    expect(describeOrigin(quote!.origin)).toBe('embedded snapshot (karpenter-pricing-us-east-1, 2026-07-20)');
  });

  it('prefers the live cache to the snapshot, and knows regions only the cache has', () => {
    const book = new PriceBook(snapshotCatalog(), cache);
    expect(book.quote('g4dn.xlarge', 'us-east-1')).toMatchObject({ usdPerHour: 0.6, origin: { kind: 'cache', fetchedAt: '2026-11-23T10:00:00.000Z' } });
    expect(book.quote('g4dn.xlarge', 'us-west-2')?.origin.kind).toBe('snapshot');
    expect(book.regions()).toContain('eu-central-1');
    expect(() => book.requireRegion('eu-central-1')).not.toThrow();
  });

  it('names the flag for an unknown region and the field for an unknown instance type', () => {
    const book = new PriceBook(snapshotCatalog());
    expect(() => book.requireRegion('mars-east-1')).toThrow(UsageError);
    expect(() => book.requireRegion('mars-east-1')).toThrow(/--region 'mars-east-1'/);
    expect(() => book.requireQuote('g9z.huge', 'us-east-1', "profile 'a.json' environment.instanceType")).toThrow(
      /profile 'a.json' environment.instanceType: unknown instance type 'g9z.huge'/,
    );
    expect(() => book.requireQuote('g6.xlarge', 'eu-west-1', 'f')).toThrow(InputError);
    expect(() => book.requireQuote('g6.xlarge', 'eu-west-1', 'f')).toThrow(/no On-Demand price for g6.xlarge in eu-west-1/);
  });

  it('merges refreshes: a newer fetch replaces the same region and type, others are kept', () => {
    const merged = mergePriceCache(cache, [
      { region: 'us-east-1', instanceType: 'g4dn.xlarge', usdPerHour: 0.55, fetchedAt: '2026-11-24T00:00:00.000Z' },
    ]);
    expect(merged.entries).toHaveLength(2);
    expect(merged.entries.find((e) => e.instanceType === 'g4dn.xlarge')).toMatchObject({ usdPerHour: 0.55, fetchedAt: '2026-11-24T00:00:00.000Z' });
  });
});
