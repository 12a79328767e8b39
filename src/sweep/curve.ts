import type { LatencySummary, ProfileResult } from '../schema/profileResult.js';
import type { Sla } from '../schema/sla.js';
import type { CurvePoint } from '../schema/sweepResult.js';
import type { LoadKind } from './search.js';
import { measuredSide } from '../schema/measuredSides.js';

import { MAX_FAILED_FRACTION } from '../profile/core/stability.js';

/** Above this share of failed requests a point does not meet the SLA, whatever its latency (defined with the stability rule it also breaks). */
export { MAX_FAILED_FRACTION };

export function latencyAtPercentileMs(latency: LatencySummary, percentile: Sla['percentile']): number {
  return latency[`${percentile}Ms`];
}

/**
 * A point meets the SLA when its end-to-end latency percentile is within the bound, at most 1% of
 * its requests failed, none were dropped (an open load the server could not take), and at least
 * one completed (a point with no completions has no latency to judge).
 */
export function meetsSla(result: ProfileResult, sla: Sla): boolean {
  const { completed, failed, dropped } = result.requests;
  if (completed === 0 || dropped > 0) return false;
  if (failed > (completed + failed) * MAX_FAILED_FRACTION) return false;
  return latencyAtPercentileMs(result.latency.endToEnd, sla.percentile) <= sla.maxLatencyMs;
}

export function curvePointFromProfile(result: ProfileResult, offered: { kind: LoadKind; value: number }, sla: Sla): CurvePoint {
  const e2e = result.latency.endToEnd;
  const point: CurvePoint = {
    offered,
    throughputRps: result.throughputRps,
    p50Ms: e2e.p50Ms,
    p95Ms: e2e.p95Ms,
    p99Ms: e2e.p99Ms,
    failed: result.requests.failed,
    dropped: result.requests.dropped,
    stable: result.measurement.stable,
    meetsSla: meetsSla(result, sla),
  };
  const windows = measuredSide(result).samples;
  if (windows.length > 0) point.windowThroughputsRps = windows;
  if (result.utilization.gpu?.utilPct !== undefined) point.gpuUtilPct = result.utilization.gpu.utilPct;
  if (result.utilization.cpuPct !== undefined) point.cpuUtilPct = result.utilization.cpuPct;
  return point;
}

export function sortByOffered(points: readonly CurvePoint[]): CurvePoint[] {
  return [...points].sort((a, b) => a.offered.value - b.offered.value);
}

/** The highest measured throughput among points meeting the SLA; null when none does. */
export function maxThroughputAtSlaRps(points: readonly CurvePoint[]): number | null {
  const passing = points.filter((p) => p.meetsSla).map((p) => p.throughputRps);
  return passing.length > 0 ? Math.max(...passing) : null;
}

/** The point that gives maxThroughputAtSlaRps (the lowest load, on a tie); undefined when none meets the SLA. */
export function bestPoint(points: readonly CurvePoint[]): CurvePoint | undefined {
  let best: CurvePoint | undefined;
  for (const p of sortByOffered(points)) {
    if (p.meetsSla && (!best || p.throughputRps > best.throughputRps)) best = p;
  }
  return best;
}

/** The samples a verdict compares for a point: its windows' throughputs (its own figure alone when not recorded). */
export function pointSamples(point: CurvePoint): number[] {
  return point.windowThroughputsRps && point.windowThroughputsRps.length > 0 ? point.windowThroughputsRps : [point.throughputRps];
}
