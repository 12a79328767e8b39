import type { Fleet } from '../schema/fleet.js';
import { METRIC_RECORDING_SCHEMA_VERSION, type MetricRecording, type RecordedSeries } from '../schema/metricRecording.js';
import { seededRandom } from '../util/random.js';
import { metricQueries, type QueryId } from './metricQueries.js';

/**
 * Seeded synthetic fleets: what CloudWatch would answer for a fleet with a business-hours traffic
 * pattern (Monday-Friday 09:00-18:00 UTC), in CloudWatch's own units. Tests work their expected
 * findings out by hand from these figures; the shipped example recording and the bench use them too.
 */
export interface SyntheticFleetSpec {
  fleet: Fleet;
  /** Aligned to the hour. */
  startEpochS: number;
  days: number;
  seed: number;
  peakRps: number;
  offPeakRps: number;
  /**
   * Per-minute noise: a minute carries level x (1 - noise x u), u uniform in [0, 1), except minute
   * 30 of every hour, which carries the level exactly, so each hour's maximum is the level.
   */
  noise: number;
  instances: number;
  latencyMs: { peak: number; offPeak: number };
  /** Per-GPU utilisation, percent; omitted: the fleet publishes no GPU metrics. */
  gpuUtilPct?: { peak: number; offPeak: number };
  gpuMemoryUsedMiB?: number;
  gpuMemoryTotalMiB?: number;
  gpusPerInstance?: number;
  /** asg-alb: whether the group's metrics collection is on (GroupInServiceInstances); default true. */
  groupMetrics?: boolean;
}

export function isBusinessHour(epochS: number): boolean {
  const d = new Date(epochS * 1000);
  const day = d.getUTCDay();
  const hour = d.getUTCHours();
  return day >= 1 && day <= 5 && hour >= 9 && hour < 18;
}

export function syntheticRecording(spec: SyntheticFleetSpec, recordedAt = '2026-11-23T00:00:00.000Z'): MetricRecording {
  const minutes = spec.days * 1440;
  const random = seededRandom(spec.seed);
  const gpus = spec.gpusPerInstance ?? 1;
  const sagemaker = spec.fleet.source.kind === 'sagemaker';
  const values = new Map<QueryId, (number | null)[]>();
  const put = (id: QueryId, i: number, v: number | null): void => {
    let a = values.get(id);
    if (!a) values.set(id, (a = new Array<number | null>(minutes).fill(null)));
    a[i] = v;
  };
  for (let i = 0; i < minutes; i++) {
    const t = spec.startEpochS + i * 60;
    const busy = isBusinessHour(t);
    const exact = Math.floor(t / 60) % 60 === 30;
    const level = busy ? spec.peakRps : spec.offPeakRps;
    const rps = exact ? level : level * (1 - spec.noise * random());
    const requests = Math.round(rps * 60);
    const latencyMs = busy ? spec.latencyMs.peak : spec.latencyMs.offPeak;
    // No requests, no datapoint: the ALB and SageMaker publish only while requests flow.
    if (requests > 0) {
      put('requests', i, requests);
      put('latency', i, sagemaker ? Math.round(latencyMs * 1000) : round4(latencyMs / 1000));
      if (sagemaker) put('perInstance', i, round4(requests / spec.instances));
    }
    if (!sagemaker) {
      put('healthyHosts', i, spec.instances);
      if (spec.groupMetrics ?? true) put('inService', i, spec.instances);
    }
    if (spec.gpuUtilPct) {
      const util = busy ? spec.gpuUtilPct.peak : spec.gpuUtilPct.offPeak;
      const used = spec.gpuMemoryUsedMiB ?? 0;
      const total = spec.gpuMemoryTotalMiB ?? 15360;
      if (sagemaker) {
        put('gpuUtil', i, round4(util * gpus));
        put('gpuMemUtil', i, round4((used / total) * 100 * gpus));
      } else {
        put('gpuUtil', i, util);
        put('gpuMemUsed', i, used);
        put('gpuMemTotal', i, total);
      }
    }
  }
  const series: RecordedSeries[] = metricQueries(spec.fleet).map((q) => ({
    id: q.id,
    namespace: q.namespace,
    metricName: q.metricName,
    dimensions: q.dimensions,
    stat: q.stat,
    values: values.get(q.id) ?? new Array<number | null>(minutes).fill(null),
  }));
  return {
    schemaVersion: METRIC_RECORDING_SCHEMA_VERSION,
    kind: 'metric-recording',
    fleet: spec.fleet.name,
    region: spec.fleet.region,
    recordedAt,
    startEpochS: spec.startEpochS,
    periodS: 60,
    minutes,
    origin: `synthetic (seed ${spec.seed}, src/rightsize/syntheticFleet.ts)`,
    series,
  };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
