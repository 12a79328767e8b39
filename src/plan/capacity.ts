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

/** A sweep configuration's capacity estimate, as a candidate carries it (schema/capacityEstimate.ts). */
export interface CapacityInterval {
  estimateRps: number | null;
  lowerRps: number;
  upperRps: number | null;
  confidencePct: number;
  certifiedRps: number | null;
}

/** One measured rate of a sweep with an interval: what the planned rate's latency is read from. */
export interface IntervalPoint extends CapacityPoint {
  offeredRps: number;
  meetsSla: boolean;
}

export interface PlannedCapacity extends CapacityAtSla {
  plannedOn: 'lower' | 'estimate' | 'certified';
  /** Why that rate, in words, for --explain and the warnings. */
  why: string;
}

const fmt = (x: number): string => String(Number(x.toFixed(2)));

/** "36.5–45.0" or "36.5–unbounded": an interval as the plan prints it. */
export function formatInterval(interval: Pick<CapacityInterval, 'lowerRps' | 'upperRps'>): string {
  return `${fmt(interval.lowerRps)}–${interval.upperRps === null ? 'unbounded' : fmt(interval.upperRps)}`;
}

/**
 * Capacity from a sweep's interval (pure). The lower end by default: the interval is 90%
 * two-sided, so the capacity is at least its lower end with 95% confidence, and a fleet sized on
 * it holds unless the sweep was unlucky; `estimate` plans on the point estimate, which a fleet
 * exceeds about half the time. When the lower end is 0 (the capacity may lie below the lowest
 * rate measured) there is no lower end to plan on: the highest rate that met the SLA on its own
 * evidence stands in when there is one (it is itself a one-sided 95% bound). When the estimate is
 * null (even the lowest rate misses) the candidate misses the SLA as a sweep whose every point
 * misses does: the closest point stands in. Returns undefined when no point is usable.
 *
 * The latency reported beside the rate is the SLA percentile measured at the highest rate at or
 * below it that met the SLA (the planned rate itself was seldom measured), else the lowest rate's.
 */
export function capacityFromInterval(interval: CapacityInterval, points: readonly IntervalPoint[], sla: Sla, end: 'lower' | 'estimate'): PlannedCapacity | undefined {
  const usable = points.filter((p) => p.throughputRps > 0 && latencyAt(p, sla.percentile) !== undefined).sort((a, b) => a.offeredRps - b.offeredRps);
  if (usable.length === 0) return undefined;
  if (interval.estimateRps === null) {
    const missing = usable.filter((p) => (latencyAt(p, sla.percentile)?.ms ?? 0) > sla.maxLatencyMs);
    const closest = capacityAtSla(missing, sla) ?? missAtLowest(usable, sla);
    if (!closest) return undefined;
    return { ...closest, meetsSla: false, plannedOn: end, why: 'the sweep estimated no capacity: even its lowest rate misses the SLA' };
  }
  const range = `${interval.confidencePct}% interval ${formatInterval(interval)} req/s, estimate ${fmt(interval.estimateRps)}`;
  let rate: number;
  let plannedOn: PlannedCapacity['plannedOn'];
  let why: string;
  if (end === 'estimate') {
    [rate, plannedOn, why] = [interval.estimateRps, 'estimate', `--capacity estimate: the point estimate of the ${range}; a fleet exceeds it about half the time`];
  } else if (interval.lowerRps > 0) {
    [rate, plannedOn, why] = [interval.lowerRps, 'lower', `the lower end of the ${range} (the default): the capacity is at least this with 95% confidence`];
  } else if (interval.certifiedRps !== null && interval.certifiedRps > 0) {
    [rate, plannedOn, why] = [
      interval.certifiedRps,
      'certified',
      `the ${range} reaches below the lowest rate measured, so its lower end cannot be planned on; ${fmt(interval.certifiedRps)} req/s, the highest rate that met the SLA on its own evidence, stands in`,
    ];
  } else {
    // Nothing is known to hold: as a sweep with no point meeting the SLA.
    const closest = capacityAtSla(usable, sla) ?? missAtLowest(usable, sla);
    if (!closest) return undefined;
    const missByMs = Math.max(closest.missByMs, MIN_MISS_MS);
    return { ...closest, meetsSla: false, missByMs, plannedOn: 'lower', why: `the ${range} reaches below the lowest rate measured and no rate met the SLA on its own evidence` };
  }
  const below = usable.filter((p) => p.offeredRps <= rate && p.meetsSla);
  const at = below[below.length - 1] ?? usable[0];
  const latency = at ? latencyAt(at, sla.percentile) : undefined;
  return {
    meetsSla: true,
    throughputRps: rate,
    latencyMs: latency?.ms ?? sla.maxLatencyMs,
    missByMs: 0,
    ...(latency && latency.used !== sla.percentile ? { substitutedPercentile: latency.used } : {}),
    plannedOn,
    why,
  };
}

/** A miss the plan can state when no point's own percentile was over the bound (the evidence, not the figure, missed). */
const MIN_MISS_MS = 0.001;

function missAtLowest(usable: readonly IntervalPoint[], sla: Sla): CapacityAtSla | undefined {
  const lowest = usable[0];
  const latency = lowest ? latencyAt(lowest, sla.percentile) : undefined;
  if (!lowest || !latency) return undefined;
  return { meetsSla: false, throughputRps: lowest.throughputRps, latencyMs: latency.ms, missByMs: Math.max(latency.ms - sla.maxLatencyMs, MIN_MISS_MS) };
}
