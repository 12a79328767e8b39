import type { Finding } from '../../schema/findings.js';
import { OVER_SLA_MINUTES, SLA_BREACH_SHARE_HIGH_RISK } from '../thresholds.js';
import { finding, r1, r3, slaWords, type Context } from './context.js';

export function slaAtRisk(ctx: Context): Finding[] {
  const { fleet, capacity } = ctx;
  const withLatency = ctx.hours.filter((h) => !Number.isNaN(h.latencyMs));
  const hit = withLatency.filter((h) => h.minutesOverSla >= OVER_SLA_MINUTES);
  const out: Finding[] = [];
  if (!capacity.meetsSla) {
    out.push(
      finding({
        kind: 'SLA_AT_RISK',
        reasonCodes: ['ProfileMissesSla'],
        summary: `the capacity document never met ${slaWords(fleet)}: its closest point is ${capacity.throughputRps} req/s at ${capacity.latencyMs} ms`,
        recommendation: 'profile a faster serving configuration (see `capacity-plan sweep`), or relax the fleet\'s SLA',
        figures: { profiledLatencyMs: capacity.latencyMs, slaMs: fleet.sla.maxLatencyMs },
        risk: 4,
      }),
    );
  }
  if (hit.length === 0) return out;
  const worst = hit.reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a));
  const share = hit.length / withLatency.length;
  out.push(
    finding({
      kind: 'SLA_AT_RISK',
      reasonCodes: ['LatencySLABreached'],
      summary: `observed ${fleet.sla.percentile} exceeded ${fleet.sla.maxLatencyMs} ms for ${OVER_SLA_MINUTES}+ minutes in ${hit.length} of ${withLatency.length} hours; worst ${r1(worst.latencyMs)} ms`,
      recommendation: 'see UNDER_PROVISIONED, IO_BOUND or GPU_SATURATED below for the likely cause; the latency-sla alarm watches this',
      hours: hit,
      figures: { worstHour: worst.start, worstLatencyMs: r1(worst.latencyMs), slaMs: fleet.sla.maxLatencyMs, shareOfHours: r3(share) },
      risk: share > SLA_BREACH_SHARE_HIGH_RISK ? 4 : 3,
    }),
  );
  return out;
}
