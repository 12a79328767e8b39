import type { CurvePoint, RepeatFigures } from '../schema/sweepResult.js';

/**
 * Repeat trials at the edge (pure): a point is measured up to `asked` times with different arrival
 * seeds and meets the SLA only when it held in every one, so the capacity at the SLA is the
 * highest rate at which the SLA held in all of them. A repeat that misses settles the point: the
 * remaining repeats are not measured (they could not make it pass).
 */
export async function measureRepeats(asked: number, measureOnce: (repeat: number) => Promise<CurvePoint>): Promise<CurvePoint[]> {
  const runs: CurvePoint[] = [];
  for (let repeat = 0; repeat < asked; repeat++) {
    const run = await measureOnce(repeat);
    runs.push(run);
    if (!run.meetsSla) break;
  }
  return runs;
}

/** One repeat's figures, as the document keeps them. */
export function repeatFigures(run: CurvePoint, seed: number | undefined): RepeatFigures {
  const figures: RepeatFigures = {
    ...(seed !== undefined ? { seed } : {}),
    throughputRps: run.throughputRps,
    p50Ms: run.p50Ms,
    p95Ms: run.p95Ms,
    p99Ms: run.p99Ms,
    failed: run.failed,
    dropped: run.dropped,
    stable: run.stable,
    meetsSla: run.meetsSla,
  };
  if (run.windowThroughputsRps) figures.windowThroughputsRps = run.windowThroughputsRps;
  return figures;
}

/**
 * The point that stands for its repeats: mean throughput, the highest percentiles (the SLA had to
 * hold in each), failures and drops summed, stable only if every repeat was, meetsSla only if every
 * repeat asked for was measured and met it. One repeat asked: that run as it is.
 */
export function combineRepeats(runs: readonly CurvePoint[], seeds: readonly (number | undefined)[], asked: number): CurvePoint {
  const first = runs[0];
  if (!first) throw new Error('combineRepeats: no run');
  if (asked === 1) return first;
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const point: CurvePoint = {
    offered: first.offered,
    throughputRps: mean(runs.map((r) => r.throughputRps)),
    p50Ms: Math.max(...runs.map((r) => r.p50Ms)),
    p95Ms: Math.max(...runs.map((r) => r.p95Ms)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    dropped: runs.reduce((n, r) => n + r.dropped, 0),
    stable: runs.every((r) => r.stable),
    meetsSla: runs.length === asked && runs.every((r) => r.meetsSla),
    repeats: runs.map((r, i) => repeatFigures(r, seeds[i])),
    repeatsAsked: asked,
  };
  const gpu = runs.map((r) => r.gpuUtilPct).filter((v): v is number => v !== undefined);
  const cpu = runs.map((r) => r.cpuUtilPct).filter((v): v is number => v !== undefined);
  if (gpu.length > 0) point.gpuUtilPct = mean(gpu);
  if (cpu.length > 0) point.cpuUtilPct = mean(cpu);
  const windows = runs.flatMap((r) => r.windowThroughputsRps ?? []);
  if (windows.length > 0) point.windowThroughputsRps = windows;
  return point;
}

/** "held in 2 of 3": how many repeats met the SLA, of those asked for; undefined without repeats. */
export function heldIn(point: CurvePoint): string | undefined {
  if (!point.repeats || !point.repeatsAsked) return undefined;
  const held = point.repeats.filter((r) => r.meetsSla).length;
  const measured = point.repeats.length < point.repeatsAsked ? ` (${point.repeatsAsked - point.repeats.length} not run after a miss)` : '';
  return `held in ${held} of ${point.repeatsAsked}${measured}`;
}
