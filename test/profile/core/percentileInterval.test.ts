import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, recordMs } from '../../../src/profile/core/histogram.js';
import { percentileInterval } from '../../../src/profile/core/percentileInterval.js';

function evenly(n: number): ReturnType<typeof createLatencyHistogram> {
  const h = createLatencyHistogram();
  for (let i = 1; i <= n; i++) recordMs(h, i);
  return h;
}

describe('percentileInterval', () => {
  it('brackets the percentile, narrowing as the effective count grows', () => {
    const h = evenly(4000);
    const wide = percentileInterval(h, 0.95, 4000, 100);
    const narrow = percentileInterval(h, 0.95, 4000, 4000);
    expect(wide.estimate).toBeCloseTo(3800, -1);
    expect(wide.lower).toBeLessThan(narrow.lower);
    expect(narrow.lower).toBeLessThan(3800);
    expect(narrow.upper!).toBeGreaterThan(3800);
    expect(narrow.upper!).toBeLessThan(wide.upper!);
    // With n = 4000 independent requests the 90% levels are 0.95 ± 1.645·sqrt(0.95·0.05/4000) = 0.95 ± 0.0057.
    expect(narrow.lower).toBeGreaterThan(3760);
    expect(narrow.upper!).toBeLessThan(3840);
  });
  it('has no upper end when failed requests or too few requests leave the tail unobserved', () => {
    // 100 completed of 120 sent: the slowest 20 (17%) failed, so the p95 is a failure.
    expect(percentileInterval(evenly(100), 0.95, 120).upper).toBeNull();
    expect(percentileInterval(evenly(30), 0.95, 30).upper).toBeNull();
    expect(percentileInterval(createLatencyHistogram(), 0.95, 0)).toEqual({ estimate: 0, lower: 0, upper: null });
  });
});
