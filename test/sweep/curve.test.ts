import { describe, expect, it } from 'vitest';
import { ProfileResult, type ProfileResultInput } from '../../src/schema/profileResult.js';
import { parseSla } from '../../src/schema/sla.js';
import type { CurvePoint } from '../../src/schema/sweepResult.js';
import { bestPoint, curvePointFromProfile, maxThroughputAtSlaRps, meetsSla } from '../../src/sweep/curve.js';
import { FAKE_ENVIRONMENT } from './syntheticServer.js';

function result(over: { p95Ms?: number; completed?: number; failed?: number; dropped?: number; gpuUtilPct?: number } = {}): ProfileResult {
  const latency = { count: 1000, meanMs: 40, minMs: 10, p50Ms: 40, p90Ms: 70, p95Ms: over.p95Ms ?? 80, p99Ms: 120, maxMs: 200 };
  const input: ProfileResultInput = {
    schemaVersion: 2,
    kind: 'profile-result',
    name: 'p',
    createdAt: '2026-01-01T00:00:00.000Z',
    provenance: { kind: 'measured', tool: 'capacity-plan profile' },
    environment: FAKE_ENVIRONMENT,
    measurement: { stable: false, stabilityNote: 'n', warmupS: 1, measuredS: 3, windows: [] },
    throughputRps: 250,
    latency: { endToEnd: latency, endToEndHistogram: null, distribution: null },
    stages: [],
    batches: { meanBatchSize: 1, sizeCounts: {} },
    requests: { completed: over.completed ?? 1000, failed: over.failed ?? 0, dropped: over.dropped ?? 0, failures: [] },
    utilization: { cpuPct: 55, ...(over.gpuUtilPct !== undefined ? { gpu: { utilPct: over.gpuUtilPct } } : {}) },
    coldStart: {},
  };
  return ProfileResult.parse(input);
}

const sla = parseSla('p95<=80ms');

describe('meeting the SLA', () => {
  it('compares the SLA percentile of end-to-end latency with the bound (inclusive)', () => {
    expect(meetsSla(result({ p95Ms: 80 }), sla)).toBe(true);
    expect(meetsSla(result({ p95Ms: 80.01 }), sla)).toBe(false);
    // p90 is 70 in the fixture: a p90 SLA reads p90, not p95.
    expect(meetsSla(result({ p95Ms: 500 }), parseSla('p90<=70ms'))).toBe(true);
  });

  it('fails a point with more than 1% failed requests, any dropped request, or nothing completed', () => {
    // 10 of 1010 = 0.99% failed: still meets; 11 of 1011 = 1.09%: does not.
    expect(meetsSla(result({ completed: 1000, failed: 10 }), sla)).toBe(true);
    expect(meetsSla(result({ completed: 1000, failed: 11 }), sla)).toBe(false);
    expect(meetsSla(result({ dropped: 1 }), sla)).toBe(false);
    expect(meetsSla(result({ completed: 0 }), sla)).toBe(false);
  });
});

describe('curve points', () => {
  it('carry the offered load, throughput, percentiles, utilisation, failures, stability and the verdict', () => {
    expect(curvePointFromProfile(result({ failed: 3, gpuUtilPct: 91 }), { kind: 'concurrency', value: 4 }, sla)).toEqual({
      offered: { kind: 'concurrency', value: 4 },
      throughputRps: 250,
      p50Ms: 40,
      p95Ms: 80,
      p99Ms: 120,
      gpuUtilPct: 91,
      cpuUtilPct: 55,
      failed: 3,
      dropped: 0,
      stable: false,
      meetsSla: true,
    });
    expect(curvePointFromProfile(result(), { kind: 'rps', value: 10 }, sla)).not.toHaveProperty('gpuUtilPct');
  });

  it('max throughput at the SLA is the highest throughput among passing points, null when none passes', () => {
    const point = (value: number, throughputRps: number, meets: boolean): CurvePoint => ({
      offered: { kind: 'concurrency', value },
      throughputRps,
      p50Ms: 1,
      p95Ms: 1,
      p99Ms: 1,
      failed: 0,
      dropped: 0,
      stable: true,
      meetsSla: meets,
    });
    const points = [point(1, 100, true), point(2, 180, true), point(4, 175, true), point(8, 300, false)];
    expect(maxThroughputAtSlaRps(points)).toBe(180);
    expect(bestPoint(points)?.offered.value).toBe(2);
    expect(maxThroughputAtSlaRps([point(8, 300, false)])).toBeNull();
    expect(bestPoint([point(8, 300, false)])).toBeUndefined();
  });
});
