import { decodeHistogram } from '../profile/core/histogram.js';
import type { RateJudgement } from '../schema/capacityEstimate.js';
import type { PlanCandidate } from '../schema/plan.js';
import type { Environment, ProfileResult } from '../schema/profileResult.js';
import { formatSla, type Sla } from '../schema/sla.js';
import type { VerificationAgreement } from '../schema/verification.js';
import { judgeRate, runCounts, type RunCounts } from '../sweep/rateEvidence.js';

/**
 * verify's judgement (pure): the trials at one rate are runs at that rate, judged by the sweep's
 * own statistic (judgeRate: pooled exceedance counts deflated by a design effect, a 90% interval),
 * so "the plan holds" means what "the sweep met the SLA" meant. Then whether that agrees with the
 * capacity interval the plan was built on, and advice that follows from what was measured.
 */

/**
 * A trial's counts: its requests, and those over the SLA bound from its end-to-end histogram (plus
 * failed and dropped). A result without a histogram (documents before histograms were kept) falls
 * back on its percentile ladder, conservatively: a bound between p90 and p95 counts 10% over.
 */
export function trialCounts(result: ProfileResult, sla: Sla): RunCounts {
  const { completed, failed, dropped } = result.requests;
  const encoded = result.latency.endToEndHistogram;
  if (encoded) return runCounts(decodeHistogram(encoded), { completed, failed, dropped }, sla);
  const e2e = result.latency.endToEnd;
  const ladder: [number, number][] = [
    [e2e.maxMs, 0],
    [e2e.p99Ms, 0.01],
    [e2e.p95Ms, 0.05],
    [e2e.p90Ms, 0.1],
    [e2e.p50Ms, 0.5],
  ];
  const share = ladder.find(([ms]) => sla.maxLatencyMs >= ms)?.[1] ?? 1;
  return { requests: completed + failed + dropped, exceedances: Math.ceil(completed * share) + failed + dropped };
}

const r1 = (x: number): string => x.toFixed(1);
const r2 = (x: number): string => String(Number(x.toFixed(2)));
const pct = (x: number): string => `${String(Number((x * 100).toFixed(2)))}%`;

export function judgeTrials(results: readonly ProfileResult[], sla: Sla): RateJudgement {
  return judgeRate(results.map((r) => trialCounts(r, sla)), sla);
}

/** "p95 62.1 ms (90% interval 55.0–70.3 ms)"; an upper end the requests cannot bound is "unbounded". */
export function latencyWords(judgement: RateJudgement, sla: Sla, confidencePct: number): string {
  const { estimate, lower, upper } = judgement.latencyMs;
  return `${sla.percentile} ${r1(estimate)} ms (${confidencePct}% interval ${r1(lower)}–${upper === null ? 'unbounded' : `${r1(upper)} ms`})`;
}

/** The verdict: the decision on the pooled evidence first, "held in N of M" after it as detail. */
export function decisionLine(judgement: RateJudgement, sla: Sla, candidate: string, rateRps: number, held: number, trials: number, confidencePct: number): string {
  const verb = { meets: 'meets', misses: 'misses', undecided: 'undecided on' }[judgement.decision];
  const counts = `${judgement.exceedances} of ${judgement.requests} requests over ${sla.maxLatencyMs} ms or failed (${pct(judgement.exceedanceFraction)}; ${confidencePct}% interval ${pct(judgement.fractionLower)}–${pct(judgement.fractionUpper)}, ${pct(judgement.allowedFraction)} allowed)`;
  return `${candidate} at ${r1(rateRps)} req/s ${verb} ${formatSla(sla)}: ${latencyWords(judgement, sla, confidencePct)}, ${counts}; held in ${held} of ${trials} trials`;
}

/**
 * Whether the trials agree with the capacity interval the plan was built on. A rate at or under
 * the interval's lower end should meet; over its upper end, miss; inside it, either is consistent.
 */
