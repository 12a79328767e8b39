import { table } from './chartModel.js';
import { fixed, ms, slaText, tick } from './format.js';
import { OKABE_ITO, SLA_STYLE } from './palette.js';
import { referenceLine } from './chartModel.js';
import type { ChartModel, Verification, VerdictStatus } from './types.js';

/**
 * Verification -> the verification page's view model: did the plan's candidate hold its SLA at the
 * plan's rate, trial by trial (each trial's latency at the SLA's percentile against the SLA).
 */
export function verificationName(doc: Pick<Verification, 'candidate'>): string {
  return `verify ${doc.candidate}`;
}

export function verificationView(doc: Verification) {
  // Version 2 pools the trials: undecided is no verdict either way.
  const status: VerdictStatus = doc.decision === 'undecided' ? 'insufficient' : doc.holds ? 'ok' : 'warn';
  const trials = doc.trials;
  const chart: ChartModel = {
    id: 'trials',
    title: `Latency at ${doc.sla.percentile} per trial against the SLA`,
    type: 'scatter',
    x: { title: 'trial', type: 'linear', min: 0 },
    y: { title: `${doc.sla.percentile} ms`, type: 'linear', min: 0 },
    datasets: [
      { label: `${doc.sla.percentile} ms`, data: trials.map((t, i) => ({ x: i + 1, y: t.latencyAtSlaMs })), colour: OKABE_ITO.blue, dash: [], showLine: false, hollow: trials.map((t) => !t.held) },
      referenceLine(`SLA ${slaText(doc.sla)}`, 1, Math.max(1, trials.length), doc.sla.maxLatencyMs, SLA_STYLE),
    ],
    finding: `${doc.held} of ${trials.length} trials held ${slaText(doc.sla)} at ${fixed(doc.rateRps, 1)} req/s (hollow: did not hold).`,
    table: table(
      ['trial', 'seed', 'offered req/s', 'achieved req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'failed', 'dropped', 'held', 'why not'],
      trials.map((t, i) => [String(i + 1), String(t.seed), fixed(t.offeredRps, 1), fixed(t.achievedRps, 1), fixed(t.p50Ms, 1), fixed(t.p95Ms, 1), fixed(t.p99Ms, 1), String(t.failed), String(t.dropped), tick(t.held), t.reason ?? '']),
    ),
  };
  return {
    kind: 'verification' as const,
    name: verificationName(doc),
    title: verificationName(doc),
    verdict: { sentence: doc.verdict, status },
    setup: `Plan ${doc.plan}, candidate ${doc.candidate}: ${fixed(doc.rateRps, 1)} req/s (${doc.rateFrom === 'capacity' ? 'its capacity, unscaled' : 'the rate the plan gives one instance'}), ${trials.length} trial(s) of ${ms(doc.trialDurationS * 1000)} each, ${doc.target.kind === 'remote' ? `against ${doc.target.url}` : 'in process'}.`,
    charts: { trials: chart },
  };
}
