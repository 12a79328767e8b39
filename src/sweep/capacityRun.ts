import { decodeHistogram, mergeHistograms, percentileMs, type LatencyHistogram } from '../profile/core/histogram.js';
import type { CapacityEstimate, RateJudgement, SearchSpend } from '../schema/capacityEstimate.js';
import type { Sla } from '../schema/sla.js';
import type { CurvePoint, RepeatFigures } from '../schema/sweepResult.js';
import { median } from '../util/median.js';
import type { CheckpointPoint, RunRecord } from './checkpoint.js';
import { nextCapacityStep, type CapacityStep } from './capacitySearch.js';
import type { ConfigurationPlan } from './definition.js';
import { capacityRunSpec } from './pointSpec.js';
import { judgeRate, runCounts, type RunCounts } from './rateEvidence.js';
import { repeatFigures } from './repeats.js';
import type { PointContext } from './measurePoint.js';
import { INTERFERENCE_CPU_PCT } from './interference.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { RunEventBody } from '../profile/events.js';

/**
 * One configuration's open-loop capacity search: ask the search for a rate, run it once, pool the
 * run with the rate's others, until the search stops. A run during which other processes used
 * more than the interference threshold of the host's CPU is measured once more at once; if that
 * one is clean the flagged run is left out of the evidence (kept in the document, marked), if
 * not both count and the sweep says the host was busy.
 */

export interface CapacityRunOptions {
  config: ConfigurationPlan;
  startRps: number;
  /** Grid steps of one bracketing move (default a doubling); see nextCapacityStep. */
  bracketSteps?: number;
  sla: Sla;
  budgetS: number;
  maxRuns: number;
  targetPrecisionPct: number;
  /** Replays a run from the checkpoint or measures it (runSweep's). */
  run: (key: string, spec: ProfileSpec, context: PointContext) => Promise<{ entry: CheckpointPoint; replayed: boolean }>;
  /** The sweep's bus: each step's search-step, and after each run the rate's point-done (every run so far). */
  publish: (event: RunEventBody) => void;
}

export interface CapacityRunResult {
  points: CurvePoint[];
  capacity: CapacityEstimate | undefined;
  search: SearchSpend;
  /** Every run, flagged or not, for the sweep's interference summary. */
  runs: { rateRps: number; figures: RepeatFigures }[];
}

interface RateRun {
  figures: RepeatFigures;
  /** Its counts and histogram, as the rate's evidence pools them. */
  counts: RunCounts;
  throughputRps: number;
}

export async function searchCapacity(options: CapacityRunOptions): Promise<CapacityRunResult> {
  const { config, sla, startRps } = options;
  const byRate = new Map<number, RateRun[]>();
  const wallTimes: number[] = [];
  let runIndex = 0;
  let spentS = 0;

  const measureOnce = async (rateRps: number): Promise<RateRun> => {
    const atRate = byRate.get(rateRps) ?? [];
    const spec = capacityRunSpec(config.spec, rateRps, runIndex);
    const seed = spec.load.kind === 'poisson' ? spec.load.seed : undefined;
    const context: PointContext = { configuration: config.label, offered: { kind: 'rps', value: rateRps }, repeat: atRate.length };
    const { entry, replayed } = await options.run(runKey(config.label, rateRps, atRate.length), spec, context);
    runIndex += 1;
    const record = entry.run;
    if (!record) throw new Error(`run ${config.label} rps=${rateRps}: the measurement kept no run record`);
    wallTimes.push(record.wallS);
    spentS += record.wallS;
    const histogram = record.latencyHistogram ? decodeHistogram(record.latencyHistogram) : undefined;
    const counts = runCounts(histogram, record, sla);
    const figures = runFigures(entry, record, counts, seed);
    const run: RateRun = { figures, counts, throughputRps: entry.point.throughputRps };
    byRate.set(rateRps, [...atRate, run]);
    options.publish({ type: 'point-done', configuration: config.label, offered: context.offered, point: ratePoint(rateRps, byRate.get(rateRps)!, sla), replayed });
    return run;
  };

  let step: CapacityStep;
  for (;;) {
    step = nextCapacityStep(startRps, measuredRates(byRate, sla), {
      leftS: options.budgetS - spentS,
      nextRunS: wallTimes.length > 0 ? median(wallTimes) : 0,
      runsLeft: options.maxRuns - runIndex,
    }, options.targetPrecisionPct, options.bracketSteps);
    if (step.kind === 'stop') break;
    options.publish({ type: 'search-step', configuration: config.label, rateRps: step.rateRps, why: step.why });
    const first = await measureOnce(step.rateRps);
    if (first.figures.interference) {
      const why = `other processes used ${first.figures.otherCpuPct?.toFixed(0)}% of the host's CPU: measuring again`;
      options.publish({ type: 'search-step', configuration: config.label, rateRps: step.rateRps, why });
      const second = await measureOnce(step.rateRps);
      if (!second.figures.interference) first.figures.excluded = 'interference';
    }
  }

  const points = [...byRate.keys()].sort((a, b) => a - b).map((rate) => ratePoint(rate, byRate.get(rate)!, sla));
  const runs = [...byRate].flatMap(([rateRps, list]) => list.map((r) => ({ rateRps, figures: r.figures })));
  return {
    points,
    capacity: step.capacity,
    search: { runs: runIndex, rates: byRate.size, spentS: Math.round(spentS * 10) / 10, stoppedBecause: step.why },
    runs,
  };
}

