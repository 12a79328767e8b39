import type { Finding } from '../../schema/findings.js';
import { GPU_SATURATED_PCT, SLA_NEAR_SHARE } from '../thresholds.js';
import { finding, pct, r1, type Context } from './context.js';

export function gpuSaturated(ctx: Context): Finding[] {
  const sla = ctx.fleet.sla.maxLatencyMs;
  const hit = ctx.hours.filter((h) => h.gpuUtilPct >= GPU_SATURATED_PCT && h.latencyMs > SLA_NEAR_SHARE * sla);
  if (hit.length === 0) return [];
  const worst = hit.reduce((a, b) => (b.gpuUtilPct > a.gpuUtilPct ? b : a));
  return [
    finding({
      kind: 'GPU_SATURATED',
      reasonCodes: ['GPUUnderprovisioned'],
      summary: `the GPU averaged ${r1(worst.gpuUtilPct)}% while latency reached ${r1(worst.latencyMs)} ms (over ${pct(SLA_NEAR_SHARE)} of the ${sla} ms SLA) in ${hit.length} hour(s)`,
      recommendation: 'add instances before the SLA breaks, or a larger GPU; check the profile still matches (PROFILE_DRIFT)',
      hours: hit,
      figures: { worstHour: worst.start, gpuUtilPct: r1(worst.gpuUtilPct), latencyMs: r1(worst.latencyMs) },
      risk: 3,
    }),
  ];
}
