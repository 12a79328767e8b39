import { resolve } from 'node:path';
import { readPlanDocument } from '../../src/plan/readPlanDocument.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { analyseFleet } from '../../src/rightsize/analyse.js';
import { capacityFromDocument } from '../../src/rightsize/capacity.js';
import { seriesFromRecording } from '../../src/rightsize/series.js';
import { syntheticRecording, type SyntheticFleetSpec } from '../../src/rightsize/syntheticFleet.js';
import { Fleet, type FleetInput } from '../../src/schema/fleet.js';
import type { Findings, PeakStat } from '../../src/schema/findings.js';

/**
 * The seeded synthetic fleets with hand-worked findings (test/rightsize/analyse.test.ts). Every
 * one starts Monday 2026-11-02 00:00 UTC and runs 7 days: 45 business hours (Mon-Fri 09-18 UTC)
 * and 123 other hours. g4dn.xlarge costs $0.526/h in us-east-1 in the embedded snapshot, so one
 * instance for a 730-hour month is $383.98.
 */
export const START_EPOCH_S = Date.UTC(2026, 10, 2) / 1000;
export const TORCHSERVE = 'profiles/imported/article-torchserve-g4dn.json';
export const TRITON = 'profiles/imported/article-triton-g4dn.json';

export const ALB_SOURCE = {
  kind: 'asg-alb',
  autoScalingGroupName: 'defect-asg',
  loadBalancer: 'app/defect-alb/50dc6c495c0c9188',
  targetGroup: 'targetgroup/defect-tg/73e2d6bc24d8a067',
} as const;

export function fleet(input: Partial<FleetInput> & { capacity: string; sla: string }): Fleet {
  return Fleet.parse({ name: 'defect-classifier', region: 'us-east-1', instanceType: 'g4dn.xlarge', source: ALB_SOURCE, ...input });
}

export type Scenario = Omit<SyntheticFleetSpec, 'startEpochS' | 'days' | 'seed' | 'noise'> & { noise?: number };

export async function analyseScenario(scenario: Scenario, peakStat: PeakStat = 'max'): Promise<Findings> {
  const recording = syntheticRecording({ startEpochS: START_EPOCH_S, days: 7, seed: 7, noise: 0, ...scenario });
  const f = scenario.fleet;
  const doc = await readPlanDocument(f.capacity, resolve('.'));
  const capacity = capacityFromDocument(doc, f.sla, f.instanceType, f.configuration);
  const series = seriesFromRecording(f, recording, scenario.gpusPerInstance ?? 1);
  return analyseFleet(series, capacity, f, new PriceBook(snapshotCatalog()), { createdAt: '2026-11-09T00:00:00.000Z', peakStat, metricsSource: 'synthetic' });
}

/** The article's fleet: 2 x g4dn.xlarge on TorchServe (47 req/s at p95 340 ms), 60 req/s at the peak. */
export const ARTICLE: Scenario = {
  fleet: fleet({ capacity: TORCHSERVE, sla: 'p95<=400ms' }),
  peakRps: 60,
  offPeakRps: 20,
  instances: 2,
  latencyMs: { peak: 300, offPeak: 200 },
  gpuUtilPct: { peak: 15, offPeak: 5 },
  gpuMemoryUsedMiB: 2400,
  gpuMemoryTotalMiB: 15360,
};

/** Four g4dn.xlarge on Triton (183 req/s at p95 98 ms) for a 95 req/s peak: the verdict. */
export const OVER: Scenario = {
  fleet: fleet({ capacity: TRITON, sla: 'p95<=100ms' }),
  peakRps: 95,
  offPeakRps: 30,
  instances: 4,
  latencyMs: { peak: 60, offPeak: 45 },
  gpuUtilPct: { peak: 12, offPeak: 4 },
  gpuMemoryUsedMiB: 9000,
  gpuMemoryTotalMiB: 15360,
};

/** Three instances, p95 250 ms at a third of capacity with the GPU near idle: the I/O stall. */
export const IO_BOUND: Scenario = {
  fleet: fleet({ capacity: TRITON, sla: 'p95<=100ms' }),
  peakRps: 300,
  offPeakRps: 100,
  instances: 3,
  latencyMs: { peak: 250, offPeak: 80 },
  gpuUtilPct: { peak: 15, offPeak: 12 },
  gpuMemoryUsedMiB: 9216,
  gpuMemoryTotalMiB: 15360,
};

/** No CloudWatch agent on the hosts, and the group's metrics collection off. */
export const NO_GPU_METRICS: Scenario = {
  fleet: fleet({ capacity: TRITON, sla: 'p95<=100ms' }),
  peakRps: 120,
  offPeakRps: 40,
  instances: 2,
  latencyMs: { peak: 70, offPeak: 50 },
  groupMetrics: false,
};
