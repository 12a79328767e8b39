import type { Finding } from '../../schema/findings.js';
import { instancesFor } from '../../plan/instances.js';
import { finding, intervalWords, pct, r1, r2, r3, type Context } from './context.js';

/**
 * Hours short of instances. With a capacity interval, h.needed is sized on its lower end; an hour is
 * named only when even the upper end would not carry it (demand per instance above the interval
 * x utilisation): inside the interval the measurement cannot say the fleet is short.
 */
export function underProvisioned(ctx: Context, neededAtPeak: number): Finding[] {
  const interval = ctx.capacity.interval;
  const upper = interval?.upperRps;
  const short = ctx.known.filter((h) => h.running + 1e-9 < h.needed);
  const hit = interval ? short.filter((h) => upper !== null && upper !== undefined && h.running + 1e-9 < instancesFor(h.peakRps, upper * ctx.fleet.utilization, ctx.fleet.minInstances)) : short;
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
      summary: `in ${hit.length} hour(s) demand peaked above what the running instances carry at ${pct(ctx.fleet.utilization)} of ${ctx.capacity.throughputRps} req/s each${interval && upper ? `, and above the capacity interval's upper end (${upper} req/s each; ${intervalWords(interval)})` : ''}: worst ${r1(worst.peakRps)} req/s on ${r2(worst.running)} instances (${pct(load)} of capacity), ${worst.needed} needed`,
      recommendation: `run at least ${neededAtPeak} instances through the peak hours (or scale on the sla-at-risk alarm)`,
      hours: hit,
      figures: { worstHour: worst.start, peakRps: r3(worst.peakRps), runningInstances: r2(worst.running), neededInstances: worst.needed, loadOfCapacity: r3(load) },
      savingsUsd: -extra,
      risk: load > 1 ? 4 : 3,
    }),
  ];
}
