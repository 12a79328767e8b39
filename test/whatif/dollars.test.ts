import { describe, expect, it } from 'vitest';
import { billFor, intervalsApart, priceCapacity, saving, type Pricing } from '../../src/whatif/dollars.js';
import type { CapacityEstimate } from '../../src/schema/capacityEstimate.js';

const flat = (rps: number): number[] => Array.from({ length: 168 }, () => rps);
const capacity = (estimateRps: number, lowerRps: number, upperRps: number | null): CapacityEstimate => ({
  estimateRps,
  lowerRps,
  upperRps,
  confidencePct: 90,
  certifiedRps: lowerRps,
  method: 'isotonic-exceedance',
});

describe('dollars arithmetic', () => {
  it('matches the hand-worked example', () => {
    /*
     * 100 req/s flat, g4dn.xlarge at $0.526/h, 80% utilisation, at least 1 instance.
     * With the setting: capacity 50 req/s -> 40 per instance -> ceil(100 / 40) = ceil(2.5) = 3 instances
     *   3 x 0.526 x 730 = $1,151.94, + $35 request-log extras = $1,186.94
     * Without it: 110 req/s -> 88 per instance -> ceil(100 / 88) = ceil(1.136) = 2 instances
     *   2 x 0.526 x 730 = $767.96, no extras
     * The setting costs 1,186.94 - 767.96 = $418.98 a month.
     * Interval: with 45-55 req/s -> 36-44 per instance -> 3 instances either end ($1,186.94);
     *   without 100-120 req/s -> 80-96 per instance -> 2 instances either end ($767.96): the range is $418.98 to $418.98.
     */
    const p: Pricing = { demandRps: flat(100), usdPerHour: 0.526, utilization: 0.8, minInstances: 1 };
    const withIt = priceCapacity(capacity(50, 45, 55), 35, p);
    const without = priceCapacity(capacity(110, 100, 120), 0, p);
    expect(withIt.estimate.instances).toBe(3);
    expect(withIt.estimate.usdPerMonth).toBeCloseTo(1186.94, 2);
    expect(without.estimate.instances).toBe(2);
    expect(without.estimate.usdPerMonth).toBeCloseTo(767.96, 2);
    const cost = saving(withIt, without);
    expect(cost.usd).toBeCloseTo(418.98, 2);
    expect(cost.low).toBeCloseTo(418.98, 2);
    expect(cost.high).toBeCloseTo(418.98, 2);
    expect(intervalsApart(capacity(50, 45, 55), capacity(110, 100, 120))).toBe(true);
  });

  it('a wide interval widens the dollars, and overlapping intervals are not beyond noise', () => {
    const p: Pricing = { demandRps: flat(100), usdPerHour: 1, utilization: 1, minInstances: 1 };
    // 30-70 req/s: 2 instances (upper end) to 4 (lower end): $1,460 to $2,920.
    const wide = priceCapacity(capacity(50, 30, 70), 0, p);
    expect(wide.low.usdPerMonth).toBe(2 * 730);
    expect(wide.high.usdPerMonth).toBe(4 * 730);
    expect(intervalsApart(capacity(50, 30, 70), capacity(60, 55, 80))).toBe(false);
    // Apart, but by less than one grid step (x1.12): a single run at the knee can do that.
    expect(intervalsApart(capacity(270.1, 267.6, 298.7), capacity(239.8, 239.7, 266.5))).toBe(false);
    expect(intervalsApart(capacity(270.1, 267.6, 298.7), capacity(169.8, 169.3, 188.4))).toBe(true);
    expect(intervalsApart(capacity(100, 95, 105), capacity(120, 117.9, 130))).toBe(true);
    expect(intervalsApart(capacity(100, 95, 105), capacity(120, 117.8, 130))).toBe(false);
    // Open above: the estimate stands for the low end; a lower end of 0 leaves the high end unknown.
    const open = priceCapacity(capacity(50, 0, null), 0, p);
    expect(open.low.usdPerMonth).toBe(2 * 730);
    expect(open.high.usdPerMonth).toBeNull();
    expect(billFor(null, 10, p)).toEqual({ instances: null, usdPerMonth: null });
  });
});
