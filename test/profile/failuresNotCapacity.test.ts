import { describe, expect, it } from 'vitest';
import { MAX_FAILED_FRACTION, tooManyFailed } from '../../src/profile/core/stability.js';
import { MAX_FAILED_FRACTION as CURVE_MAX_FAILED_FRACTION } from '../../src/sweep/curve.js';

describe('tooManyFailed: over 1% failed is no capacity measurement', () => {
  const cases: [number, number, string | undefined][] = [
    // 372 of 743 = 50.1% (issue 17's truncated JPEG)
    [371, 372, '372 of 743 requests failed (over 1%)'],
    // 1 of 100 = 1%: not over
    [99, 1, undefined],
    // 2 of 100 = 2%
    [98, 2, '2 of 100 requests failed (over 1%)'],
    // 2 of 250 = 0.8%
    [248, 2, undefined],
    [0, 0, undefined],
    // nothing completed: 5 of 5
    [0, 5, '5 of 5 requests failed (over 1%)'],
  ];
  it.each(cases)('%i completed, %i failed', (completed, failed, expected) => {
    expect(tooManyFailed({ completed, failed })).toBe(expected);
  });
  it('is the same threshold the sweep and verify use', () => {
    expect(CURVE_MAX_FAILED_FRACTION).toBe(MAX_FAILED_FRACTION);
  });
});
