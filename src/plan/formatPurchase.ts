import type { Plan, PlanCandidate } from '../schema/plan.js';
import type { CandidatePurchase } from '../schema/planPurchase.js';
import { describePurchaseOrigin } from '../pricing/purchaseBook.js';
import { hoursNeededByLevel } from './commitment.js';
import { formatUsd } from './money.js';
import { textTable } from '../util/textTable.js';

const rate = (x: number): string => String(Number(x.toFixed(6)));

/** `plan --purchase best|<option>` / `--spot`: how to buy each candidate, in a buyer's words. */
export function renderPurchase(plan: Plan, all: boolean): string[] {
  const choice = plan.inputs.purchase?.choice ?? 'ondemand';
  const lines = [
    `How to buy it (ranked by ${choice === 'ondemand' ? 'On-Demand, the static fleet' : choice === 'best' ? 'the cheapest purchase mix of each candidate' : choice}; instances only, per ${plan.inputs.monthHours}-hour month; the week repeats for the whole term):`,
  ];
  const shown = all ? plan.candidates : plan.candidates.filter((c) => c.id === (plan.recommended ?? plan.closest?.id ?? plan.candidates[0]?.id));
  for (const c of plan.candidates) {
    const p = c.purchase;
    if (!p) continue;
    const best = p.options.find((o) => o.option === p.best);
    lines.push(`  ${c.id}: On-Demand alone (scheduled) ${formatUsd(p.onDemandUsdPerMonth)}/month; ${best ? `best: ${best.sentence}` : 'no purchase option is priced for it: ranked On-Demand, scheduled'}`);
  }
  for (const c of shown) if (c.purchase) lines.push('', ...optionTable(c, c.purchase));
  const spot = shown.find((c) => c.purchase?.spot)?.purchase?.spot;
  if (spot) lines.push('', `Spot: mean $${spot.usdPerHour}/h (${spot.minUsdPerHour}-${spot.maxUsdPerHour}), ${describePurchaseOrigin(spot.price)}. ${spot.statement}.`);
  return lines;
}

function optionTable(c: PlanCandidate, p: CandidatePurchase): string[] {
  const rows = [['option', 'effective $/h', 'committed', 'commitment $/h', 'On-Demand peak', 'Spot peak', '$/month', 'vs On-Demand', 'price from']];
  rows.push(['On-Demand only', String(p.onDemandUsdPerHour), '0', '-', String(c.scheduledInstances.max), '0', formatUsd(p.onDemandUsdPerMonth), '-', '(the plan\'s On-Demand price)']);
  for (const o of p.options) {
    rows.push([
      o.option + (o.option === p.best ? ' (best)' : ''),
      o.effectiveUsdPerHour === null ? '-' : rate(o.effectiveUsdPerHour),
      String(o.committedInstances),
      o.commitmentUsdPerHour > 0 ? rate(o.commitmentUsdPerHour) : '-',
      String(o.peakOnDemandInstances),
      String(o.peakSpotInstances),
      formatUsd(o.usdPerMonth),
      `${o.savesPct >= 0 ? '-' : '+'}${Math.abs(o.savesPct).toFixed(1)}%`,
      o.price ? describePurchaseOrigin(o.price) : '-',
    ]);
  }
  const lines = [`${c.id} (${c.instanceType} in ${c.region}), each option at its optimal commitment:`, textTable(rows)];
  if (p.noPrice.length > 0) lines.push(`no price (no source carried one; none is estimated): ${p.noPrice.join(', ')}`);
  return lines;
}

/** `--explain` with purchase figures: the rule, the levels and each option's sum. */
export function explainPurchase(plan: Plan): string[] {
  const lines: string[] = [];
  for (const c of plan.candidates) {
    const p = c.purchase;
    if (!p) continue;
    const levels = c.hourly ? hoursNeededByLevel(c.hourly.instances) : [];
    const H = 168;
    lines.push(
      `purchase ${c.id}: On-Demand alone = ${c.scheduledInstances.mean} mean instances x $${p.onDemandUsdPerHour}/h x ${plan.inputs.monthHours} h = ${formatUsd(p.onDemandUsdPerMonth)}/month`,
      ...(levels.length > 0 ? [`  hours of the week each instance level is needed, N(1..${levels.length}) = ${levels.join(', ')} (of ${H})`] : []),
      `  rule: commit level j while N(j)/${H} > committed rate / the rate it would otherwise run at (On-Demand; Spot above the floor with --spot)`,
    );
    for (const o of p.options) {
      const ratio = o.effectiveUsdPerHour === null ? '' : `ratio ${rate(o.effectiveUsdPerHour)} / ${p.onDemandUsdPerHour} = ${(o.effectiveUsdPerHour / p.onDemandUsdPerHour).toFixed(4)} (a level must be needed > ${((H * o.effectiveUsdPerHour) / p.onDemandUsdPerHour).toFixed(1)} h): `;
      lines.push(
        `  ${o.option}: ${ratio}commit ${o.committedInstances}; ${o.committedInstances} x $${rate(o.effectiveUsdPerHour ?? 0)}/h x ${plan.inputs.monthHours} h = ${formatUsd(o.committedUsdPerMonth)}` +
          ` + On-Demand ${formatUsd(o.onDemandUsdPerMonth)} + Spot ${formatUsd(o.spotUsdPerMonth)} = ${formatUsd(o.usdPerMonth)}/month (${o.savesPct >= 0 ? '-' : '+'}${Math.abs(o.savesPct).toFixed(2)}%)`,
      );
    }
  }
  return lines;
}
