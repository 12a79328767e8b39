import type { ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { formatSla, type Sla } from '../schema/sla.js';
import type { VerificationTrial } from '../schema/verification.js';
import { MAX_FAILED_FRACTION, latencyAtPercentileMs } from '../sweep/curve.js';
import { textTable } from '../util/textTable.js';

/**
 * verify's pure parts: the spec of each trial, whether a trial held, and the verdict in words.
 */

/** Seconds of warm-up in each trial before measuring (the model is loaded once per trial). */
export const TRIAL_WARMUP_S = 2;
export const DEFAULT_TRIALS = 5;
export const DEFAULT_TRIAL_DURATION_S = 15;
/** Trial t's arrivals use seed FIRST_SEED + t: different from trial to trial, the same run to run. */
export const FIRST_SEED = 1;

/**
 * The spec trial `trial` runs: Poisson arrivals at rateRps with its own seed, measured as one
 * window over the whole duration after the warm-up. One window, because a trial is judged on all
 * of its requests: the runner's early stop on stability, and its stretching of later windows to
 * 50 requests, must not cut it short or make it skip its end.
 */
export function trialSpec(spec: ProfileSpec, rateRps: number, trial: number, durationS: number): ProfileSpec {
  const measuredS = Math.max(durationS - TRIAL_WARMUP_S, 0.2);
  const maxInFlight = spec.load.kind === 'closed-loop' ? 1024 : spec.load.maxInFlight;
  return {
    ...spec,
    load: { kind: 'poisson', rps: rateRps, seed: FIRST_SEED + trial, maxInFlight },
    measurement: {
      ...spec.measurement,
      warmupS: durationS > TRIAL_WARMUP_S ? TRIAL_WARMUP_S : 0,
      windowS: measuredS,
      stableWindows: 2,
      maxWindows: 1,
      // Slack past the last window so timer lateness cannot cost the trial its second window.
      durationS: (durationS > TRIAL_WARMUP_S ? TRIAL_WARMUP_S : 0) + measuredS + 0.5,
    },
  };
}

/** One trial's figures and verdict: held when the SLA's percentile is within the bound, nothing dropped, at most 1% failed. */
export function trialFromResult(result: ProfileResult, seed: number, offeredRps: number, sla: Sla): VerificationTrial {
  const e2e = result.latency.endToEnd;
  const { completed, failed, dropped } = result.requests;
  const latencyAtSlaMs = latencyAtPercentileMs(e2e, sla.percentile);
  const reasons: string[] = [];
  if (completed === 0) reasons.push('no request completed');
  else if (latencyAtSlaMs > sla.maxLatencyMs) reasons.push(`${sla.percentile} ${latencyAtSlaMs.toFixed(1)} ms > ${sla.maxLatencyMs} ms`);
  if (dropped > 0) reasons.push(`${dropped} arrivals dropped`);
  if (failed > (completed + failed) * MAX_FAILED_FRACTION) reasons.push(`${failed} of ${completed + failed} failed`);
  const trial: VerificationTrial = {
    seed,
    offeredRps,
    achievedRps: result.measurement.measuredS > 0 ? completed / result.measurement.measuredS : 0,
    measuredS: result.measurement.measuredS,
    p50Ms: e2e.p50Ms,
    p95Ms: e2e.p95Ms,
    p99Ms: e2e.p99Ms,
    latencyAtSlaMs,
    completed,
    failed,
    dropped,
    held: reasons.length === 0,
  };
  if (reasons.length > 0) trial.reason = reasons.join('; ');
  return trial;
}

export function verdictLine(trials: readonly VerificationTrial[], sla: Sla, candidate: string, rateRps: number): string {
  const held = trials.filter((t) => t.held).length;
  return `${candidate} at ${rateRps.toFixed(1)} req/s: ${formatSla(sla)} held in ${held} of ${trials.length} trials`;
}

export function formatTrials(trials: readonly VerificationTrial[]): string {
  const rows = [['trial', 'seed', 'offered req/s', 'achieved req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'dropped', 'failed', 'held']];
  trials.forEach((t, i) => {
    rows.push([
      String(i + 1),
      String(t.seed),
      t.offeredRps.toFixed(1),
      t.achievedRps.toFixed(1),
      t.p50Ms.toFixed(1),
      t.p95Ms.toFixed(1),
      t.p99Ms.toFixed(1),
      String(t.dropped),
      String(t.failed),
      t.held ? 'yes' : `no: ${t.reason}`,
    ]);
  });
  return textTable(rows, { alignRight: [true, true, true, true, true, true, true, true, true, false] });
}
