import { textTable } from '../util/textTable.js';
import type { Plan, PlanCandidate } from '../schema/plan.js';
import { formatSla } from '../schema/sla.js';
import { formatUsd } from './money.js';

const num = (x: number): string => String(Number(x.toFixed(2)));

const PLATFORM_NAMES = { ec2: 'EC2', sagemaker: 'SageMaker real-time endpoints', both: 'EC2 and SageMaker real-time endpoints' } as const;

/** "on EC2" / "on SageMaker real-time endpoints": plans made before platforms are EC2. */
export function platformName(platform: keyof typeof PLATFORM_NAMES | undefined): string {
  return PLATFORM_NAMES[platform ?? 'ec2'];
}

/** The recommendation as one sentence: which candidate, on which platform, how many of what, for how much. */
export function recommendationSentence(plan: Plan): string | undefined {
  const c = plan.candidates.find((x) => x.id === plan.recommended);
  if (!c) return undefined;
  return `${c.id} on ${platformName(c.platform)}: ${c.peakInstances} x ${c.instanceType} in ${c.region}, ${formatUsd(c.usdPerMonth)}/month static` +
    (c.usdPerMonthScheduled < c.usdPerMonth ? ` (${formatUsd(c.usdPerMonthScheduled)} with scheduled scaling)` : '');
}

/**
 * A sweep capacity's interval and the rate planned on: `41.2 req/s (90% 36.5–45.0), planned on
 * 36.5`; undefined for a capacity without one (profiles, older sweeps).
 */
export function capacityCell(c: PlanCandidate): string | undefined {
  const { interval, plannedOn, throughputRps } = c.capacity;
  if (!interval) return undefined;
  const range = `${interval.confidencePct}% ${num(interval.lowerRps)}–${interval.upperRps === null ? 'unbounded' : num(interval.upperRps)}`;
  if (interval.estimateRps === null) return `none (${range}): even the lowest rate misses`;
  if (!c.meetsSla) return `${num(interval.estimateRps)} req/s (${range}): nothing known to hold`;
  const on = plannedOn === 'certified' ? `planned on ${num(throughputRps)} (met on its own)` : `planned on ${num(throughputRps)}`;
  return `${num(interval.estimateRps)} req/s (${range}), ${on}`;
}

/** The plan as a table for people; --json gives the document itself. */
export function renderPlan(plan: Plan): string {
  const { inputs } = plan;
  const lines = [
    `Plan for ${inputs.traffic.description} (peak ${num(inputs.traffic.peakRps)} req/s) on ${platformName(inputs.platform)} in ${inputs.region}, SLA ${formatSla(inputs.sla)}, utilisation target ${inputs.utilization}, at least ${inputs.minInstances} instance(s)`,
    `Prices: ${plan.prices.statement}`,
    '',
  ];
  // The capacity column appears when some candidate has an interval, so older plans print as they did.
  const intervals = plan.candidates.some((c) => c.capacity.interval !== undefined);
  const header = ['rank', 'candidate', 'instance', 'SLA', ...(intervals ? ['capacity'] : []), 'per instance', 'peak', 'static $/month', 'scheduled $/month', '$/M req'];
  const rows = [header];
  for (const c of plan.candidates) {
    const sla = `${c.capacity.percentile} ${num(c.capacity.latencyMs)} ms ${c.meetsSla ? 'ok' : `MISS +${num(c.slaMiss?.byMs ?? 0)} ms`}`;
    rows.push([
      String(c.rank),
      c.model && !c.id.includes(c.model) ? `${c.id} [${c.model}]` : c.id,
      c.instanceType,
      sla,
      ...(intervals ? [capacityCell(c) ?? `${num(c.capacity.throughputRps)} req/s`] : []),
      `${num(c.capacity.perInstanceRps)} req/s`,
      `${c.peakInstances} x`,
      formatUsd(c.usdPerMonth),
      formatUsd(c.usdPerMonthScheduled),
      c.usdPerMillionRequests === null ? '-' : formatUsd(c.usdPerMillionRequests),
    ]);
  }
  lines.push(textTable(rows));
  const withExtras = plan.candidates.filter((c) => c.extras.length > 0);
  if (withExtras.length > 0) {
    lines.push('', 'Included extra monthly costs:');
    for (const c of withExtras) {
      const items = c.extras.map((e) => `${e.item} ${formatUsd(e.usdPerMonth)}`).join(', ');
      lines.push(`  ${c.id}: ${formatUsd(c.usdPerMonthInstances)} instances + ${items} = ${formatUsd(c.usdPerMonth)}`);
    }
  }
  lines.push('');
  const recommendation = recommendationSentence(plan);
  if (recommendation) lines.push(`Recommended: ${recommendation}`);
  else if (plan.closest) lines.push(`No candidate meets ${formatSla(inputs.sla)}; closest: ${plan.closest.id}, ${plan.closest.byMs} ms (${plan.closest.byPct}%) over`);
  for (const entry of plan.comparison ?? []) lines.push(entry.sentence.charAt(0).toUpperCase() + entry.sentence.slice(1));
  for (const entry of plan.platformComparison ?? []) lines.push(entry.sentence);
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of plan.warnings) lines.push(`  - ${w}`);
  }
  return `${lines.join('\n')}\n`;
}
