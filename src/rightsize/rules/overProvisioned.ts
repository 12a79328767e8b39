import { formatUsd, roundCents } from '../../plan/money.js';
import type { Finding } from '../../schema/findings.js';
import type { Hour } from '../hours.js';
import { GPU_LOW_SHARE, MIN_SCHEDULED_SAVINGS_USD, OVER_PROVISIONED_RISK_LOADS } from '../thresholds.js';
import { finding, floorWords, intervalWords, r1, r3, slaWords, type Context } from './context.js';

export function overProvisioned(ctx: Context, neededAtPeak: number, peak: Hour | undefined, staticSavings: number, scheduledSavings: number, slaTrouble: boolean): Finding[] {
  if (!peak || ctx.known.length === 0) return [];
  const { capacity, fleet } = ctx;
  const C = capacity.throughputRps;
  const loadAfter = peak.peakRps / (neededAtPeak * C);
  let risk = OVER_PROVISIONED_RISK_LOADS.filter((load) => loadAfter > load).length;
  if (!capacity.meetsSla) risk++;
  if (slaTrouble) risk++;
  const gpuMax = ctx.hours.reduce((m, h) => (Number.isNaN(h.gpuUtilPct) ? m : Math.max(m, h.gpuUtilPct)), Number.NEGATIVE_INFINITY);
  // An idle GPU with latency trouble is waiting on something (IO_BOUND), not too big.
  const gpuLow = !slaTrouble && capacity.gpuUtilPct !== undefined && gpuMax >= 0 && gpuMax < GPU_LOW_SHARE * capacity.gpuUtilPct;
  const gpuReason = gpuLow ? ['GPUOverprovisioned'] : [];
  const figures = {
    peakHour: peak.start,
    peakRps: r3(peak.peakRps),
    perInstanceRps: r3(ctx.perInstanceRps),
    neededAtPeak,
    loadOfCapacityAfter: r3(loadAfter),
    staticSavingsUsdPerMonth: roundCents(staticSavings),
    scheduledSavingsUsdPerMonth: roundCents(scheduledSavings),
    ...(gpuLow ? { gpuUtilPctMax: r1(gpuMax), profiledGpuUtilPct: capacity.gpuUtilPct ?? null } : {}),
  };
  if (roundCents(staticSavings) > 0) {
    const over = ctx.known.filter((h) => h.running - 1e-9 > neededAtPeak);
    return [
      finding({
        kind: 'OVER_PROVISIONED',
        reasonCodes: ['CapacityOverprovisioned', ...gpuReason],
        summary: `${neededAtPeak} × ${fleet.instanceType} carry the peak of ${r1(peak.peakRps)} req/s at ${slaWords(fleet)}${floorWords(ctx, peak.peakRps, neededAtPeak)}${capacity.interval ? ` even on the capacity interval's lower end (${C} req/s each; ${intervalWords(capacity.interval)})` : ''}; the fleet ran more in ${over.length} hour(s)`,
        recommendation: `set the fleet to ${neededAtPeak} instances (${formatUsd(roundCents(staticSavings))}/month)${roundCents(scheduledSavings) > roundCents(staticSavings) ? `; following the hour-of-week schedule saves ${formatUsd(roundCents(scheduledSavings))}/month` : ''}`,
        hours: over,
        figures,
        savingsUsd: staticSavings,
        risk,
      }),
    ];
  }
  if (scheduledSavings >= MIN_SCHEDULED_SAVINGS_USD) {
    const over = ctx.known.filter((h) => h.running - 1e-9 > h.needed);
    return [
      finding({
        kind: 'OVER_PROVISIONED',
        reasonCodes: ['OffPeakOverprovisioned', ...gpuReason],
        summary: `the peak needs all ${neededAtPeak} instances, but ${over.length} hour(s) need fewer`,
        recommendation: `scale on a schedule (the weekly table) or on the over-provisioned alarm: ${formatUsd(roundCents(scheduledSavings))}/month`,
        hours: over,
        figures,
        savingsUsd: scheduledSavings,
        risk,
      }),
    ];
  }
  return [];
}