function runKey(configuration: string, rateRps: number, k: number): string {
  return `${configuration}\u0000${rateRps}\u0000${k}`;
}

function kept(runs: readonly RateRun[]): RateRun[] {
  return runs.filter((r) => r.figures.excluded === undefined);
}

function measuredRates(byRate: ReadonlyMap<number, RateRun[]>, sla: Sla): { rateRps: number; judgement: RateJudgement }[] {
  return [...byRate].map(([rateRps, runs]) => ({ rateRps, judgement: judgeRate(kept(runs).map((r) => r.counts), sla) }));
}

function runFigures(entry: CheckpointPoint, record: RunRecord, counts: RunCounts, seed: number | undefined): RepeatFigures {
  const figures: RepeatFigures = {
    ...repeatFigures(entry.point, seed),
    requests: counts.requests,
    exceedances: counts.exceedances,
    wallS: record.wallS,
  };
  if (record.latencyHistogram) figures.latencyHistogram = record.latencyHistogram;
  if (record.otherCpuPct !== undefined) {
    figures.otherCpuPct = record.otherCpuPct;
    figures.interference = record.otherCpuPct >= INTERFERENCE_CPU_PCT;
  }
  if (record.stealPct !== undefined) figures.stealPct = record.stealPct;
  return figures;
}

/**
 * The curve point of one rate: its kept runs pooled. Percentiles are read from the merged
 * histogram (never averaged across runs), throughput is the mean of the runs', and the SLA is met
 * only when the pooled evidence decides it is.
 */
export function ratePoint(rateRps: number, runs: readonly RateRun[], sla: Sla): CurvePoint {
  const used = kept(runs);
  const judgement = judgeRate(used.map((r) => r.counts), sla);
  const histograms = used.map((r) => r.counts.histogram).filter((h): h is LatencyHistogram => h !== undefined);
  const merged = histograms.length > 0 ? mergeHistograms(histograms) : undefined;
  const at = (p: number): number => (merged ? percentileMs(merged, p) : 0);
  const mean = (xs: number[]): number => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const figures = runs.map((r) => r.figures);
  const point: CurvePoint = {
    offered: { kind: 'rps', value: rateRps },
    throughputRps: mean(used.map((r) => r.throughputRps)),
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    failed: used.reduce((n, r) => n + r.figures.failed, 0),
    dropped: used.reduce((n, r) => n + r.figures.dropped, 0),
    stable: used.length > 0 && used.every((r) => r.figures.stable),
    meetsSla: judgement.decision === 'meets',
    repeats: figures,
    repeatsAsked: figures.length,
    judgement,
  };
  const windows = used.flatMap((r) => r.figures.windowThroughputsRps ?? []);
  if (windows.length > 0) point.windowThroughputsRps = windows;
  return point;
}
