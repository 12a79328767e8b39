import { formatUsd, roundCents } from '../plan/money.js';
import type { Finding } from '../schema/findings.js';
import { floorWords, perInstanceWords, r1, slaWords, type Context } from './rules/context.js';
import { MIN_SCHEDULED_SAVINGS_USD } from './thresholds.js';

/** The findings document's one-sentence verdict: what runs, what is needed, what it saves, what to watch. */
export function fleetVerdict(
  ctx: Context,
  running: number | null,
  peakRps: number,
  needed: number,
  staticSavings: number,
  scheduledSavings: number,
  findings: Finding[],
): string {
  const { fleet } = ctx;
  if (!ctx.series.hasDemand) {
    return `${running ?? 'an unknown number of'} × ${fleet.instanceType} running, but no demand data: nothing can be sized (see INSUFFICIENT_DATA)`;
  }
  const at = `at ${slaWords(fleet)}${floorWords(ctx, peakRps, needed)}`;
  let sentence: string;
  if (running === null) {
    sentence = `the fleet's peak was ${r1(peakRps)} req/s; ${needed} × ${fleet.instanceType} are needed ${at} (instances in service unknown)`;
  } else {
    const carry = `${running} × ${fleet.instanceType} carry a peak of ${r1(peakRps)} req/s`;
    const named = new Set(findings.map((f) => f.finding));
    const interval = ctx.capacity.interval;
    if (roundCents(staticSavings) > 0) sentence = `${carry}; ${needed} suffice ${at}, saving ${formatUsd(roundCents(staticSavings))}/month`;
    else if (running < needed && interval && !named.has('UNDER_PROVISIONED')) {
      // Short on the lower end, not on the upper: the measurement cannot call it under-provisioned.
      sentence = `${carry}: ${r1(peakRps / running)} req/s per instance at the peak, within the capacity interval (${perInstanceWords(ctx, interval)}); ${needed} are needed on its lower end, so this count may be short`;
    } else if (running < needed) sentence = `${carry}; ${needed} are needed ${at}`;
    else {
      // Said only when it is so: a right count can leave each instance under the interval (one fewer would be over it).
      const within = interval && running > 0 && peakRps / running >= interval.lowerRps * fleet.utilization - 1e-9 && (interval.upperRps === null || peakRps / running <= interval.upperRps * fleet.utilization + 1e-9);
      sentence = `${carry}; ${needed} are needed ${at}: the count is right${within ? `, ${r1(peakRps / running)} req/s per instance at the peak, within the capacity interval (${perInstanceWords(ctx, interval)})` : ''}`;
      if (roundCents(scheduledSavings) >= MIN_SCHEDULED_SAVINGS_USD) sentence += `; scaling by hour of week would save ${formatUsd(roundCents(scheduledSavings))}/month`;
    }
  }
  const concerns = [...new Set(findings.filter((f) => f.risk >= 3).map((f) => f.finding))];
  if (concerns.length > 0) sentence += ` (but see ${concerns.join(', ')})`;
  return sentence;
}
