import { describe, expect, it } from 'vitest';
import { candidatesFromDocument } from '../../src/plan/candidates.js';
import { buildPlan } from '../../src/plan/planner.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import type { RateJudgement } from '../../src/schema/capacityEstimate.js';
import type { PlanCandidate } from '../../src/schema/plan.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { BusinessHoursTraffic } from '../../src/schema/traffic.js';
import { adviceFor, agreementWith, hostDifference, moreTrials, trialCounts } from '../../src/verify/judge.js';
import { profileDoc } from '../support/samples.js';
import { RATES, sweepDoc } from '../support/sweepV3.js';
import { FAKE_ENVIRONMENT } from '../sweep/syntheticServer.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const traffic = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 60, offPeakRps: 60 });

/** The candidate a plan makes from the v3 sweep: interval 36.5–45 (estimate 41.2), planned on 36.5 x 0.8 = 29.2 per instance. */
function candidate(capacity: 'lower' | 'estimate' = 'lower', doc = sweepDoc(RATES, {})): PlanCandidate {
  return buildPlan({
    createdAt: NOW.toISOString(), documents: ['s.json'], sla: { percentile: 'p95', maxLatencyMs: 100 }, utilization: 0.8, minInstances: 1, region: 'us-east-1',
    traffic, demandRps: weeklyDemandRps(traffic, NOW), candidates: candidatesFromDocument({ kind: 'sweep-result', path: 's.json', doc }), prices: new PriceBook(snapshotCatalog()), capacity,
  }).candidates[0]!;
}

function judgement(decision: RateJudgement['decision']): RateJudgement {
  return {
    decision, runs: 5, requests: 4000, exceedances: 100, allowedFraction: 0.05, exceedanceFraction: 0.025, fractionLower: 0.02, fractionUpper: 0.03,
    designEffect: 1.5, latencyMs: { estimate: 80, lower: 75, upper: 85 },
  };
}

const lower = candidate();
const RANGE = "the sweep's 90% interval 36.5–45 req/s";

describe('agreementWith: the trials against the interval the plan was built on', () => {
  const cases: [string, number, RateJudgement['decision'], string, string][] = [
    ['under the lower end, met', 29.2, 'meets', 'agrees', `29.2 req/s is at or under its lower end (${RANGE}), and the trials met the SLA, as the interval says`],
    ['under the lower end, missed', 29.2, 'misses', 'disagrees', `29.2 req/s is at or under its lower end (${RANGE}), yet the trials missed the SLA: the interval did not hold here`],
    ['at the lower end itself, missed', 36.5, 'misses', 'disagrees', `36.5 req/s is at or under its lower end (${RANGE}), yet the trials missed the SLA: the interval did not hold here`],
    ['under the lower end, undecided', 29.2, 'undecided', 'undecided', `29.2 req/s is at or under its lower end (${RANGE}); the trials have not decided yet`],
    ['inside, missed', 40, 'misses', 'agrees', `40 req/s is inside it (${RANGE}), where the interval allows either; the trials missed the SLA`],
    ['over the upper end, missed', 50, 'misses', 'agrees', `50 req/s is over its upper end (${RANGE}), and the trials missed the SLA, as the interval says`],
    ['over the upper end, met', 50, 'meets', 'disagrees', `50 req/s is over its upper end (${RANGE}), yet the trials met the SLA: the interval did not hold here`],
  ];
  it.each(cases)('%s', (_, rate, decision, kind, sentence) => {
    expect(agreementWith(lower, rate, decision)).toEqual({ kind, sentence });
  });
  it('an interval unbounded above has no "over"', () => {
    const unbounded = candidate('lower', sweepDoc(RATES, { upperRps: null }));
    expect(agreementWith(unbounded, 50, 'meets').sentence).toBe("50 req/s is inside it (the sweep's 90% interval 36.5–unbounded req/s), where the interval allows either; the trials met the SLA");
  });
  it('a plan from an old sweep has no interval to agree with', () => {
    expect(agreementWith(candidate('lower', sweepDoc(RATES)), 33.6, 'meets').kind).toBe('no-interval');
  });
});

