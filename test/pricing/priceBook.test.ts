import { describe, expect, it } from 'vitest';
import { mergePriceCache } from '../../src/pricing/cache.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook, describeOrigin, hourlyPrice } from '../../src/pricing/priceBook.js';
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

describe('PriceBook: SageMaker Hosting (ml.* types)', () => {
  const book = new PriceBook(snapshotCatalog());

  it('prices ml. types from the Hosting prices, dated by the price itself where the source says', () => {
    expect(book.quote('ml.g4dn.xlarge', 'us-east-1')).toEqual({
      instanceType: 'ml.g4dn.xlarge',
      region: 'us-east-1',
      usdPerHour: 0.7364,
      origin: { kind: 'snapshot', sourceId: 'fmbench-pricing-yml', date: '2025-01-26' },
    });
    // The invoice's billing month, not the date the invoice was copied into a repository.
    expect(book.quote('ml.g4dn.xlarge', 'eu-west-1')?.origin).toEqual({ kind: 'snapshot', sourceId: 'ssh-helper-bill-2023-12', date: '2023-12' });
    // The EC2 price of the same hardware is unchanged.
    expect(book.quote('g4dn.xlarge', 'us-east-1')?.usdPerHour).toBe(0.526);
    expect(book.instance('ml.g4dn.xlarge')?.accelerator.model).toBe('T4');
    expect(book.regions('sagemaker').sort()).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
  });

  it('says a type has no price, and how to fetch it, instead of estimating one', () => {
    expect(book.quote('ml.g6.xlarge', 'us-east-1')).toBeUndefined();
    expect(() => book.requireQuote('ml.g6.xlarge', 'us-east-1', 'f')).toThrow(InputError);
    expect(() => book.requireQuote('ml.g6.xlarge', 'us-east-1', 'f')).toThrow(/f: no SageMaker Hosting price for ml.g6.xlarge in us-east-1 in the embedded snapshot/);
    try {
      book.requireQuote('ml.p5.48xlarge', 'us-east-1', 'f');
      expect.unreachable();
    } catch (error) {
      expect((error as InputError).message).toContain('its only sourced price, 113.068 as of 2024-05-18..2025-01-26 (fmbench), is out of date');
      expect((error as InputError).hint).toBe("fetch it from the Price List API with 'capacity-plan prices refresh --platform sagemaker --region us-east-1 --instance-types ml.p5.48xlarge'");
    }
    expect(() => book.requireQuote('ml.zz9.huge', 'us-east-1', 'f')).toThrow(/unknown instance type 'ml.zz9.huge'/);
    expect(() => book.requireRegion('ap-northeast-1', '--region', 'sagemaker')).toThrow(/--region 'ap-northeast-1' has no SageMaker Hosting prices/);
  });

  it('prefers a live SageMaker price from its own cache', () => {
    const sagemakerCache = mergePriceCache(undefined, [
      { region: 'us-east-1', instanceType: 'ml.g6.xlarge', usdPerHour: 1.1267, fetchedAt: '2026-11-29T10:00:00.000Z' },
      { region: 'ap-northeast-1', instanceType: 'ml.g4dn.xlarge', usdPerHour: 0.9, fetchedAt: '2026-11-29T10:00:00.000Z' },
    ]);
    const live = new PriceBook(snapshotCatalog(), cache, sagemakerCache);
    expect(live.quote('ml.g6.xlarge', 'us-east-1')).toMatchObject({ usdPerHour: 1.1267, origin: { kind: 'cache' } });
    expect(live.quote('g4dn.xlarge', 'us-east-1')?.usdPerHour).toBe(0.6);
    expect(live.regions('sagemaker')).toContain('ap-northeast-1');
  });

  it('hourlyPrice: one call for either platform, as rightsizing uses it', () => {
    expect(hourlyPrice(book, { platform: 'sagemaker', region: 'us-east-1', instanceType: 'ml.g4dn.xlarge' }).usdPerHour).toBe(0.7364);
    // The hardware's EC2 name on platform sagemaker is the ml. type.
    expect(hourlyPrice(book, { platform: 'sagemaker', region: 'us-east-1', instanceType: 'g5.xlarge' })).toMatchObject({ instanceType: 'ml.g5.xlarge', usdPerHour: 1.4084 });
    expect(hourlyPrice(book, { platform: 'ec2', region: 'us-east-1', instanceType: 'g4dn.xlarge' }).usdPerHour).toBe(0.526);
    expect(() => hourlyPrice(book, { platform: 'ec2', region: 'us-east-1', instanceType: 'ml.g4dn.xlarge' })).toThrow(/is a SageMaker type/);
    expect(() => hourlyPrice(book, { platform: 'sagemaker', region: 'ap-northeast-1', instanceType: 'ml.g4dn.xlarge', field: 'fleet.yaml endpoints[0].instanceType' })).toThrow(
      /fleet.yaml endpoints\[0\].instanceType: no SageMaker Hosting price for ml.g4dn.xlarge in ap-northeast-1/,
    );
  });
});
