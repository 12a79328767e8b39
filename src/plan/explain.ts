import type { Plan, PlanCandidate } from '../schema/plan.js';
import { formatSla } from '../schema/sla.js';
import { describeOrigin } from '../pricing/priceBook.js';
import { formatUsd } from './money.js';

const n = (x: number, digits = 4): string => String(Number(x.toFixed(digits)));

/** `--explain`: the plan's arithmetic, step by step, from the numbers the plan document holds. */
export function explainPlan(plan: Plan): string[] {
  const { traffic, monthHours, sla, utilization, minInstances } = plan.inputs;
  const millions = traffic.requestsPerMonth / 1e6;
  const lines = [
    `How this plan was computed (month = ${monthHours} h; SLA ${formatSla(sla)}; utilisation target ${utilization}; at least ${minInstances} instance(s)):`,
    `traffic: ${traffic.description}: over ${traffic.hours} h, peak ${n(traffic.peakRps)} req/s, mean ${n(traffic.meanRps)} req/s`,
    `  requests per month = ${n(traffic.meanRps)} req/s x 3600 s x ${monthHours} h = ${n(millions)} M`,
  ];
  for (const c of plan.candidates) lines.push(...explainCandidate(c, plan, millions));
  for (const entry of plan.comparison ?? []) {
    lines.push(
      `compare: ${formatUsd(entry.fromUsdPerMonth)} - ${formatUsd(entry.toUsdPerMonth)} = ${formatUsd(entry.savesUsdPerMonth)}` +
        (entry.savesPct === null ? '' : `; / ${formatUsd(entry.fromUsdPerMonth)} = ${n(entry.savesPct, 2)}%`),
    );
  }
  return lines;
}

/** How a sweep's capacity interval became the capacity planned on: which end, and why. */
function intervalLines(c: PlanCandidate): string[] {
  const { interval, plannedOn, throughputRps } = c.capacity;
  if (!interval) return [];
  const upper = interval.upperRps === null ? 'unbounded (above every rate measured)' : `${n(interval.upperRps)}`;
  const lines = [
    `  sweep capacity: estimate ${interval.estimateRps === null ? 'none' : `${n(interval.estimateRps)} req/s`}, ${interval.confidencePct}% interval ${n(interval.lowerRps)} to ${upper} req/s`,
  ];
  if (interval.estimateRps === null) {
    lines.push('  planned on: nothing; even the lowest rate measured misses the SLA, so the closest point stands in below');
  } else if (!c.meetsSla) {
    lines.push(`  planned on: nothing; the interval reaches 0 and no rate met the SLA on its own evidence, so the closest point stands in below`);
  } else if (plannedOn === 'estimate') {
    lines.push(`  planned on: the estimate, ${n(throughputRps)} req/s (--capacity estimate); the capacity is below it about half the time`);
  } else if (plannedOn === 'certified') {
    lines.push(`  planned on: ${n(throughputRps)} req/s, the highest rate that met the SLA on its own evidence: the lower end is 0 (below the lowest rate measured), which no fleet can be sized on`);
  } else {
    lines.push(
      `  planned on: the lower end, ${n(throughputRps)} req/s (--capacity lower, the default): the capacity is at least this with ${(100 + interval.confidencePct) / 2}% confidence`,
    );
  }
  return lines;
}

function explainCandidate(c: PlanCandidate, plan: Plan, millions: number): string[] {
  const { sla, monthHours, minInstances } = plan.inputs;
  const cap = c.capacity;
  const ratio = c.peakDemandRps / cap.perInstanceRps;
  const verdict = c.meetsSla ? `<= ${sla.maxLatencyMs} ms, meets` : `> ${sla.maxLatencyMs} ms, misses by ${c.slaMiss?.byMs} ms (${c.slaMiss?.byPct}%)`;
  const lines = [
    `#${c.rank} ${c.id}: ${c.instanceType} in ${c.region} at $${c.usdPerHour}/h (${c.platform === 'sagemaker' ? 'SageMaker Hosting, ' : ''}${describeOrigin(c.price)})` +
      (c.measuredOn ? `; measured on ${c.measuredOn}, the same hardware` : ''),
    ...intervalLines(c),
    `  capacity at SLA (${cap.from}): ${n(cap.throughputRps)} req/s at ${cap.percentile} ${n(cap.latencyMs)} ms ${verdict}`,
    `  capacity per instance = ${n(cap.throughputRps)} req/s x ${cap.utilization} = ${n(cap.perInstanceRps)} req/s`,
    `  static fleet = max(${minInstances}, ceil(${n(c.peakDemandRps)} / ${n(cap.perInstanceRps)})) = max(${minInstances}, ceil(${n(ratio)})) = ${c.peakInstances} instance(s)`,
    `  instances = ${c.peakInstances} x $${c.usdPerHour}/h x ${monthHours} h = ${formatUsd(c.usdPerMonthInstances)}/month`,
  ];
  const extras = c.extras.map((e) => `${e.item} ${formatUsd(e.usdPerMonth)}`).join(' + ');
  lines.push(
    extras
      ? `  static total = ${formatUsd(c.usdPerMonthInstances)} + ${extras} = ${formatUsd(c.usdPerMonth)}/month`
      : `  static total = ${formatUsd(c.usdPerMonth)}/month (no extra costs)`,
  );
  const s = c.scheduledInstances;
  lines.push(
    `  scheduled scaling: ${s.min} to ${s.max} instance(s) hour by hour, mean ${n(s.mean)} x $${c.usdPerHour}/h x ${monthHours} h` +
      `${c.extrasUsdPerMonth > 0 ? ` + ${formatUsd(c.extrasUsdPerMonth)} extras` : ''} = ${formatUsd(c.usdPerMonthScheduled)}/month`,
  );
  if (c.usdPerMillionRequests !== null) {
    lines.push(`  per million requests = ${formatUsd(c.usdPerMonth)} / ${n(millions)} M = $${n(c.usdPerMillionRequests)}`);
  }
  return lines;
}
