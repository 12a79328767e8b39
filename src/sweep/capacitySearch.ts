import type { CapacityEstimate, RateJudgement } from '../schema/capacityEstimate.js';
import { contradictingRates, fitCapacity } from './capacityFit.js';
import { MIN_RPS, roundRps } from './search.js';

/**
 * The open-loop capacity search (pure): given every rate measured so far with its judgement, the
 * next rate to run once more, or why to stop. The same evidence always gives the same step, which
 * is what lets a resumed sweep replay its checkpoint.
 *
 * Rates lie on a geometric grid anchored at the first rate, STEPS_PER_DOUBLING steps to a
 * doubling (about 12% apart), so a rate can be revisited exactly and its runs pooled:
 *   1. bracket: double while the top rate meets the SLA, halve while the bottom one misses (a
 *      caller whose first rate is already an estimate of the capacity, like `whatif` starting
 *      from a profile's throughput, moves by fewer steps: bracketSteps);
 *   2. narrow: bisect the grid between the highest rate that meets and the lowest that misses;
 *   3. spend what is left where the answer is uncertain: an undecided rate between them, a rate
 *      whose evidence contradicts the fitted curve, or the two rates around the crossing, until
 *      the capacity interval is as narrow as asked, every such rate has its runs, or the budget is
 *      spent. An undecided rate is measured again rather than guessed.
 */

export const STEPS_PER_DOUBLING = 6;
/** A rate gets at most this many runs: past it, more runs of one rate narrow little (Schmeiser's 8–10 batches will not fit). */
export const MAX_RUNS_PER_RATE = 6;

export interface MeasuredRate {
  rateRps: number;
  judgement: RateJudgement;
}

export interface SearchBudget {
  /** Seconds of measurement left. */
  leftS: number;
  /** What the next run is expected to take (the median so far). */
  nextRunS: number;
  /** Runs left under --max-points. */
  runsLeft: number;
}

export type CapacityStep = { kind: 'measure'; rateRps: number; why: string } | { kind: 'stop'; why: string; capacity: CapacityEstimate | undefined };

export function gridRate(startRps: number, index: number): number {
  return roundRps(startRps * 2 ** (index / STEPS_PER_DOUBLING));
}

export function gridIndex(startRps: number, rateRps: number): number {
  return Math.round(STEPS_PER_DOUBLING * Math.log2(rateRps / startRps));
}

