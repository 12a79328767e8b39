import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  percentileMs,
  recordMs,
  summarize,
  type LatencyHistogram,
} from '../../../src/profile/core/histogram.js';

function withValuesMs(valuesMs: Iterable<number>): LatencyHistogram {
  const h = createLatencyHistogram();
  for (const ms of valuesMs) recordMs(h, ms);
  return h;
}
const oneTo1000 = (): number[] => Array.from({ length: 1000 }, (_, i) => i + 1);

describe('latency histogram', () => {
  it('gives exact percentiles of 1..1000 ms, as HDR reports them (top of the 3-digit bucket)', () => {
    const h = withValuesMs(oneTo1000());
    // Recorded in µs: 1000..1000000. With 3 significant digits a sub-bucket is 2^k µs wide, where
    // value / 2^k falls in [1024, 2048); the percentile is the top of the value's sub-bucket:
    //   p50 = 500th value = 500000 µs: 2^8 = 256 wide, 1953*256 = 499968 → 499968 + 255 = 500223
    //   p90 = 900000 µs: 512 wide, 1757*512 = 899584 → 900095
    //   p95 = 950000 µs: 1855*512 = 949760 → 950271
    //   p99 = 990000 µs: 1933*512 = 989696 → 990207
    //   max = 1000000 µs: 1953*512 = 999936 → 1000447;  min = 1000 µs (< 2048: 1 µs wide, exact)
    const s = summarize(h);
    expect({ ...s, meanMs: 0 }).toEqual({
      count: 1000,
      meanMs: 0,
      minMs: 1,
      p50Ms: 500.223,
      p90Ms: 900.095,
      p95Ms: 950.271,
      p99Ms: 990.207,
      maxMs: 1000.447,
    });
    // The mean uses each bucket's middle: within 0.1% (3 digits) of the true 500.5.
    expect(Math.abs(s.meanMs - 500.5)).toBeLessThan(0.5005);
    // p99.9 = 999th value = 999000 µs: 1951*512 = 998912 → 999423.
    expect(percentileMs(h, 99.9)).toBe(999.423);
  });

  it('is exact below 2.048 ms (1 µs resolution): 1, 1.5, 2 ms → mean 1.5, p50 1.5', () => {
    expect(summarize(withValuesMs([1, 1.5, 2]))).toEqual({
      count: 3,
      meanMs: 1.5,
      minMs: 1,
      p50Ms: 1.5, // 2nd of 3 values
      p90Ms: 2,
      p95Ms: 2,
      p99Ms: 2,
      maxMs: 2,
    });
  });

  it('summarizes an empty histogram as zeros', () => {
    expect(summarize(createLatencyHistogram())).toEqual({
      count: 0,
      meanMs: 0,
      minMs: 0,
      p50Ms: 0,
      p90Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    });
  });

  it('records below 1 µs as 1 µs, and clamps (and counts) above 60 s', () => {
    const h = withValuesMs([0, 0.0004, -3]);
    expect(h.clampedCount).toBe(0);
    expect(summarize(h)).toMatchObject({ count: 3, minMs: 0.001, maxMs: 0.001 });

    recordMs(h, 120_000);
    recordMs(h, Infinity);
    expect(h.clampedCount).toBe(2);
    // Clamped to 60e6 µs, whose bucket is 2^15 = 32768 wide: 1831*32768 = 59998208 → top 60030975.
    expect(percentileMs(h, 100)).toBe(60_030.975);
    expect(() => recordMs(h, Number.NaN)).toThrow(/NaN/);
  });

  it('merging equals recording everything in one histogram, and leaves the inputs alone', () => {
    const odd = withValuesMs(oneTo1000().filter((ms) => ms % 2 === 1));
    const even = withValuesMs(oneTo1000().filter((ms) => ms % 2 === 0));
    recordMs(even, 100_000); // clamped
    const all = withValuesMs([...oneTo1000(), 100_000]);
    const merged = mergeHistograms([odd, even]);
    expect(summarize(merged)).toEqual(summarize(all));
    expect(merged.clampedCount).toBe(1);
    expect(summarize(odd).count).toBe(500);
    expect(summarize(even).count).toBe(501);
    expect(summarize(mergeHistograms([]))).toEqual(summarize(createLatencyHistogram()));
  });

  it('round-trips through encode/decode with the same summary and clamp count', () => {
    const h = withValuesMs([...oneTo1000(), 0.5, 65_000]);
    const encoded = encodeHistogram(h);
    expect(encoded.startsWith('1:')).toBe(true);
    const decoded = decodeHistogram(encoded);
    expect(summarize(decoded)).toEqual(summarize(h));
    expect(decoded.clampedCount).toBe(1);
    // A decoded histogram merges like any other: two copies double every count.
    expect(summarize(mergeHistograms([decoded, h])).count).toBe(2 * 1002);
  });

  it('rejects a string that is not an encoded histogram', () => {
    expect(() => decodeHistogram('not a histogram')).toThrow(/not an encoded latency histogram/);
    expect(() => decodeHistogram('-1:AAAA')).toThrow(/not an encoded latency histogram/);
  });
});
