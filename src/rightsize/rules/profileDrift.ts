import type { Finding } from '../../schema/findings.js';
import { DRIFT_SHARE, OVER_SLA_MINUTES } from '../thresholds.js';
import { finding, pct, r1, r3, type Context } from './context.js';

export function profileDrift(ctx: Context): Finding[] {
  const C = ctx.capacity.throughputRps;
  const withLatency = ctx.known.filter((h) => !Number.isNaN(h.latencyMs) && h.running > 0);
  const above = withLatency.filter((h) => h.minutesOverSla === 0 && h.peakRps / h.running > (1 + DRIFT_SHARE) * C);
  const below = withLatency.filter((h) => h.minutesOverSla >= OVER_SLA_MINUTES && h.peakRps / h.running < (1 - DRIFT_SHARE) * C);
  const recommendation = `re-run \`capacity-plan sweep\` on the serving setup the fleet runs, and point the fleet's capacity at the new document`;
  const out: Finding[] = [];
  if (above.length > 0) {
    const best = above.reduce((a, b) => (b.peakRps / b.running > a.peakRps / a.running ? b : a));
    const observed = best.peakRps / best.running;
    out.push(
      finding({
        kind: 'PROFILE_DRIFT',
        reasonCodes: ['ProfileUnderstatesCapacity'],
        summary: `instances carried ${r1(observed)} req/s each within the SLA, ${pct(observed / C - 1)} above the profiled ${C} req/s`,
        recommendation,
        hours: above,
        figures: { bestHour: best.start, observedPerInstanceRps: r3(observed), profiledRps: C },
        risk: 2,
      }),
    );
  }
  if (below.length > 0) {
    const worst = below.reduce((a, b) => (b.peakRps / b.running < a.peakRps / a.running ? b : a));
    const observed = worst.peakRps / worst.running;
    out.push(
      finding({
        kind: 'PROFILE_DRIFT',
        reasonCodes: ['ProfileOverstatesCapacity'],
        summary: `latency broke the SLA at ${r1(observed)} req/s per instance, ${pct(1 - observed / C)} below the profiled ${C} req/s`,
        recommendation,
        hours: below,
        figures: { worstHour: worst.start, observedPerInstanceRps: r3(observed), profiledRps: C },
        risk: 2,
      }),
    );
  }
  return out;
}
