import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/util/errors.js';
import { configurationLabel, crossProduct, parseVary } from '../../src/sweep/vary.js';

describe('--vary grammar', () => {
  it('parses comma lists and doubling ranges, keeping configuration parameters in the order given', () => {
    expect(parseVary(['maxBatchSize=1,4..16', 'instances=1..5'])).toEqual({
      config: [
        { param: 'maxBatchSize', values: [1, 4, 8, 16] },
        // 1..5 doubles up to the bound: 1, 2, 4 (8 > 5).
        { param: 'instances', values: [1, 2, 4] },
      ],
    });
  });

  it('takes the load axis: auto, or an explicit list sorted ascending without duplicates', () => {
    expect(parseVary(['concurrency=auto']).load).toEqual({ param: 'concurrency', values: 'auto' });
    expect(parseVary(['rps=200,50,100,50']).load).toEqual({ param: 'rps', values: [50, 100, 200] });
    expect(parseVary(['rps=12.5..50']).load).toEqual({ param: 'rps', values: [12.5, 25, 50] });
  });

  it("parses preferredBatchSizes alternatives separated by '|', with 'none' for the empty list", () => {
    expect(parseVary(['preferredBatchSizes=4,8|8,16|4..16|none']).config).toEqual([
      { param: 'preferredBatchSizes', values: [[4, 8], [8, 16], [4, 8, 16], 'none'] },
    ]);
  });

  it("accepts 'none' and decimals for maxBatchDelayMs, 0 for maxQueueDelayUs, and the flag spelling of names", () => {
    expect(parseVary(['max-batch-delay-ms=none,0,2.5', 'max-queue-delay-us=0,100']).config).toEqual([
      { param: 'maxBatchDelayMs', values: ['none', 0, 2.5] },
      { param: 'maxQueueDelayUs', values: [0, 100] },
    ]);
  });

  it.each([
    ['maxBatchSize', 'no ='],
    ['maxBatchSize=', 'no values'],
    ['batchsize=4', 'unknown (case matters)'],
    ['maxBatchSize=0', 'not above zero'],
    ['maxBatchSize=2.5', 'not whole'],
    ['maxBatchSize=auto', 'auto is for the load only'],
    ['instances=1,,2', 'an empty item'],
    ['maxBatchSize=16..4', 'a range ending below its start'],
    ['maxQueueDelayUs=0..100', 'a doubling range from 0'],
    ['rps=1..1e30', 'a range of more than 64 values'],
    ['concurrency=0.5', 'a fractional concurrency'],
    ['preferredBatchSizes=4,x', 'a bad list item'],
  ])("rejects '%s' (%s) with a UsageError", (arg) => {
    expect(() => parseVary([arg])).toThrow(UsageError);
  });

  it('rejects a parameter given twice, and concurrency together with rps', () => {
    expect(() => parseVary(['instances=1', 'instances=2'])).toThrow(/given twice/);
    expect(() => parseVary(['concurrency=auto', 'rps=auto'])).toThrow(/not both/);
  });

  it('names the accepted parameters when one is unknown', () => {
    expect(() => parseVary(['threads=1,2'])).toThrow(UsageError);
    try {
      parseVary(['threads=1,2']);
    } catch (error) {
      expect((error as UsageError).oneLine()).toContain('maxBatchSize, preferredBatchSizes, maxQueueDelayUs, instances, batchSize, maxBatchDelayMs, concurrency, rps');
    }
  });
});

describe('configurations', () => {
  it('are the cross product, first parameter outermost, each with a readable label', () => {
    const combos = crossProduct(parseVary(['maxBatchSize=4,8', "preferredBatchSizes=4|none"]).config);
    expect(combos).toEqual([
      { maxBatchSize: 4, preferredBatchSizes: [4] },
      { maxBatchSize: 4, preferredBatchSizes: 'none' },
      { maxBatchSize: 8, preferredBatchSizes: [4] },
      { maxBatchSize: 8, preferredBatchSizes: 'none' },
    ]);
    expect(combos.map(configurationLabel)).toEqual([
      'maxBatchSize=4 preferredBatchSizes=4',
      'maxBatchSize=4 preferredBatchSizes=none',
      'maxBatchSize=8 preferredBatchSizes=4',
      'maxBatchSize=8 preferredBatchSizes=none',
    ]);
  });

  it("is one configuration labelled 'default' when only the load varies", () => {
    const combos = crossProduct(parseVary(['concurrency=1,2']).config);
    expect(combos).toEqual([{}]);
    expect(configurationLabel(combos[0]!)).toBe('default');
  });
});
