import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  hostSampleBetween,
  readHostSnapshot,
  startHostSampler,
  type HostSampler,
  type HostSnapshot,
} from '../../../src/profile/telemetry/hostSampler.js';

const MiB = 1024 * 1024;
const snapshot = (over: Partial<HostSnapshot>): HostSnapshot => ({
  atMs: 0,
  processCpuMicros: 0,
  hostIdleMs: 0,
  hostTotalMs: 0,
  rssBytes: 0,
  ...over,
});

describe('hostSampleBetween', () => {
  it('turns counter deltas into percentages of the whole host', () => {
    // 500 ms wall, 1000 ms process CPU on 4 cores: 1000 / 500 / 4 = 50 %.
    // Host: 4000 ms of CPU time passed over all cores, 1000 of it idle: 75 % busy.
    const prev = snapshot({ atMs: 1000, processCpuMicros: 2_000_000, hostIdleMs: 10_000, hostTotalMs: 40_000, rssBytes: 100 * MiB });
    const next = snapshot({ atMs: 1500, processCpuMicros: 3_000_000, hostIdleMs: 11_000, hostTotalMs: 44_000, rssBytes: 256 * MiB });
    expect(hostSampleBetween(prev, next, 4)).toEqual({ atMs: 1500, cpuUtilPct: 50, hostCpuUtilPct: 75, rssMiB: 256 });
  });

  it('divides by the cores given', () => {
    // 250 ms wall, 125 ms CPU, 2 cores: 125 / 250 / 2 = 25 %.
    const sample = hostSampleBetween(snapshot({ atMs: 0 }), snapshot({ atMs: 250, processCpuMicros: 125_000 }), 2);
    expect(sample?.cpuUtilPct).toBe(25);
  });

  it('leaves host CPU absent when the host counters did not move, and clamps overshoot to 100 %', () => {
    const sample = hostSampleBetween(snapshot({ atMs: 0 }), snapshot({ atMs: 10, processCpuMicros: 30_000 }), 2);
    expect(sample).toEqual({ atMs: 10, cpuUtilPct: 100, rssMiB: 0 });
  });

  it('gives no sample when no time passed', () => {
    expect(hostSampleBetween(snapshot({ atMs: 5 }), snapshot({ atMs: 5 }), 4)).toBeUndefined();
  });
});

describe('readHostSnapshot', () => {
  it('reads this process and host counters', () => {
    const first = readHostSnapshot(() => 42);
    expect(first.atMs).toBe(42);
    expect(first.rssBytes).toBeGreaterThan(0);
    expect(first.hostTotalMs).toBeGreaterThanOrEqual(first.hostIdleMs);
    // Burn a little CPU: the process counter must not go backwards and must move.
    let x = 0;
    for (let i = 0; i < 3_000_000; i += 1) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const second = readHostSnapshot();
    expect(second.processCpuMicros).toBeGreaterThan(first.processCpuMicros);
  });
});

describe('startHostSampler', () => {
  let sampler: HostSampler | undefined;
  afterEach(() => sampler?.stop());

  it('samples on an interval with increasing timestamps and plausible figures, and stops', async () => {
    sampler = startHostSampler({ intervalMs: 10 });
    await vi.waitFor(() => expect(sampler?.samples().length).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 10 });
    const samples = sampler.samples();
    for (const [i, sample] of samples.entries()) {
      expect(sample.cpuUtilPct).toBeGreaterThanOrEqual(0);
      expect(sample.cpuUtilPct).toBeLessThanOrEqual(100);
      // Node itself takes more than 10 MiB.
      expect(sample.rssMiB).toBeGreaterThan(10);
      if (i > 0) expect(sample.atMs).toBeGreaterThan(samples[i - 1]!.atMs);
    }
    sampler.stop();
    const count = sampler.samples().length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sampler.samples()).toHaveLength(count);
  });

  it('takes a last sample for the tail on stop when half an interval or more has passed', () => {
    let clock = 0;
    sampler = startHostSampler({ intervalMs: 1_000_000, now: () => clock, cores: 1 });
    clock = 400_000;
    sampler.stop();
    expect(sampler.samples().map((sample) => sample.atMs)).toEqual([]);

    const second = startHostSampler({ intervalMs: 1_000_000, now: () => clock, cores: 1 });
    clock = 900_000;
    second.stop();
    second.stop();
    expect(second.samples().map((sample) => sample.atMs)).toEqual([900_000]);
  });
});
