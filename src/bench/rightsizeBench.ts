import { performance } from 'node:perf_hooks';
import { snapshotCatalog } from '../pricing/catalog.js';
import { PriceBook } from '../pricing/priceBook.js';
import { analyseFleet } from '../rightsize/analyse.js';
import type { FleetCapacity } from '../rightsize/capacity.js';
import type { FleetSeries } from '../rightsize/series.js';
import { isBusinessHour } from '../rightsize/syntheticFleet.js';
import { Fleet } from '../schema/fleet.js';
import { seededRandom } from '../util/random.js';

const FLEETS = 100;
const MINUTES = 14 * 1440;
const START_EPOCH_S = Date.UTC(2026, 10, 2) / 1000;

const CAPACITY: FleetCapacity = {
  document: 'bench',
  id: 'bench',
  from: 'sweep-result',
  instanceType: 'g4dn.xlarge',
  sla: { percentile: 'p95', maxLatencyMs: 100 },
  throughputRps: 183,
  latencyMs: 98,
  meetsSla: true,
  gpuUtilPct: 81,
  topStages: [],
  notes: [],
};

/** Fleet k: a business-hours pattern with noise, its own size, load, latency and GPU figures. */
function syntheticSeries(k: number): FleetSeries {
  const random = seededRandom(1000 + k);
  const peak = 40 + 7 * k;
  const instances = 2 + (k % 6);
  const series: FleetSeries = {
    startEpochS: START_EPOCH_S,
    minutes: MINUTES,
    demandRps: new Float64Array(MINUTES),
    hasDemand: true,
    latencyMs: new Float64Array(MINUTES),
    instances: new Float64Array(MINUTES).fill(instances),
    instancesFrom: 'bench',
    gpuUtilPct: new Float64Array(MINUTES),
    gpuMemoryPct: new Float64Array(MINUTES),
    missing: [],
    notes: [],
  };
  for (let i = 0; i < MINUTES; i++) {
    const busy = isBusinessHour(START_EPOCH_S + i * 60);
    const level = busy ? peak : peak / 3;
    const rps = level * (1 - 0.2 * random());
    series.demandRps[i] = rps;
    const load = rps / (instances * CAPACITY.throughputRps);
    series.latencyMs[i] = 40 + 120 * load * load + 10 * random();
    series.gpuUtilPct[i] = Math.min(100, 81 * load * (k % 7 === 0 ? 0.3 : 1));
    series.gpuMemoryPct[i] = 35 + (k % 4) * 10;
  }
  return series;
}

/**
 * rightsizeAnalysisMs: 100 fleets x 14 days of 1-minute series (20,160 minutes each) through the
 * pure analysis: hourly peaks, instances needed, every finding, the hour-of-week grid and the
 * schema check of each findings document. Median of 3 runs after a warm-up run. Target: < 1000 ms.
 */
export async function benchRightsizeAnalysis(): Promise<{ rightsizeAnalysisMs: number; findings: number }> {
  const prices = new PriceBook(snapshotCatalog());
  const fleets = Array.from({ length: FLEETS }, (_, k) =>
    Fleet.parse({
      name: `bench-${k}`,
      region: 'us-east-1',
      instanceType: 'g4dn.xlarge',
      sla: 'p95<=100ms',
      capacity: 'bench.json',
      source: { kind: 'asg-alb', autoScalingGroupName: `asg-${k}`, loadBalancer: `app/alb-${k}/1`, targetGroup: `targetgroup/tg-${k}/1` },
    }),
  );
  const series = fleets.map((_, k) => syntheticSeries(k));
  const all = (): number => {
    let findings = 0;
    for (let k = 0; k < FLEETS; k++) {
      findings += analyseFleet(series[k]!, CAPACITY, fleets[k]!, prices, { createdAt: '2026-11-16T00:00:00.000Z', peakStat: k % 2 === 0 ? 'max' : 'p99', metricsSource: 'bench' }).findings.length;
    }
    return findings;
  };
  const findings = all();
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    all();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  return { rightsizeAnalysisMs: Math.round(runs[1]! * 100) / 100, findings };
}