describe('adviceFor: follows from what was measured, never a step already taken', () => {
  const swept = FAKE_ENVIRONMENT;
  const here = { ...FAKE_ENVIRONMENT, hostname: 'verify-host', cpuCores: 16 };
  const base = { candidate: lower, rateRps: 29.2, atCapacity: false, trials: 5, sweptOn: swept, verifiedOn: here };
  const cases: [string, RateJudgement['decision'], Partial<typeof base>, string | undefined][] = [
    ['meets: nothing to do', 'meets', {}, undefined],
    // at least 10 trials, else twice what was run
    ['undecided after 5 trials: 10', 'undecided', {}, 'the trials are too few to decide at 29.2 req/s: run more trials (--trials 10)'],
    ['undecided after 10 trials: 20', 'undecided', { trials: 10 }, 'the trials are too few to decide at 29.2 req/s: run more trials (--trials 20)'],
    [
      'misses at or under the lower end: the interval did not hold on this host',
      'misses',
      {},
      "the sweep's interval (36.5–45 req/s) did not hold here: the host may differ from where it was swept (swept on synthetic (synthetic cpu, 4 cores), verified on verify-host (synthetic cpu, 16 cores)); sweep again on this host with more --budget",
    ],
    [
      'misses at the unscaled capacity (36.5 = the lower end)',
      'misses',
      { rateRps: 36.5, atCapacity: true, verifiedOn: swept },
      "the sweep's interval (36.5–45 req/s) did not hold here: the host may differ from where it was swept (the same host, synthetic (synthetic cpu, 4 cores): it may have been busier during the trials than during the sweep, or the other way round); sweep again on this host with more --budget",
    ],
    [
      'misses when the plan used the estimate',
      'misses',
      { candidate: candidate('estimate'), rateRps: 32.96 },
      'the plan used the capacity\'s point estimate (--capacity estimate), which a fleet exceeds about half the time: plan with --capacity lower (36.5 req/s)',
    ],
    [
      'misses inside the interval (utilisation 1 by hand)',
      'misses',
      { rateRps: 40 },
      "the rate is above the sweep's lower end (36.5 req/s): plan with a lower --utilization than 0.8, or give the sweep more --budget to narrow its interval",
    ],
    [
      'misses on an old sweep at its capacity: headroom first',
      'misses',
      { candidate: candidate('lower', sweepDoc(RATES)), rateRps: 42, atCapacity: true },
      "the unscaled capacity (--at-capacity) leaves no headroom: verify at the plan's per-instance rate (33.6 req/s, without --at-capacity)",
    ],
    [
      'misses on an old sweep',
      'misses',
      { candidate: candidate('lower', sweepDoc(RATES)), rateRps: 33.6 },
      'the sweep predates capacity intervals: sweep again with this version, which estimates the capacity with an interval, and plan on its lower end',
    ],
  ];
  it.each(cases)('%s', (_, decision, overrides, advice) => {
    expect(adviceFor(judgement(decision), { ...base, ...overrides })).toBe(advice);
  });
  it('moreTrials: at least 10, else twice', () => {
    expect([1, 5, 6, 10, 12].map(moreTrials)).toEqual([10, 10, 12, 20, 24]);
  });
  it('hostDifference without the sweep environment says so', () => {
    expect(hostDifference(undefined, here)).toBe('where it was swept is not recorded');
  });
});

describe('trialCounts', () => {
  it('without a histogram, reads the percentile ladder conservatively', () => {
    // p90 70, p95 80, p99 120, max 200 (profileDoc): a 100 ms bound lies between p95 and p99, so 5% of 1000 = 50 count as over.
    const r = ProfileResult.parse(profileDoc({ name: 'p' }));
    expect(trialCounts(r, { percentile: 'p95', maxLatencyMs: 100 })).toEqual({ requests: 1000, exceedances: 50 });
    // at or above max: none over; under p50 (40): all of them (the ladder cannot say fewer), plus failed and dropped
    expect(trialCounts(r, { percentile: 'p95', maxLatencyMs: 200 })).toEqual({ requests: 1000, exceedances: 0 });
    const failing = ProfileResult.parse(profileDoc({ name: 'f', requests: { completed: 1000, failed: 10, dropped: 5, failures: [] } }));
    expect(trialCounts(failing, { percentile: 'p95', maxLatencyMs: 30 })).toEqual({ requests: 1015, exceedances: 1015 });
  });
});