export function agreementWith(candidate: PlanCandidate, rateRps: number, decision: RateJudgement['decision']): VerificationAgreement {
  const interval = candidate.capacity.interval;
  if (!interval) {
    const from = candidate.capacity.from === 'single-point' ? 'a single profiled point' : 'a sweep without an interval (a document from before intervals)';
    return { kind: 'no-interval', sentence: `the plan's capacity, ${r2(candidate.capacity.throughputRps)} req/s, came from ${from}: there is no interval to compare with` };
  }
  const range = `${interval.confidencePct}% interval ${r2(interval.lowerRps)}–${interval.upperRps === null ? 'unbounded' : r2(interval.upperRps)} req/s`;
  const where =
    rateRps <= interval.lowerRps ? 'at or under its lower end' : interval.upperRps !== null && rateRps > interval.upperRps ? 'over its upper end' : 'inside it';
  const at = `${r2(rateRps)} req/s is ${where} (the sweep's ${range})`;
  if (decision === 'undecided') return { kind: 'undecided', sentence: `${at}; the trials have not decided yet` };
  const expected = where === 'at or under its lower end' ? 'meets' : where === 'over its upper end' ? 'misses' : undefined;
  if (expected === undefined) return { kind: 'agrees', sentence: `${at}, where the interval allows either; the trials ${decision === 'meets' ? 'met' : 'missed'} the SLA` };
  if (expected === decision) return { kind: 'agrees', sentence: `${at}, and the trials ${decision === 'meets' ? 'met' : 'missed'} the SLA, as the interval says` };
  return { kind: 'disagrees', sentence: `${at}, yet the trials ${decision === 'meets' ? 'met' : 'missed'} the SLA: the interval did not hold here` };
}

export interface AdviceContext {
  candidate: PlanCandidate;
  rateRps: number;
  atCapacity: boolean;
  trials: number;
  /** Where the figures were measured (the plan's document), and where the trials ran. */
  sweptOn?: Environment;
  verifiedOn?: Environment;
}

/** Trials to suggest when the evidence is undecided: at least 10, else twice what was run. */
export function moreTrials(trials: number): number {
  return Math.max(10, trials * 2);
}

/**
 * What to do next, from what was measured and what the plan did; never a step already taken.
 * Undefined when the plan holds.
 */
export function adviceFor(judgement: RateJudgement, ctx: AdviceContext): string | undefined {
  const { candidate, rateRps } = ctx;
  const interval = candidate.capacity.interval;
  if (judgement.decision === 'meets') return undefined;
  if (judgement.decision === 'undecided') {
    return `the trials are too few to decide at ${r2(rateRps)} req/s: run more trials (--trials ${moreTrials(ctx.trials)})`;
  }
  if (interval && candidate.capacity.plannedOn === 'estimate') {
    return `the plan used the capacity's point estimate (--capacity estimate), which a fleet exceeds about half the time: plan with --capacity lower (${r2(interval.lowerRps)} req/s)`;
  }
  if (interval && interval.estimateRps !== null && rateRps <= interval.lowerRps) {
    const range = `${r2(interval.lowerRps)}–${interval.upperRps === null ? 'unbounded' : r2(interval.upperRps)} req/s`;
    return `the sweep's interval (${range}) did not hold here: the host may differ from where it was swept (${hostDifference(ctx.sweptOn, ctx.verifiedOn)}); sweep again on this host with more --budget`;
  }
  if (ctx.atCapacity) {
    return `the unscaled capacity (--at-capacity) leaves no headroom: verify at the plan's per-instance rate (${r2(candidate.capacity.perInstanceRps)} req/s, without --at-capacity)`;
  }
  if (!interval) {
    return candidate.capacity.from === 'single-point'
      ? 'the capacity is a single profiled point with no interval: sweep the configuration (capacity-plan sweep) and plan on its lower end'
      : 'the sweep predates capacity intervals: sweep again with this version, which estimates the capacity with an interval, and plan on its lower end';
  }
  return `the rate is above the sweep's lower end (${r2(interval.lowerRps)} req/s): plan with a lower --utilization than ${candidate.capacity.utilization}, or give the sweep more --budget to narrow its interval`;
}

/** "swept on host-a (Xeon, 2 cores), verified on host-b (EPYC, 16 cores)", or what they share. */
export function hostDifference(sweptOn: Environment | undefined, verifiedOn: Environment | undefined): string {
  if (!sweptOn || !verifiedOn) return 'where it was swept is not recorded';
  const describe = (e: Environment): string => `${e.hostname} (${e.cpuModel}, ${e.cpuCores} cores${e.gpus.length > 0 ? `, ${e.gpus.map((g) => g.name).join(', ')}` : ''})`;
  const [a, b] = [describe(sweptOn), describe(verifiedOn)];
  if (a !== b) return `swept on ${a}, verified on ${b}`;
  return `the same host, ${a}: it may have been busier during the trials than during the sweep, or the other way round`;
}
