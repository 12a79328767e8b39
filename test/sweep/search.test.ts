import { describe, expect, it } from 'vitest';
import { nextLoad, searchCurve, type ResolvedAxis as LoadAxis, type Observation } from '../../src/sweep/search.js';
import { observeSynthetic } from './syntheticServer.js';

const loads = (seen: Observation[]): number[] => seen.map((o) => o.load);
const maxAtSla = (seen: Observation[]): number | null => {
  const passing = seen.filter((o) => o.meetsSla).map((o) => o.throughputRps);
  return passing.length > 0 ? Math.max(...passing) : null;
};
const concurrencySearch = (startLoad = 1, maxPoints = 12): LoadAxis => ({ kind: 'concurrency', mode: 'search', startLoad, maxPoints });

describe('load search, concurrency (synthetic server: throughput min(50c, 400), p95 10 + max(0, c-8)*20 ms)', () => {
  it('doubles while the SLA holds, then bisects between the last pass and the first miss', async () => {
    // p95<=100ms holds up to c=12 (p95 90); c=13 gives 110.
    // raise: 1, 2, 4, 8 pass; 16 misses (p95 170) -> bracket [8, 16]
    // bisect: 12 passes (90) -> [12, 16]; 14 misses (130) -> [12, 14]; 13 misses (110) -> [12, 13]: adjacent, done.
    const seen = await searchCurve(concurrencySearch(), observeSynthetic(100));
    expect(loads(seen)).toEqual([1, 2, 4, 8, 16, 12, 14, 13]);
    expect(Math.max(...seen.filter((o) => o.meetsSla).map((o) => o.load))).toBe(12);
    expect(maxAtSla(seen)).toBe(400);
  });

  it('stops raising when throughput grows less than 5% (saturation), even though the SLA holds', async () => {
    // p95<=1000ms: c=16 gives 400 req/s like c=8 (0% gain) with p95 170 -> saturated, no bracket, done.
    const seen = await searchCurve(concurrencySearch(), observeSynthetic(1000));
    expect(loads(seen)).toEqual([1, 2, 4, 8, 16]);
    expect(seen.every((o) => o.meetsSla)).toBe(true);
    expect(maxAtSla(seen)).toBe(400);
  });

  it('keeps raising while throughput still grows by 5% or more', async () => {
    // Two instances: knee at c=16 (800 req/s). 16 -> 32 gains 0% -> saturated; p95<=1000 holds at 32 (p95 330).
    const seen = await searchCurve(concurrencySearch(), observeSynthetic(1000, 2));
    expect(loads(seen)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(maxAtSla(seen)).toBe(800);
  });

  it('halves from a start that misses the SLA, then bisects', async () => {
    // p95<=50ms holds up to c=10. 16 misses (170) -> halve: 8 passes -> [8, 16]; 12 misses (90) -> [8, 12];
    // 10 passes (50) -> [10, 12]; 11 misses (70) -> [10, 11]: done.
    const seen = await searchCurve(concurrencySearch(16), observeSynthetic(50));
    expect(loads(seen)).toEqual([16, 8, 12, 10, 11]);
    expect(maxAtSla(seen)).toBe(400);
  });

  it('stops at concurrency 1 when even that misses the SLA: no max', async () => {
    const seen = await searchCurve(concurrencySearch(), observeSynthetic(5));
    expect(loads(seen)).toEqual([1]);
    expect(maxAtSla(seen)).toBeNull();
  });

  it('measures at most maxPoints points per configuration', async () => {
    const seen = await searchCurve(concurrencySearch(1, 6), observeSynthetic(100));
    expect(loads(seen)).toEqual([1, 2, 4, 8, 16, 12]);
  });

  it('judges points by the SLA, not by their order: a noisy miss below the highest pass is ignored', () => {
    const axis = concurrencySearch();
    const seen: Observation[] = [
      { load: 4, throughputRps: 200, meetsSla: true },
      { load: 8, throughputRps: 300, meetsSla: true },
      { load: 16, throughputRps: 320, meetsSla: false },
      { load: 12, throughputRps: 310, meetsSla: true },
      { load: 6, throughputRps: 250, meetsSla: false },
    ];
    // lo = 12 (highest pass), hi = 16 (lowest miss above it) -> 14.
    expect(nextLoad(axis, seen)).toBe(14);
  });
});

describe('load search, rps (synthetic open server: throughput min(rps, 400), p95 20 + max(0, rps-300)*2 ms)', () => {
  const observe = (maxP95Ms: number) => async (load: number): Promise<Observation> => ({
    load,
    throughputRps: Math.min(load, 400),
    meetsSla: 20 + Math.max(0, load - 300) * 2 <= maxP95Ms,
  });

  it('doubles from the given rps, then bisects until the bracket is within 5%', async () => {
    // p95<=100ms holds up to 340 rps. 50, 100, 200 pass; 400 misses (220) -> [200, 400]
    // 300 passes -> [300, 400]; 350 misses (120) -> [300, 350] (16.7% apart)
    // 325 passes (70) -> [325, 350] (7.7%); 337.5 passes (95) -> [337.5, 350] (3.7% <= 5%): done.
    const seen = await searchCurve({ kind: 'rps', mode: 'search', startLoad: 50, maxPoints: 12 }, observe(100));
    expect(loads(seen)).toEqual([50, 100, 200, 400, 300, 350, 325, 337.5]);
    expect(maxAtSla(seen)).toBe(337.5);
  });

  it('halves a first guess that is too high, rounding offered rps to 0.01', async () => {
    // 1000 misses, 500 misses, 250 passes -> [250, 500]; 375 misses -> [250, 375]; 312.5 passes;
    // 343.75 misses (107.5) -> [312.5, 343.75] (10%); 328.125 rounds to 328.13, passes (76.26)
    // -> [328.13, 343.75] (4.8%): done.
    const seen = await searchCurve({ kind: 'rps', mode: 'search', startLoad: 1000, maxPoints: 12 }, observe(100));
    expect(loads(seen)).toEqual([1000, 500, 250, 375, 312.5, 343.75, 328.13]);
    expect(maxAtSla(seen)).toBe(328.13);
  });
});

describe('load search, explicit lists', () => {
  it('measures the listed loads in order and stops raising after the first that misses the SLA', async () => {
    // p95<=100ms: 4, 8 pass; 16 misses (170); 32 is never measured.
    const seen = await searchCurve({ kind: 'concurrency', mode: 'list', loads: [4, 8, 16, 32] }, observeSynthetic(100));
    expect(loads(seen)).toEqual([4, 8, 16]);
  });

  it('measures every listed load when all meet the SLA, with no bisection and no saturation stop', async () => {
    const seen = await searchCurve({ kind: 'concurrency', mode: 'list', loads: [8, 16, 32] }, observeSynthetic(10_000));
    expect(loads(seen)).toEqual([8, 16, 32]);
  });
});
