import { describe, expect, it } from 'vitest';
import { WindowRecorder } from '../../../src/profile/recorder.js';
import { assembleProfileResult, sizeCountsRecord, type ProfileResultParts } from '../../../src/profile/run/assembleProfileResult.js';
import { ProfileResult, type MeasurementWindow } from '../../../src/schema/profileResult.js';
import { ProfileSpec } from '../../../src/schema/profileSpec.js';

/** The document from measured windows: pure, so every figure is checked against hand arithmetic. */

function window(index: number, completed: number, latencyMs: number, batchSizes: number[]): { recorder: WindowRecorder; summary: MeasurementWindow } {
  const recorder = new WindowRecorder(index * 1000);
  for (let i = 0; i < completed; i++) {
    recorder.record({ ok: true, stageMs: { infer: latencyMs / 2 }, endToEndMs: latencyMs, completedAtMs: 0 });
  }
  for (const size of batchSizes) recorder.recordBatch(size);
  const summary = {
    index,
    startMs: index * 1000,
    durationMs: 1000,
    completed,
    failed: 0,
    dropped: 0,
    throughputRps: completed,
    latency: { count: completed, meanMs: latencyMs, minMs: latencyMs, p50Ms: latencyMs, p90Ms: latencyMs, p95Ms: latencyMs, p99Ms: latencyMs, maxMs: latencyMs },
  };
  return { recorder, summary };
}

function parts(stable: boolean): ProfileResultParts {
  const spec = ProfileSpec.parse({
    name: 'assembled',
    model: { source: 'tiny' },
    measurement: { stableWindows: 2 },
    pipeline: { requestLog: { mode: 'file', usdPerMonth: 12 } },
  });
  const ws = [window(0, 50, 40, [1, 1]), window(1, 100, 20, [8, 4, 8]), window(2, 100, 20, [8, 8])];
  return {
    spec,
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    environment: { hostname: 'h', platform: 'linux', arch: 'x64', cpuModel: 'c', cpuCores: 1, memoryGiB: 1, nodeVersion: 'v20', gpus: [], recordedAt: 'now' },
    windows: ws.map((w) => w.recorder),
    summaries: ws.map((w) => w.summary),
    stability: { stable, note: stable ? 'last 2 windows within 10%' : 'throughput varied' },
    coldStart: { modelLoadMs: 5, firstRequestMs: 30, warmMedianMs: 20 },
    utilization: {},
    warnings: ['w1'],
  };
}

describe('assembleProfileResult', () => {
  it('stable: the figures come from the last stableWindows windows; every window stays listed', () => {
    const result = ProfileResult.parse(assembleProfileResult(parts(true)));
    expect(result.throughputRps).toBe(100);
    expect(result.requests.completed).toBe(200);
    expect(result.latency.endToEnd.count).toBe(200);
    expect(result.measurement).toMatchObject({ stable: true, measuredS: 2, stabilityNote: 'last 2 windows within 10%' });
    expect(result.measurement.windows).toHaveLength(3);
    expect(result.batches).toEqual({ meanBatchSize: 36 / 5, sizeCounts: { '4': 1, '8': 4 } });
    expect(result.stages).toEqual([expect.objectContaining({ name: 'infer', count: 200, sharePct: expect.closeTo(50, 0) })]);
    expect(result.costExtras).toEqual([{ item: 'request logging (file)', usdPerMonth: 12 }]);
    expect(result.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(result.warnings).toEqual(['w1']);
  });

  it('unstable: every window counts', () => {
    const result = assembleProfileResult(parts(false));
    expect(result.requests.completed).toBe(250);
    expect(result.measurement.measuredS).toBe(3);
    expect(result.throughputRps).toBeCloseTo(250 / 3, 9);
    expect(result.batches.sizeCounts).toEqual({ '1': 2, '4': 1, '8': 4 });
  });

  it('sizeCountsRecord: string keys in ascending numeric order', () => {
    expect(Object.keys(sizeCountsRecord(new Map([[16, 1], [2, 3], [8, 2]])))).toEqual(['2', '8', '16']);
  });
});
