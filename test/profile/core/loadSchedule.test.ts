import { describe, expect, it } from 'vitest';
import { planArrivalsMs, type OpenLoadModel } from '../../../src/profile/core/loadSchedule.js';

const plan = (load: OpenLoadModel, durationMs: number): number[] => Array.from(planArrivalsMs(load, durationMs));

describe('planArrivalsMs: constant-rate', () => {
  it.each([
    // 4 rps: every 250 ms; 1000 itself is not < 1000.
    [4, 1000, [0, 250, 500, 750]],
    // 3 rps: i * 1000 / 3, so 2000 / 3 exactly (not 2 * 333.33...).
    [3, 1000, [0, 1000 / 3, 2000 / 3]],
    // 1 rps for 1001 ms: 0 and 1000.
    [1, 1001, [0, 1000]],
    // 0.5 rps: one every 2 s; 3000 ms holds 0 and 2000.
    [0.5, 3000, [0, 2000]],
    [10, 0, []],
  ])('%s rps over %s ms', (rps, durationMs, expected) => {
    expect(plan({ kind: 'constant-rate', rps, maxInFlight: 1 }, durationMs)).toEqual(expected);
  });

  it('sends rps * duration requests over a long run: 250 rps for 60 s = 15000', () => {
    const offsets = planArrivalsMs({ kind: 'constant-rate', rps: 250, maxInFlight: 1 }, 60_000);
    expect(offsets.length).toBe(15_000);
    expect(offsets[14_999]).toBe(59_996); // 14999 * 1000 / 250
  });
});

describe('planArrivalsMs: schedule', () => {
  const steps = [
    { rps: 2, durationS: 1 }, // [0, 1000): 0, 500
    { rps: 0, durationS: 0.5 }, // [1000, 1500): nothing
    { rps: 4, durationS: 0.5 }, // [1500, 2000): 1500, 1750
  ];

  it('is uniform within each step, silent at 0 rps, and repeats the steps past their sum (2000 ms)', () => {
    // Cycle 2 starts at 2000: 2000, 2500, (nothing), 3500, 3750.
    expect(plan({ kind: 'schedule', steps, arrivals: 'uniform', seed: 1, maxInFlight: 1 }, 4000)).toEqual([
      0, 500, 1500, 1750, 2000, 2500, 3500, 3750,
    ]);
  });

  it('cuts a step short at durationMs: 3600 ms drops 3750', () => {
    expect(plan({ kind: 'schedule', steps, arrivals: 'uniform', seed: 1, maxInFlight: 1 }, 3600)).toEqual([
      0, 500, 1500, 1750, 2000, 2500, 3500,
    ]);
  });

  it('stops at durationMs inside the first step', () => {
    expect(plan({ kind: 'schedule', steps, arrivals: 'uniform', seed: 1, maxInFlight: 1 }, 600)).toEqual([0, 500]);
  });

  it('poisson arrivals: each step at its own rate, none in a 0 rps step, same seed → same plan', () => {
    const load: OpenLoadModel = {
      kind: 'schedule',
      steps: [
        { rps: 50, durationS: 1 },
        { rps: 0, durationS: 1 },
        { rps: 200, durationS: 1 },
      ],
      arrivals: 'poisson',
      seed: 7,
      maxInFlight: 1,
    };
    const offsets = plan(load, 3000);
    const inStep = (fromMs: number, toMs: number) => offsets.filter((t) => t >= fromMs && t < toMs).length;
    // Expected 50 (σ = √50 ≈ 7.1) and 200 (σ = √200 ≈ 14.1); within 4σ: [22, 78] and [144, 256].
    // Seed 7 gives exactly 44 and 230.
    expect(inStep(0, 1000)).toBe(44);
    expect(inStep(1000, 2000)).toBe(0);
    expect(inStep(2000, 3000)).toBe(230);
    expect(plan(load, 3000)).toEqual(offsets);
  });
});

describe('planArrivalsMs: poisson', () => {
  const load = (seed: number): OpenLoadModel => ({ kind: 'poisson', rps: 100, seed, maxInFlight: 1 });

  it('is deterministic per seed and differs between seeds', () => {
    expect(plan(load(1), 10_000)).toEqual(plan(load(1), 10_000));
    expect(plan(load(2), 10_000)).not.toEqual(plan(load(1), 10_000));
  });

  it('has the mean rate: 100 rps for 100 s → 10000 expected, σ = 100; seed 1 gives exactly 9964', () => {
    const offsets = planArrivalsMs(load(1), 100_000);
    // A Poisson count has variance = mean, so 4σ is [9600, 10400]; the exact count pins the seed.
    expect(offsets.length).toBeGreaterThanOrEqual(9600);
    expect(offsets.length).toBeLessThanOrEqual(10_400);
    expect(offsets.length).toBe(9964);
  });

  it('is ascending, within [0, duration), and does not start at 0 (the first gap is exponential too)', () => {
    const offsets = planArrivalsMs(load(1), 5_000);
    expect(offsets[0]).toBeGreaterThan(0);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThan(offsets[i - 1]!);
    expect(offsets[offsets.length - 1]!).toBeLessThan(5_000);
  });
});
