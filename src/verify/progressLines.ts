import type { RunEventBody } from '../profile/events.js';

/**
 * A verification's progress as text, read off its events: what `verify` prints on stderr. A
 * trial's own profile events (phases, windows) are the progress bar's, not lines here.
 */
export function verifyProgressLines(event: RunEventBody): string[] {
  switch (event.type) {
    case 'verify-start': {
      const at = event.rateFrom === 'capacity' ? 'its capacity' : `per instance, utilisation ${event.utilization}`;
      return [
        `verify ${event.candidate}: ${event.trials} trial(s) of ${event.durationS} s of Poisson arrivals at ${event.rateRps.toFixed(2)} req/s (${at}), SLA ${event.sla.percentile}<=${event.sla.maxLatencyMs}ms`,
      ];
    }
    case 'trial-done': {
      const t = event.figures;
      return [
        `trial ${event.trial + 1}/${event.of} (seed ${t.seed}): achieved ${t.achievedRps.toFixed(1)} req/s, p50 ${t.p50Ms.toFixed(1)} ms, p95 ${t.p95Ms.toFixed(1)} ms, ` +
          `p99 ${t.p99Ms.toFixed(1)} ms, ${t.dropped} dropped: ${t.held ? 'held' : `did not hold (${t.reason})`}`,
      ];
    }
    default:
      return [];
  }
}
