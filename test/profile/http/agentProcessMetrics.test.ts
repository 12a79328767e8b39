import { describe, expect, it } from 'vitest';
import { sampleValue, utilizationOf } from '../../../src/profile/http/agentProcessMetrics.js';

describe("the agent's own CPU and RSS, from its /metrics", () => {
  it('reads prom-client process samples from Prometheus text', () => {
    const text = '# HELP process_cpu_seconds_total x\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 12.5\nprocess_resident_memory_bytes 104857600\n';
    expect(sampleValue(text, 'process_cpu_seconds_total')).toBe(12.5);
    expect(sampleValue(text, 'process_resident_memory_bytes')).toBe(104857600);
    expect(sampleValue(text, 'nope')).toBeUndefined();
  });

  it('CPU over the readings: 2 s of CPU in 4 s of wall time on 2 cores is 25%; RSS mean and max', () => {
    const readings = [
      { atMs: 1000, cpuSeconds: 10, rssBytes: 100 * 1024 * 1024 },
      { atMs: 3000, cpuSeconds: 11, rssBytes: 300 * 1024 * 1024 },
      { atMs: 5000, cpuSeconds: 12, rssBytes: 200 * 1024 * 1024 },
    ];
    expect(utilizationOf(readings, 2)).toEqual({ cpuPct: 25, rssMiB: { mean: 200, max: 300 } });
    expect(utilizationOf(readings.slice(0, 1), 2)).toEqual({ rssMiB: { mean: 100, max: 100 } });
    expect(utilizationOf([], 2)).toEqual({});
  });
});
