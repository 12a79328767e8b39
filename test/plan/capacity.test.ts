import { describe, expect, it } from 'vitest';
import { capacityAtSla, type CapacityPoint } from '../../src/plan/capacity.js';
import { instancesFor, scheduleFor } from '../../src/plan/instances.js';

const point = (throughputRps: number, p95: number, failed = 0): CapacityPoint => ({ throughputRps, latencyMs: { p50: p95 / 2, p95, p99: p95 * 2 }, failed });
const curve = [point(100, 50), point(300, 150), point(200, 80), point(400, 300)];

describe('capacityAtSla', () => {
  it('takes the highest throughput whose percentile meets the bound, in any point order', () => {
    expect(capacityAtSla(curve, { percentile: 'p95', maxLatencyMs: 100 })).toEqual({ meetsSla: true, throughputRps: 200, latencyMs: 80, missByMs: 0 });
    expect(capacityAtSla(curve, { percentile: 'p95', maxLatencyMs: 150 })?.throughputRps).toBe(300);
    // p50 of the 400 req/s point is 150 ms.
    expect(capacityAtSla(curve, { percentile: 'p50', maxLatencyMs: 150 })?.throughputRps).toBe(400);
  });

  it('when no point meets the SLA, returns the one that misses by the least, and by how much', () => {
    expect(capacityAtSla(curve, { percentile: 'p95', maxLatencyMs: 40 })).toEqual({ meetsSla: false, throughputRps: 100, latencyMs: 50, missByMs: 10 });
  });

  it('ignores points with failed requests or no throughput', () => {
    expect(capacityAtSla([point(100, 50), point(200, 60, 3), point(0, 1)], { percentile: 'p95', maxLatencyMs: 100 })?.throughputRps).toBe(100);
    expect(capacityAtSla([point(0, 1)], { percentile: 'p95', maxLatencyMs: 100 })).toBeUndefined();
  });

  it('lets a higher percentile stand in for one that was not measured, and says so', () => {
    // Sweep points carry p50/p95/p99 but no p90.
    expect(capacityAtSla([point(100, 50)], { percentile: 'p90', maxLatencyMs: 60 })).toEqual({
      meetsSla: true,
      throughputRps: 100,
      latencyMs: 50,
      missByMs: 0,
      substitutedPercentile: 'p95',
    });
  });
});

describe('instances', () => {
  it('is ceil(demand / capacity per instance), at least the minimum', () => {
    expect(instancesFor(60, 47 * 0.8, 1)).toBe(2); // 60 / 37.6 = 1.60
    expect(instancesFor(60, 183 * 0.8, 1)).toBe(1); // 60 / 146.4 = 0.41
    expect(instancesFor(0, 10, 1)).toBe(1);
    expect(instancesFor(0, 10, 0)).toBe(0);
    expect(instancesFor(5, 10, 3)).toBe(3);
  });

  it('does not add an instance for floating-point noise at an exact multiple', () => {
    // Demand of exactly three instances' capacity, as floating point computes it.
    const demand = 3 * 0.1; // 0.30000000000000004
    expect(demand / 0.1).toBeGreaterThan(3); // 3.0000000000000004
    expect(instancesFor(demand, 0.1, 1)).toBe(3);
    expect(instancesFor(0.3000001, 0.1, 1)).toBe(4);
  });

  it('summarises a schedule: peak, min, max and instance-hours', () => {
    // capacity 10/instance: 5 -> 1, 25 -> 3, 10 -> 1, 0 -> 1 (minimum)
    expect(scheduleFor([5, 25, 10, 0], 10, 1)).toEqual({ peakInstances: 3, peakDemandRps: 25, min: 1, max: 3, instanceHours: 6, hours: 4 });
  });
});
