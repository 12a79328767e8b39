import type { Fleet } from '../schema/fleet.js';
import type { MetricRecording } from '../schema/metricRecording.js';
import { metricQueries, PERIOD_S, type QueryId } from './metricQueries.js';

/**
 * Per-minute series in our units, aligned on one clock: what the pure analysis reads. NaN marks
 * a minute without a datapoint, except in demandRps, where no datapoint means no requests.
 */
export interface FleetSeries {
  startEpochS: number;
  minutes: number;
  demandRps: Float64Array;
  /** Whether the demand metric had any datapoint at all (else demand is unknown, not zero). */
  hasDemand: boolean;
  /** The SLA's percentile of latency, milliseconds. */
  latencyMs: Float64Array;
  instances: Float64Array;
  /** Which metric `instances` came from, in words. */
  instancesFrom: string;
  /** Per-GPU utilisation, percent. */
  gpuUtilPct: Float64Array;
  /** GPU memory in use, percent of the GPU's memory. */
  gpuMemoryPct: Float64Array;
  /** Metrics with no datapoint in the window, each with the fix. */
  missing: { metric: string; fix: string }[];
  notes: string[];
}

/**
 * Converts a recording (CloudWatch's units) into FleetSeries (ours):
 *   asg-alb:   RequestCount/60 = req/s; TargetResponseTime is in SECONDS (x 1000); instances are
 *              GroupInServiceInstances, else HealthyHostCount; GPU memory = used / total.
 *   sagemaker: Invocations/60 = req/s; ModelLatency is in MICROSECONDS (/ 1000); instances =
 *              Invocations / InvocationsPerInstance (each request adds 1/N to the latter);
 *              GPUUtilization and GPUMemoryUtilization run 0-100 x GPUs, so / gpusPerInstance.
 */
export function seriesFromRecording(fleet: Fleet, recording: MetricRecording, gpusPerInstance: number): FleetSeries {
  const n = recording.minutes;
  const queries = metricQueries(fleet);
  const byId = new Map<string, (number | null)[]>();
  for (const s of recording.series) byId.set(s.id, s.values);
  const has = (id: QueryId): boolean => (byId.get(id) ?? []).some((v) => v !== null);
  const dense = (id: QueryId, scale: number): Float64Array => {
    const out = new Float64Array(n).fill(Number.NaN);
    const values = byId.get(id);
    if (!values) return out;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) out[i] = v * scale;
    }
    return out;
  };
  const missing: FleetSeries['missing'] = [];
  const notes: string[] = [];
  const markMissing = (id: QueryId): void => {
    const q = queries.find((x) => x.id === id);
    if (q) missing.push({ metric: `${q.namespace} ${q.metricName}`, fix: q.fix });
  };

  const hasDemand = has('requests');
  const demandRps = dense('requests', 1 / PERIOD_S);
  for (let i = 0; i < n; i++) if (Number.isNaN(demandRps[i]!)) demandRps[i] = 0;
  if (!hasDemand) markMissing('requests');

  const sagemaker = fleet.source.kind === 'sagemaker';
  const latencyMs = dense('latency', sagemaker ? 1 / 1000 : 1000);
  if (!has('latency')) markMissing('latency');

  let instances: Float64Array;
  let instancesFrom: string;
  if (sagemaker) {
    instancesFrom = 'Invocations / InvocationsPerInstance';
    const invocations = dense('requests', 1);
    const perInstance = dense('perInstance', 1);
    instances = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const inv = invocations[i]!;
      const per = perInstance[i]!;
      // Without requests the ratio says nothing: the hour takes its neighbours' count (see analyse.ts).
      instances[i] = inv > 0 && per > 0 ? inv / per : Number.NaN;
    }
    if (!has('perInstance')) markMissing('perInstance');
  } else if (has('inService')) {
    instancesFrom = 'AWS/AutoScaling GroupInServiceInstances';
    instances = dense('inService', 1);
  } else {
    markMissing('inService');
    instancesFrom = 'AWS/ApplicationELB HealthyHostCount (Minimum)';
    instances = dense('healthyHosts', 1);
    if (has('healthyHosts')) notes.push('GroupInServiceInstances has no data (group metrics collection is off): instances are the ALB\'s healthy hosts instead');
    else markMissing('healthyHosts');
  }

  let gpuUtilPct: Float64Array;
  let gpuMemoryPct: Float64Array;
  if (sagemaker) {
    gpuUtilPct = dense('gpuUtil', 1 / gpusPerInstance);
    gpuMemoryPct = dense('gpuMemUtil', 1 / gpusPerInstance);
    if (!has('gpuUtil')) markMissing('gpuUtil');
    if (!has('gpuMemUtil')) markMissing('gpuMemUtil');
  } else {
    gpuUtilPct = dense('gpuUtil', 1);
    const used = dense('gpuMemUsed', 1);
    const total = dense('gpuMemTotal', 1);
    gpuMemoryPct = new Float64Array(n);
    for (let i = 0; i < n; i++) gpuMemoryPct[i] = total[i]! > 0 ? (used[i]! / total[i]!) * 100 : Number.NaN;
    if (!has('gpuUtil')) markMissing('gpuUtil');
    if (!has('gpuMemUsed')) markMissing('gpuMemUsed');
    else if (!has('gpuMemTotal')) markMissing('gpuMemTotal');
  }
  return { startEpochS: recording.startEpochS, minutes: n, demandRps, hasDemand, latencyMs, instances, instancesFrom, gpuUtilPct, gpuMemoryPct, missing, notes };
}
