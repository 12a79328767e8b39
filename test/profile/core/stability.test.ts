import { describe, expect, it } from 'vitest';
import {
  assessStability,
  nextWindowMs,
  windowsDecision,
  type StabilityLoad,
  type StabilityWindow,
} from '../../../src/profile/core/stability.js';

const closed: StabilityLoad = { kind: 'closed' };
const open100: StabilityLoad = { kind: 'open', offeredRps: 100 };
const rule = (load: StabilityLoad) => ({ stabilityPct: 10, stableWindows: 3, load });

/** A 2 s window: completed follows from throughput unless given. */
const w = (throughputRps: number, latencyMs: number, extra: Partial<StabilityWindow> = {}): StabilityWindow => ({
  throughputRps,
  latencyMs,
  durationMs: 2000,
  completed: Math.round(throughputRps * 2),
  dropped: 0,
  ...extra,
});

// The table: window series -> stable or not, per load model.
const cases: { name: string; load: StabilityLoad; windows: StabilityWindow[]; stable: boolean; note?: RegExp }[] = [
  // Closed loop: perf_analyzer's agreement rule on throughput and latency.
  { name: 'closed: 100, 105, 95 req/s and 20, 21, 19 ms agree within 10%', load: closed, windows: [w(10, 90), w(100, 20), w(105, 21), w(95, 19)], stable: true, note: /throughput ±5\.0%, latency ±5\.0%/ },
  { name: 'closed: exactly 10% is within (90, 100, 110)', load: closed, windows: [w(90, 20), w(100, 20), w(110, 20)], stable: true },
  { name: 'closed: 80, 100, 120 req/s varies 20%', load: closed, windows: [w(80, 20), w(100, 20), w(120, 20)], stable: false, note: /^throughput varied 20\.0% from the mean of the last 3 windows \(limit 10%\)$/ },
  { name: 'closed: latency 10, 10, 16 ms varies 33.3%', load: closed, windows: [w(100, 10), w(100, 10), w(100, 16)], stable: false, note: /^latency varied 33\.3%/ },
  { name: 'closed: agreeing windows, but a 2 s latency in a 2 s window', load: closed, windows: [w(100, 2000), w(100, 2000), w(100, 2000)], stable: false, note: /a 2\.0 s window is under 10 x its 2000 ms latency/ },
  { name: 'closed: agreeing windows of 20 requests each are too few', load: closed, windows: [w(10, 5), w(10, 5), w(10, 5)], stable: false, note: /held 20 completed requests \(at least 50 needed\)/ },
  { name: 'closed: fewer windows than needed', load: closed, windows: [w(100, 20), w(100, 20)], stable: false, note: /^only 2 of the 3 windows/ },
  // Open loop: keeping up with the offered rate; window-to-window throughput is not judged.
  { name: 'open: Poisson counts 186, 214, 196 over 2 s at 100 req/s keep up (throughput varies ±7%)', load: open100, windows: [w(93, 30), w(107, 34), w(98, 31)], stable: true, note: /achieved 99\.3 of 100 req\/s offered/ },
  { name: 'open: ±12% Poisson swings still keep up', load: open100, windows: [w(88, 30), w(112, 45), w(100, 33)], stable: true },
  { name: 'open: achieved 80 of 100 req/s is falling behind', load: open100, windows: [w(80, 60), w(80, 60), w(80, 60)], stable: false, note: /achieved 80\.0 of 100 req\/s offered \(-20\.0%, limit ±12\.2%\)/ },
  { name: 'open: a latency climbing window after window is a growing queue', load: open100, windows: [w(100, 40), w(100, 60), w(100, 90)], stable: false, note: /latency climbed 125\.0% window after window/ },
  { name: 'open: latency that moves up and down is noise, not a queue', load: open100, windows: [w(100, 40), w(100, 90), w(100, 50)], stable: true },
  { name: 'open: dropped arrivals are not keeping up', load: open100, windows: [w(100, 30), w(100, 30, { dropped: 3 }), w(100, 30)], stable: false, note: /3 arrivals dropped/ },
  { name: 'open: 10 req/s in 2 s windows holds 20 requests a window: too few', load: { kind: 'open', offeredRps: 10 }, windows: [w(10, 5), w(10, 5), w(10, 5)], stable: false, note: /at least 50 needed/ },
];

describe('assessStability: window series -> stable or not, per load model', () => {
  for (const c of cases) {
    it(c.name, () => {
      const verdict = assessStability(c.windows, rule(c.load));
      expect(verdict.stable).toBe(c.stable);
      if (c.note) expect(verdict.note).toMatch(c.note);
    });
  }

  it('the Poisson case: the closed-loop rule would call ±12% swings unstable, the open-loop rule does not', () => {
    const windows = [w(88, 30), w(112, 45), w(100, 33)];
    expect(assessStability(windows, rule(closed)).stable).toBe(false);
    expect(assessStability(windows, rule(open100)).stable).toBe(true);
  });
});

describe('nextWindowMs', () => {
  it('keeps the configured length when it already holds 50 requests and 10 x the latency', () => {
    expect(nextWindowMs(2000, w(100, 20), closed)).toBe(2000);
    expect(nextWindowMs(2000, undefined, closed)).toBe(2000);
  });
  it('stretches to 10 x a 2 s latency: 20 s', () => {
    expect(nextWindowMs(2000, w(100, 2000), closed)).toBe(20_000);
  });
  it('stretches to hold 50 requests at 10 req/s: 5 s (the offered rate when the last window did better)', () => {
    expect(nextWindowMs(2000, w(10, 5), closed)).toBeCloseTo(5000, 6);
    expect(nextWindowMs(2000, w(40, 5), { kind: 'open', offeredRps: 10 })).toBeCloseTo(5000, 6);
  });
});

describe('windowsDecision', () => {
  const base = { ...rule(closed), maxWindows: 5, durationMs: 30_000, windowMs: 2_000 };
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
    expect(windowsDecision({ ...base, windows: unstable, elapsedMs: 28_000 })).toBe('continue');
    expect(windowsDecision({ ...base, windows: unstable, elapsedMs: 28_001 })).toBe('bound-reached');
  });
});
