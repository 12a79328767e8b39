/**
 * The load search (pure): it sees every measured point of one configuration and proposes the next
 * load, or null when the curve is done. The same observations always give the same proposal, which
 * is what lets a resumed sweep replay checkpointed points instead of measuring them again.
 *
 * search mode:
 *   1. raise: start at `startLoad`, double while the SLA holds; stop raising once it breaks, or
 *      once throughput grew by less than SATURATION_GAIN over the previous load (saturated: more
 *      load only adds queueing).
 *   2. if even the first load breaks the SLA, halve until one meets it.
 *   3. bisect between the highest load meeting the SLA and the lowest one above it that breaks it,
 *      until they are adjacent (concurrency) or within RPS_RESOLUTION of each other (rps).
 *   At most `maxPoints` points per configuration.
 * list mode: the given loads, ascending, stopping after the first one that breaks the SLA.
 */

export type LoadKind = 'concurrency' | 'rps';

/**
 * startLoad 'probe': an rps search whose first rate comes from a short closed-loop probe of each
 * configuration (runSweep measures it, then resolves the axis with resolveStart).
 */
export type LoadAxis =
  | { kind: LoadKind; mode: 'search'; startLoad: number | 'probe'; maxPoints: number; bracketSteps?: number }
  | { kind: LoadKind; mode: 'list'; loads: number[] };

/** An axis ready to search: a number to start from. */
export type ResolvedAxis =
  | { kind: LoadKind; mode: 'search'; startLoad: number; maxPoints: number; bracketSteps?: number }
  | { kind: LoadKind; mode: 'list'; loads: number[] };

/** The first rate of a probed rps search: what one client at a time got, never below MIN_RPS. */
export function resolveStart(axis: LoadAxis, probedThroughputRps: number): ResolvedAxis {
  if (axis.mode === 'list') return axis;
  const startLoad = axis.startLoad === 'probe' ? Math.max(MIN_RPS, roundRps(probedThroughputRps)) : axis.startLoad;
  return { ...axis, startLoad };
}

export interface Observation {
  load: number;
  throughputRps: number;
  meetsSla: boolean;
}

/** Doubling the load must raise throughput by at least this fraction, else the server is saturated. */
export const SATURATION_GAIN = 0.05;
/** An rps bracket this narrow (hi <= lo * (1 + RPS_RESOLUTION)) is resolved. */
export const RPS_RESOLUTION = 0.05;
/** Offered rps are rounded to 0.01 so they print and key checkpoints exactly; this is the floor. */
export const MIN_RPS = 0.01;
/** Points of a concurrency search, or runs of an rps capacity search, per configuration. */
export const DEFAULT_MAX_POINTS = 40;

export function nextLoad(axis: ResolvedAxis, seen: readonly Observation[]): number | null {
  const measured = new Set(seen.map((o) => o.load));
  if (axis.mode === 'list') {
    if (seen.some((o) => !o.meetsSla)) return null;
    return axis.loads.find((load) => !measured.has(load)) ?? null;
  }
  if (seen.length >= axis.maxPoints) return null;
  const proposal = searchProposal(axis.kind, axis.startLoad, seen);
  // Rounding can make a bisection land on a load already measured: nothing narrower to learn.
  return proposal !== null && !measured.has(proposal) ? proposal : null;
}

function searchProposal(kind: LoadKind, startLoad: number, seen: readonly Observation[]): number | null {
  if (seen.length === 0) return startLoad;
  const passing = seen.filter((o) => o.meetsSla).map((o) => o.load);
  const lo = passing.length > 0 ? Math.max(...passing) : undefined;
  const failingAbove = seen.filter((o) => !o.meetsSla && (lo === undefined || o.load > lo)).map((o) => o.load);
  const hi = failingAbove.length > 0 ? Math.min(...failingAbove) : undefined;

  if (hi === undefined) {
    const byLoad = [...seen].sort((a, b) => a.load - b.load);
    const top = byLoad[byLoad.length - 1]!;
    const below = byLoad[byLoad.length - 2];
    if (below && top.throughputRps < below.throughputRps * (1 + SATURATION_GAIN)) return null;
    return double(kind, top.load);
  }
  if (lo === undefined) return halve(kind, hi);
  if (kind === 'concurrency' ? hi - lo <= 1 : hi <= lo * (1 + RPS_RESOLUTION)) return null;
  return kind === 'concurrency' ? Math.floor((lo + hi) / 2) : roundRps((lo + hi) / 2);
}

function double(kind: LoadKind, load: number): number {
  return kind === 'concurrency' ? load * 2 : roundRps(load * 2);
}

function halve(kind: LoadKind, load: number): number | null {
  if (kind === 'concurrency') return load > 1 ? Math.floor(load / 2) : null;
  const half = roundRps(load / 2);
  return half >= MIN_RPS ? half : null;
}

export function roundRps(rps: number): number {
  return Math.round(rps * 100) / 100;
}

/**
 * Drives the search for one configuration: asks for the next load, gets its observation (measured
 * or replayed), until the search is done. Returns the loads in the order visited.
 */
export async function searchCurve(axis: ResolvedAxis, observe: (load: number) => Promise<Observation>): Promise<Observation[]> {
  const seen: Observation[] = [];
  for (let load = nextLoad(axis, seen); load !== null; load = nextLoad(axis, seen)) {
    seen.push(await observe(load));
  }
  return seen;
}
