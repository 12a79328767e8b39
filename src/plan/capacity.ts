import type { Percentile, Sla } from '../schema/sla.js';

/** One measured operating point: throughput and latency percentiles (a sweep point or a whole profile). */
export interface CapacityPoint {
  throughputRps: number;
  latencyMs: Partial<Record<Percentile, number>>;
  failed: number;
}

export interface CapacityAtSla {
  meetsSla: boolean;
  /** The chosen point: the highest throughput meeting the SLA, else the point that misses it least. */
  throughputRps: number;
  latencyMs: number;
  /** latencyMs - bound when the SLA is missed, else 0. */
  missByMs: number;
  /** Set when the SLA's percentile was not measured and a higher one stood in for it. */
  substitutedPercentile?: Percentile;
}

/** A higher percentile is never below a lower one, so it may stand in (conservatively) for a missing one. */
const HIGHER: Record<Percentile, Percentile[]> = { p50: ['p90', 'p95', 'p99'], p90: ['p95', 'p99'], p95: ['p99'], p99: [] };

function latencyAt(point: CapacityPoint, percentile: Percentile): { ms: number; used: Percentile } | undefined {
  for (const p of [percentile, ...HIGHER[percentile]]) {
    const ms = point.latencyMs[p];
    if (ms !== undefined) return { ms, used: p };
  }
  return undefined;
}

/**
 * Capacity at the SLA (Model Analyzer's constraint, then objective): among points without failed
 * requests and with throughput above zero, the highest throughput whose latency percentile is
 * within the bound. When none is, the point that misses by the least, so the plan can say how far.
 * Returns undefined when no point is usable at all.
 */
export function capacityAtSla(points: readonly CapacityPoint[], sla: Sla): CapacityAtSla | undefined {
  let best: CapacityAtSla | undefined;
  let closest: CapacityAtSla | undefined;
  for (const point of points) {
    if (point.failed > 0 || !(point.throughputRps > 0)) continue;
    const latency = latencyAt(point, sla.percentile);
    if (!latency) continue;
    const substituted = latency.used !== sla.percentile ? { substitutedPercentile: latency.used } : {};
    if (latency.ms <= sla.maxLatencyMs) {
      if (!best || point.throughputRps > best.throughputRps) {
        best = { meetsSla: true, throughputRps: point.throughputRps, latencyMs: latency.ms, missByMs: 0, ...substituted };
      }
    } else {
      const missByMs = latency.ms - sla.maxLatencyMs;
      if (!closest || missByMs < closest.missByMs || (missByMs === closest.missByMs && point.throughputRps > closest.throughputRps)) {
        closest = { meetsSla: false, throughputRps: point.throughputRps, latencyMs: latency.ms, missByMs, ...substituted };
      }
    }
  }
  return best ?? closest;
}
