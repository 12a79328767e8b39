import { MONTH_HOURS } from '../schema/plan.js';
import type { Finding, Findings } from '../schema/findings.js';
import type { FleetPurchase } from '../schema/fleetPurchase.js';
import { describePurchaseOrigin, type PurchaseBook } from '../pricing/purchaseBook.js';
import { describeOption } from '../pricing/purchaseOptions.js';
import { formatUsd, roundCents } from '../plan/money.js';
import { InputError } from '../util/errors.js';

/**
 * Savings after discounts (Compute Optimizer's "savings estimation mode: after discounts"), from a
 * findings document and how the fleet is paid for. Pure; analyse.ts is untouched.
 *
 * The findings price every instance removed at On-Demand: per hour, max(0, running − needed) × p.
 * With k instances committed, the commitment is billed whether they run or not, so removing one of
 * the first k saves nothing: per hour only max(0, running − max(needed, k)) × p is saved. The same
 * hours and weights as the findings' own sums (minutes / 60), scaled to a 730-hour month.
 */
export function applyDiscounts(findings: Findings, purchase: FleetPurchase, book: PurchaseBook, fleetLabel: string): Findings {
  const { instanceType, region } = findings.fleet;
  const quote = book.commitment(purchase.option, instanceType, region);
  const rate = purchase.effectiveUsdPerHour ?? quote?.effectiveUsdPerHour;
  if (rate === undefined) {
    throw new InputError(
      `fleet '${fleetLabel}' purchase: no price for ${describeOption(purchase.option)} on ${instanceType} in ${region}`,
      `add effectiveUsdPerHour (your rate, from the bill) to purchase, or fetch it with 'capacity-plan prices refresh --purchase-option ${purchase.option} --region ${region} --instance-types ${instanceType}'`,
    );
  }
  // A Savings Plan's dollars cover floor(commitment / rate) whole instances of this type; the rest of a dollar spills onto On-Demand.
  const k = purchase.committedInstances ?? Math.floor((purchase.commitmentUsdPerHour ?? 0) / rate + 1e-9);
  const p = findings.price.usdPerHour;
  const known = findings.hours.filter((h) => h.runningInstances !== null);
  const weight = known.reduce((t, h) => t + h.minutes / 60, 0);
  const monthly = (instanceHours: number): number => (weight > 0 ? (instanceHours * p * MONTH_HOURS) / weight : 0);
  const neededAtPeak = findings.summary.neededInstances;
  const before = { staticUsdPerMonth: findings.summary.staticSavingsUsdPerMonth, scheduledUsdPerMonth: findings.summary.scheduledSavingsUsdPerMonth };
  // Never more than before: without demand figures the findings save nothing, and neither does this.
  const staticAfter = Math.min(before.staticUsdPerMonth, monthly(known.reduce((t, h) => t + Math.max(0, h.runningInstances! - Math.max(neededAtPeak, k)) * (h.minutes / 60), 0)));
  const scheduledAfter = Math.min(before.scheduledUsdPerMonth, monthly(known.reduce((t, h) => t + Math.max(0, h.runningInstances! - Math.max(h.neededInstances, k)) * (h.minutes / 60), 0)));
  const rateFrom = purchase.effectiveUsdPerHour !== undefined ? 'the fleet file' : describePurchaseOrigin(quote!.origin);
  const what = `${k} x ${instanceType} committed (${describeOption(purchase.option)} at $${rate}/h, ${rateFrom})`;
  const statement =
    `after discounts: ${what}; the static fleet saves ${formatUsd(roundCents(staticAfter))}/month (${formatUsd(before.staticUsdPerMonth)} On-Demand)` +
    `, scaling by hour of week ${formatUsd(roundCents(scheduledAfter))}/month (${formatUsd(before.scheduledUsdPerMonth)} On-Demand)`;

  const extra: Finding[] = [];
  const running = findings.summary.runningInstances;
  if (running !== null && k > neededAtPeak && running > neededAtPeak) {
    const covered = Math.min(running, k) - neededAtPeak;
    extra.push({
      finding: 'COMMITMENT_COVERS',
      reasonCodes: ['CommitmentCoversRemovedInstances'],
      summary:
        `${covered} of the ${running - neededAtPeak} instance(s) rightsizing would remove ${covered === 1 ? 'is' : 'are'} paid for by the commitment (${k} x ${instanceType}, ${describeOption(purchase.option)} at $${rate}/h): ` +
        `removing ${covered === 1 ? 'it' : 'them'} saves nothing until it ends, so the static fleet saves ${formatUsd(roundCents(staticAfter))}/month after discounts, not ${formatUsd(before.staticUsdPerMonth)}`,
      recommendation:
        `keep ${Math.min(running, k)} instance(s) while the commitment runs, or move the commitment to other usage it may cover` +
        (purchase.option.startsWith('sp-compute') ? ' (a Compute Savings Plan covers any family and region)' : '') +
        `; do not renew it above ${neededAtPeak}`,
      evidence: {
        hours: [],
        hourCount: 0,
        figures: { committedInstances: k, neededInstances: neededAtPeak, runningInstances: running, effectiveUsdPerHour: rate, onDemandUsdPerHour: p },
      },
      // The saving is the OVER_PROVISIONED finding's; this one only says how much of it the commitment takes back.
      estimatedMonthlySavings: { currency: 'USD', value: 0 },
      risk: 0,
    });
  }
  return {
    ...findings,
    findings: [...findings.findings, ...extra],
    afterDiscounts: {
      option: purchase.option,
      committedInstances: k,
      effectiveUsdPerHour: rate,
      rateFrom,
      onDemandUsdPerHour: p,
      beforeDiscounts: before,
      staticSavingsUsdPerMonth: roundCents(staticAfter),
      scheduledSavingsUsdPerMonth: roundCents(scheduledAfter),
      statement,
    },
  };
}

/** The lines the text output adds. */
export function renderAfterDiscounts(findings: Findings): string {
  const a = findings.afterDiscounts;
  if (!a) return '';
  return `\n${a.statement.charAt(0).toUpperCase()}${a.statement.slice(1)}\n`;
}