export function nextCapacityStep(
  startRps: number,
  rates: readonly MeasuredRate[],
  budget: SearchBudget,
  targetPrecisionPct: number,
  bracketSteps: number = STEPS_PER_DOUBLING,
): CapacityStep {
  const capacity = fitCapacity(rates);
  const stop = (why: string): CapacityStep => ({ kind: 'stop', why, capacity });
  if (rates.length === 0) return { kind: 'measure', rateRps: startRps, why: 'the first rate' };
  if (budget.runsLeft <= 0) return stop('the run bound (--max-points) was reached');
  if (budget.leftS < budget.nextRunS) return stop('the measurement budget was spent');

  const at = new Map(rates.map((r) => [gridIndex(startRps, r.rateRps), r]));
  const indices = [...at.keys()].sort((a, b) => a - b);
  const runsAt = (i: number): number => at.get(i)?.judgement.runs ?? 0;
  const decided = (d: RateJudgement['decision']): number[] => indices.filter((i) => at.get(i)!.judgement.decision === d);
  const meets = decided('meets');
  const misses = decided('misses');
  const measure = (i: number, why: string): CapacityStep => ({ kind: 'measure', rateRps: gridRate(startRps, i), why });
  const again = (i: number, why: string): CapacityStep | undefined => (runsAt(i) < MAX_RUNS_PER_RATE ? measure(i, why) : undefined);

  const bottom = indices[0]!;
  const top = indices[indices.length - 1]!;
  if (misses.length === 0) {
    // Nothing misses yet: climb once the top rate is known to meet, else settle it first.
    if (at.get(top)!.judgement.decision === 'meets') return measure(top + bracketSteps, `the highest rate meets the SLA: ${stepWord(bracketSteps, 'up')}`);
    return again(top, 'the highest rate is undecided') ?? measure(top + Math.max(1, Math.floor(bracketSteps / 2)), 'the highest rate stayed undecided: stepping up');
  }
  if (meets.length === 0) {
    if (at.get(bottom)!.judgement.decision === 'misses') {
      const lower = bottom - bracketSteps;
      return gridRate(startRps, lower) >= MIN_RPS ? measure(lower, `the lowest rate misses the SLA: ${stepWord(bracketSteps, 'down')}`) : stop('no rate meets the SLA, down to the lowest rate offered');
    }
    return again(bottom, 'the lowest rate is undecided') ?? measure(bottom - Math.max(1, Math.floor(bracketSteps / 2)), 'the lowest rate stayed undecided: stepping down');
  }

  const highestMeet = Math.max(...meets);
  const lowestMiss = Math.min(...misses);
  // Evidence the fitted curve does not believe (a miss below a pass, a point off the curve) is
  // re-measured, not trusted; only where it can move the crossing: a rate far above it that the
  // fit pools with its neighbours changes nothing a plan uses.
  const near = (i: number): boolean => i >= Math.min(highestMeet, lowestMiss) - 1 && i <= Math.max(highestMeet, lowestMiss) + 1;
  const doubted = contradictingRates(rates)
    .map((r) => gridIndex(startRps, r))
    .filter((i) => near(i) && runsAt(i) < MAX_RUNS_PER_RATE);
  if (lowestMiss < highestMeet || doubted.length > 0) {
    const suspects = lowestMiss < highestMeet ? [lowestMiss, highestMeet, ...doubted] : doubted;
    const i = fewestRuns(suspects.filter((s) => runsAt(s) < MAX_RUNS_PER_RATE), runsAt);
    if (i !== undefined) return measure(i, 'its evidence contradicts the curve: measuring again');
  }
  if (precise(capacity, targetPrecisionPct)) return stop(`the capacity interval is within ${targetPrecisionPct}%`);

  const lo = Math.min(highestMeet, lowestMiss);
  const hi = Math.max(highestMeet, lowestMiss);
  const between = range(lo + 1, hi);
  const unmeasured = between.filter((i) => !at.has(i));
  if (unmeasured.length > 0) {
    // Bisect on the grid: the unmeasured rate nearest the middle of the bracket.
    const middle = (lo + hi) / 2;
    const next = unmeasured.reduce((best, i) => (Math.abs(i - middle) < Math.abs(best - middle) ? i : best));
    return measure(next, 'narrowing the bracket');
  }
  const undecided = between.filter((i) => at.get(i)!.judgement.decision === 'undecided' && runsAt(i) < MAX_RUNS_PER_RATE);
  const nextUndecided = fewestRuns(undecided, runsAt);
  if (nextUndecided !== undefined) return measure(nextUndecided, 'undecided next to the crossing: measuring again');
  // The bracket is as narrow as the grid: more runs on its two ends narrow the interval.
  const edge = fewestRuns([lo, hi].filter((i) => runsAt(i) < MAX_RUNS_PER_RATE), runsAt);
  if (edge !== undefined) return measure(edge, 'narrowing the interval around the crossing');
  return stop('every rate around the crossing has its runs');
}

function stepWord(steps: number, direction: 'up' | 'down'): string {
  if (steps === STEPS_PER_DOUBLING) return direction === 'up' ? 'doubling' : 'halving';
  const factor = (2 ** (steps / STEPS_PER_DOUBLING)).toFixed(2);
  return direction === 'up' ? `stepping up x${factor}` : `stepping down /${factor}`;
}

/** A finite interval whose half-width is within the target share of the estimate (±10% for 10). */
function precise(capacity: CapacityEstimate | undefined, targetPct: number): boolean {
  if (!capacity || capacity.estimateRps === null || capacity.upperRps === null || capacity.lowerRps <= 0) return false;
  return (capacity.upperRps - capacity.lowerRps) / 2 <= (targetPct / 100) * capacity.estimateRps;
}

function fewestRuns(indices: readonly number[], runsAt: (i: number) => number): number | undefined {
  let best: number | undefined;
  for (const i of indices) if (best === undefined || runsAt(i) < runsAt(best)) best = i;
  return best;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}
