import { describe, expect, it } from 'vitest';
import { hoursNeededByLevel, optimalCommitment } from '../../src/plan/commitment.js';

/**
 * Golden week: weekdays 08-18 at 5 g4dn.xlarge, every other hour 2: 5 days x 10 h = 50 peak hours,
 * 118 at 2. Instance-hours: 118 x 2 + 50 x 5 = 486. N(1) = N(2) = 168, N(3) = N(4) = N(5) = 50.
 * p = 0.526 $/h (On-Demand, us-east-1).
 */
const WEEK = Array.from({ length: 168 }, (_, h) => (h < 120 && h % 24 >= 8 && h % 24 < 18 ? 5 : 2));
const P = 0.526;

describe('optimalCommitment: the golden weekday step week on g4dn.xlarge', () => {
  it('counts the hours each level is needed', () => {
    expect(hoursNeededByLevel(WEEK)).toEqual([168, 168, 50, 50, 50]);
  });

  it('On-Demand only: 486 instance-hours x $0.526 = $255.636 a week', () => {
    const m = optimalCommitment({ instances: WEEK, onDemandUsdPerHour: P });
    expect(m.committedInstances).toBe(0);
    expect(m.weekUsd.total).toBeCloseTo(255.636, 9);
    expect(m.peakOnDemandInstances).toBe(5);
  });

  it('one Savings Plan rate c = 0.381 (c/p = 0.7243): commit 2, run up to 3 On-Demand at the peak', () => {
    // Level 1, 2: N/H = 168/168 = 1 > 0.7243: commit. Level 3: 50/168 = 0.2976 < 0.7243: stop.
    // Week: 168 x 2 x 0.381 = 128.016 committed + 50 h x 3 x 0.526 = 78.9 On-Demand = 206.916
    // (against 255.636: -19.06%). The commitment: 2 x 0.381 = $0.762/h.
    const m = optimalCommitment({ instances: WEEK, onDemandUsdPerHour: P, committedUsdPerHour: 0.381 });
    expect(m.committedInstances).toBe(2);
    expect(m.commitmentUsdPerHour).toBeCloseTo(0.762, 12);
    expect(m.weekUsd.committed).toBeCloseTo(128.016, 9);
    expect(m.weekUsd.onDemand).toBeCloseTo(78.9, 9);
    expect(m.weekUsd.total).toBeCloseTo(206.916, 9);
    expect(m.peakOnDemandInstances).toBe(3);
    // Committing a third instance instead: +168 x 0.381 = 64.008 to save 50 x 0.526 = 26.3: dearer.
    expect(m.weekUsd.total + 168 * 0.381 - 50 * P).toBeGreaterThan(m.weekUsd.total);
  });

  it('the threshold is exact: a level busy 110 of 168 h is worth a 0.629 ratio (> 105.7 h) but not 0.724 (> 121.7 h)', () => {
    const week = Array.from({ length: 168 }, (_, h) => (h < 110 ? 3 : 2));
    // 1-year standard no-upfront RI, 0.331 / 0.526 = 0.6293: 110 x 0.526 = 57.86 > 168 x 0.331 = 55.608: commit 3.
    expect(optimalCommitment({ instances: week, onDemandUsdPerHour: P, committedUsdPerHour: 0.331 }).committedInstances).toBe(3);
    // 0.381: 168 x 0.381 = 64.008 > 57.86: leave level 3 On-Demand.
    expect(optimalCommitment({ instances: week, onDemandUsdPerHour: P, committedUsdPerHour: 0.381 }).committedInstances).toBe(2);
    // A tie saves nothing and is not committed: c = 110 x 0.526 / 168.
    expect(optimalCommitment({ instances: week, onDemandUsdPerHour: P, committedUsdPerHour: (110 * P) / 168 }).committedInstances).toBe(2);
  });

  it('with Spot above the floor (s = 0.1766): the peak runs on Spot, the floor never does', () => {
    // Floor = 2 (the week's lowest demand). Levels 3-5 compare 168 x 0.381 = 64.008 with 50 x 0.1766 = 8.83: Spot.
    // Week: 128.016 committed + 150 Spot instance-hours x 0.1766 = 26.49 -> 154.506 (-39.56% against 255.636).
    const m = optimalCommitment({ instances: WEEK, onDemandUsdPerHour: P, committedUsdPerHour: 0.381, spot: { usdPerHour: 0.1766, floorInstances: 2 } });
    expect(m.committedInstances).toBe(2);
    expect(m.weekUsd.onDemand).toBe(0);
    expect(m.weekUsd.spot).toBeCloseTo(26.49, 9);
    expect(m.weekUsd.total).toBeCloseTo(154.506, 9);
    expect(m.peakSpotInstances).toBe(3);
    // Without a commitment the floor stays On-Demand: 168 x 2 x 0.526 = 176.736 + 26.49 = 203.226.
    const noCommit = optimalCommitment({ instances: WEEK, onDemandUsdPerHour: P, spot: { usdPerHour: 0.1766, floorInstances: 2 } });
    expect(noCommit.weekUsd.total).toBeCloseTo(203.226, 9);
    expect(noCommit.hourly.onDemand.every((x) => x === 2)).toBe(true);
  });

  it('a flat week commits everything when the rate is below On-Demand, and nothing when it is not', () => {
    expect(optimalCommitment({ instances: Array(168).fill(4), onDemandUsdPerHour: P, committedUsdPerHour: 0.5 }).committedInstances).toBe(4);
    expect(optimalCommitment({ instances: Array(168).fill(4), onDemandUsdPerHour: P, committedUsdPerHour: 0.6 }).committedInstances).toBe(0);
  });
});
