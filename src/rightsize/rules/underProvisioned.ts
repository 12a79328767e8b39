import type { Finding } from '../../schema/findings.js';
import { finding, pct, r1, r2, r3, type Context } from './context.js';

export function underProvisioned(ctx: Context, neededAtPeak: number): Finding[] {
  const hit = ctx.known.filter((h) => h.running + 1e-9 < h.needed);
  if (hit.length === 0) return [];
  const worst = hit.reduce((a, b) => (b.peakRps / (b.running * ctx.capacity.throughputRps) > a.peakRps / (a.running * ctx.capacity.throughputRps) ? b : a));
  const load = worst.peakRps / (worst.running * ctx.capacity.throughputRps);
  const extra = ctx.monthly(
    ctx.known.reduce((t, h) => t + Math.max(0, neededAtPeak - h.running) * h.weight, 0),
    ctx.knownHours,
  );
  return [
    finding({
      kind: 'UNDER_PROVISIONED',
      reasonCodes: ['CapacityUnderprovisioned'],
      summary: `in ${hit.length} hour(s) demand peaked above what the running instances carry at ${pct(ctx.fleet.utilization)} of ${ctx.capacity.throughputRps} req/s each: worst ${r1(worst.peakRps)} req/s on ${r2(worst.running)} instances (${pct(load)} of capacity), ${worst.needed} needed`,
      recommendation: `run at least ${neededAtPeak} instances through the peak hours (or scale on the sla-at-risk alarm)`,
      hours: hit,
      figures: { worstHour: worst.start, peakRps: r3(worst.peakRps), runningInstances: r2(worst.running), neededInstances: worst.needed, loadOfCapacity: r3(load) },
      savingsUsd: -extra,
      risk: load > 1 ? 4 : 3,
    }),
  ];
}
