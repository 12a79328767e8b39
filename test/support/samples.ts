import type { ProfileResultInput } from '../../src/schema/profileResult.js';
import type { CandidateInput } from '../../src/plan/candidates.js';

/** A minimal measured profile document; override what a test is about. */
export function profileDoc(overrides: Partial<ProfileResultInput> & { name: string }): ProfileResultInput {
  const latency = { count: 1000, meanMs: 40, minMs: 10, p50Ms: 40, p90Ms: 70, p95Ms: 80, p99Ms: 120, maxMs: 200 };
  return {
    schemaVersion: 2,
    kind: 'profile-result',
    createdAt: '2026-11-01T00:00:00.000Z',
    provenance: { kind: 'measured', tool: 'capacity-plan 0.1.0' },
    environment: {
      hostname: 'host',
      platform: 'linux',
      arch: 'x64',
      cpuModel: 'cpu',
      cpuCores: 4,
      memoryGiB: 16,
      nodeVersion: 'v20',
      gpus: [],
      instanceType: 'g5.xlarge',
      recordedAt: '2026-11-01T00:00:00.000Z',
    },
    measurement: { stable: true, stabilityNote: 'last 3 windows within 10%', warmupS: 2, measuredS: 6, windows: [] },
    throughputRps: 100,
    latency: { endToEnd: latency, endToEndHistogram: null, distribution: null },
    stages: [],
    batches: { meanBatchSize: 1, sizeCounts: { '1': 1000 } },
    requests: { completed: 1000, failed: 0, dropped: 0, failures: [] },
    utilization: {},
    coldStart: { modelLoadMs: 5000 },
    costExtras: [],
    ...overrides,
  };
}

/** A planner candidate from a throughput/latency curve: [throughputRps, p95Ms] pairs. */
export function curveCandidate(id: string, instanceType: string, curve: [number, number][], extras: CandidateInput['extras'] = []): CandidateInput {
  return {
    id,
    profile: id,
    document: `${id}.json`,
    configuration: null,
    instanceType,
    instanceTypeField: `${id}.json environment.instanceType`,
    from: 'sweep-curve',
    points: curve.map(([throughputRps, p95]) => ({ throughputRps, latencyMs: { p50: p95 / 2, p95, p99: p95 * 1.5 }, failed: 0 })),
    extras,
    coldStartMs: 8000,
    importedFrom: null,
    notes: [],
  };
}
