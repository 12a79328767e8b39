import { describe, expect, it } from 'vitest';
import { assessStability, windowsDecision, type StabilityWindow } from '../../../src/profile/core/stability.js';

const rule = { stabilityPct: 10, stableWindows: 3 };
const w = (throughputRps: number, p95Ms: number): StabilityWindow => ({ throughputRps, p95Ms });

describe('assessStability', () => {
  it('is stable when the last 3 throughputs and p95s are each within 10% of their mean', () => {
    // Only the last 3 count (the first, a warm-up outlier, is ignored).
    // Throughput 100, 105, 95: mean 100, farthest 5 → 5.0%. p95 20, 21, 19: mean 20, farthest 1 → 5.0%.
    expect(assessStability([w(10, 90), w(100, 20), w(105, 21), w(95, 19)], rule)).toEqual({
      stable: true,
      note: 'last 3 windows within 10% (throughput ±5.0%, p95 latency ±5.0%)',
    });
  });

  it('counts exactly 10% as within: 90, 100, 110 → mean 100, ±10%', () => {
    expect(assessStability([w(90, 20), w(100, 20), w(110, 20)], rule).stable).toBe(true);
  });

  it('says throughput varied, and by how much: 80, 100, 120 → ±20%', () => {
    expect(assessStability([w(80, 20), w(100, 20), w(120, 20)], rule)).toEqual({
      stable: false,
      note: 'throughput varied 20.0% from the mean of the last 3 windows (limit 10%)',
    });
  });

  it('says p95 varied: 10, 10, 16 ms → mean 12, farthest 4 → 33.3%', () => {
    expect(assessStability([w(100, 10), w(100, 10), w(100, 16)], rule)).toEqual({
      stable: false,
      note: 'p95 latency varied 33.3% from the mean of the last 3 windows (limit 10%)',
    });
  });

  it('names both when both varied', () => {
    expect(assessStability([w(80, 10), w(100, 10), w(120, 16)], rule).note).toBe(
      'throughput varied 20.0% and p95 latency varied 33.3% from the mean of the last 3 windows (limit 10%)',
    );
  });

  it('is not stable with fewer windows than needed, and says so', () => {
    expect(assessStability([w(100, 20), w(100, 20)], rule)).toEqual({
      stable: false,
      note: 'only 2 of the 3 windows needed to judge stability',
    });
  });

  it('treats all-zero throughput as agreeing (no division by zero)', () => {
    expect(assessStability([w(0, 0), w(0, 0), w(0, 0)], rule).stable).toBe(true);
  });
});

describe('windowsDecision', () => {
  const base = { ...rule, maxWindows: 5, durationMs: 30_000, windowMs: 2_000 };
  const unstable = [w(80, 20), w(100, 20), w(120, 20)];

  it('stops as soon as the last windows agree', () => {
    expect(windowsDecision({ ...base, windows: [w(100, 20), w(100, 20), w(100, 20)], elapsedMs: 8_000 })).toBe('stable');
  });

  it('continues while unstable and within both bounds', () => {
    expect(windowsDecision({ ...base, windows: unstable, elapsedMs: 8_000 })).toBe('continue');
  });

  it('reaches the bound at maxWindows windows', () => {
    expect(windowsDecision({ ...base, windows: [w(50, 20), w(60, 20), ...unstable], elapsedMs: 12_000 })).toBe('bound-reached');
  });

  it('reaches the bound when one more window would end past durationMs', () => {
    // 28000 + 2000 = 30000 ends exactly at the bound: allowed. 28001 + 2000 would overrun it.
    expect(windowsDecision({ ...base, windows: unstable, elapsedMs: 28_000 })).toBe('continue');
    expect(windowsDecision({ ...base, windows: unstable, elapsedMs: 28_001 })).toBe('bound-reached');
  });

  it('prefers stable over bound-reached when the last allowed window made it stable', () => {
    const stable = [w(50, 20), w(60, 20), w(100, 20), w(100, 20), w(100, 20)];
    expect(windowsDecision({ ...base, windows: stable, elapsedMs: 30_000 })).toBe('stable');
  });
});
