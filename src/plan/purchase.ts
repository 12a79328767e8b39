import { MONTH_HOURS } from '../schema/plan.js';
import type { CandidatePurchase, PurchaseChoice, PurchaseOptionCost } from '../schema/planPurchase.js';
import type { PurchaseBook } from '../pricing/purchaseBook.js';
import { platformOf } from '../pricing/platform.js';
import { COMMITMENT_OPTIONS, commitmentOption, describeOption, type CommitmentOption, type PurchaseOptionId } from '../pricing/purchaseOptions.js';
import { InputError } from '../util/errors.js';
import { optimalCommitment, type CommitmentMix } from './commitment.js';
import { formatUsd, roundCents, roundTo } from './money.js';

/** `plan --purchase` and `--spot`, with the prices to use. */
export interface PurchaseRequest {
  book: PurchaseBook;
  choice: PurchaseChoice;
  spot: boolean;
}

/** The options that can buy a type: EC2 Reserved Instances and Compute / EC2 Instance SPs; SageMaker SPs for ml.* types. */
export function optionsFor(instanceType: string): CommitmentOption[] {
  const sagemaker = platformOf(instanceType) === 'sagemaker';
  return COMMITMENT_OPTIONS.filter((o) => (sagemaker ? o.kind === 'sp' && o.spType === 'sagemaker' : !(o.kind === 'sp' && o.spType === 'sagemaker')));
}

/**
 * Pure: each option's optimal mix for the candidate's hourly instances (every hour of the span,
 * repeating for the term), the cheapest, and what the ranking uses. Throws an InputError when
 * `--purchase <option>` names an option with no price for this type and region.
 */
export function purchaseFor(args: {
  id: string;
  instanceType: string;
  region: string;
  onDemandUsdPerHour: number;
  /** Instances per hour over the plan's span (168 h a week, or 8760 a year). */
  instances: readonly number[];
  /** The static fleet's monthly instance cost: what `--purchase ondemand` ranks by. */
  staticUsdPerMonth: number;
  request: PurchaseRequest;
}): CandidatePurchase {
  const { instanceType, region, instances, request } = args;
  const p = args.onDemandUsdPerHour;
  const H = instances.length;
  const perMonth = (weekUsd: number): number => (weekUsd / H) * MONTH_HOURS;
  const onDemandMonth = perMonth(optimalCommitment({ instances, onDemandUsdPerHour: p }).weekUsd.total);
  const floorInstances = Math.min(...instances);
  const weekdayPeak = peakOnlyOnWeekdays(instances);
  const spotQuote = request.spot ? request.book.spot(instanceType, region) : undefined;
  const spot = spotQuote && spotQuote.usdPerHour < p ? { usdPerHour: spotQuote.usdPerHour, floorInstances } : undefined;

  const options: PurchaseOptionCost[] = [];
  const noPrice: PurchaseOptionId[] = [];
  const costOf = (option: PurchaseOptionId, rate: number | null, price: PurchaseOptionCost['price'], mix: CommitmentMix): PurchaseOptionCost => {
    const usdPerMonth = perMonth(mix.weekUsd.total);
    const savesPct = onDemandMonth > 0 ? ((onDemandMonth - usdPerMonth) / onDemandMonth) * 100 : 0;
    return {
      option,
      description: describeOption(option),
      effectiveUsdPerHour: rate,
      price,
      committedInstances: mix.committedInstances,
      commitmentUsdPerHour: roundTo(mix.commitmentUsdPerHour, 6),
      committedUsdPerMonth: roundCents(perMonth(mix.weekUsd.committed)),
      onDemandUsdPerMonth: roundCents(perMonth(mix.weekUsd.onDemand)),
      spotUsdPerMonth: roundCents(perMonth(mix.weekUsd.spot)),
      usdPerMonth: roundCents(usdPerMonth),
      peakOnDemandInstances: mix.peakOnDemandInstances,
      peakSpotInstances: mix.peakSpotInstances,
      savesPct: roundTo(savesPct, 2),
      sentence: buyerSentence({ option, instanceType, rate, mix, usdPerMonth, savesPct, weekdayPeak, spotUsdPerHour: spot?.usdPerHour, floorInstances, hours: H, p }),
    };
  };
  for (const o of optionsFor(instanceType)) {
    const quote = request.book.commitment(o.id, instanceType, region);
    if (!quote) {
      noPrice.push(o.id);
      continue;
    }
    const mix = optimalCommitment({ instances, onDemandUsdPerHour: p, committedUsdPerHour: quote.effectiveUsdPerHour, ...(spot ? { spot } : {}) });
    options.push(costOf(o.id, quote.effectiveUsdPerHour, quote.origin, mix));
  }
  if (spot && spotQuote) options.push(costOf('spot', null, spotQuote.origin, optimalCommitment({ instances, onDemandUsdPerHour: p, spot })));

  const best = [...options].sort((a, b) => a.usdPerMonth - b.usdPerMonth || a.option.localeCompare(b.option))[0]?.option ?? null;
  let ranked: CandidatePurchase['ranked'] = { by: 'ondemand', usdPerMonth: roundCents(args.staticUsdPerMonth) };
  if (request.choice === 'best') {
    ranked = best ? { by: best, usdPerMonth: options.find((o) => o.option === best)!.usdPerMonth } : { by: 'ondemand-scheduled', usdPerMonth: roundCents(onDemandMonth) };
  } else if (request.choice !== 'ondemand') {
    const chosen = options.find((o) => o.option === request.choice);
    if (!chosen) {
      const why = request.choice === 'spot' ? 'Spot needs --spot and a Spot price below On-Demand' : `no price for ${describeOption(request.choice)}`;
      throw new InputError(
        `--purchase ${request.choice}: ${why} for ${instanceType} in ${region} (${args.id})`,
        commitmentOption(request.choice) || request.choice === 'spot'
          ? `'capacity-plan prices --purchase-option all --region ${region}' lists what is priced; 'capacity-plan prices refresh --purchase-option all --region ${region} --instance-types ${instanceType}' fetches the rest`
          : 'use ondemand, best or an option id',
      );
    }
    ranked = { by: chosen.option, usdPerMonth: chosen.usdPerMonth };
  }
  return {
    onDemandUsdPerHour: p,
    onDemandUsdPerMonth: roundCents(onDemandMonth),
    options,
    noPrice,
    best,
    spot:
      spot && spotQuote
        ? {
            usdPerHour: spotQuote.usdPerHour,
            minUsdPerHour: spotQuote.minUsdPerHour,
            maxUsdPerHour: spotQuote.maxUsdPerHour,
            interruptionFrequency: spotQuote.interruptionFrequency ?? null,
            price: spotQuote.origin,
            floorInstances,
            statement:
              `Spot instances can be reclaimed with two minutes' notice` +
              (spotQuote.interruptionFrequency ? ` (AWS Spot Advisor interruption frequency ${spotQuote.interruptionFrequency} for ${instanceType} in ${region})` : ' (no interruption figure in the sources)') +
              `; Spot runs only above the floor of ${floorInstances} instance(s) the week always needs, so an interruption slows the peak but never takes the service down; Spot capacity at the peak is not guaranteed`,
          }
        : null,
    ranked,
  };
}

/** Hours 0-119 are Monday to Friday (the plan's week starts Monday 00:00). */
function peakOnlyOnWeekdays(instances: readonly number[]): boolean {
  if (instances.length !== 168) return false;
  const max = Math.max(...instances);
  return instances.every((d, h) => d < max || h < 120) && instances.some((d) => d < max);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const usdRate = (x: number): string => `$${Number(x.toFixed(4))}/h`;

/** "commit $0.76/h to a 1-year no-upfront Compute Savings Plan, run up to 3 more g4dn.xlarge On-Demand at the weekday peak: $X/month, -Y% against On-Demand". */
function buyerSentence(a: {
  option: PurchaseOptionId;
  instanceType: string;
  rate: number | null;
  mix: CommitmentMix;
  usdPerMonth: number;
  savesPct: number;
  weekdayPeak: boolean;
  spotUsdPerHour: number | undefined;
  floorInstances: number;
  hours: number;
  p: number;
}): string {
  const { mix, instanceType } = a;
  const o = commitmentOption(a.option);
  const k = mix.committedInstances;
  const at = a.weekdayPeak ? 'at the weekday peak' : 'at the peak';
  const parts: string[] = [];
  if (!o) parts.push(`run the floor of ${plural(a.floorInstances, instanceType)} On-Demand`);
  else if (k === 0) {
    const busy = Math.floor((a.hours * (a.rate ?? 0)) / a.p) + 1;
    parts.push(`commit nothing to a ${describeOption(a.option)} (a committed instance pays off only if needed more than ${busy - 1} of ${a.hours} h at ${usdRate(a.rate ?? 0)})`);
  } else if (o.kind === 'sp') {
    parts.push(`commit $${mix.commitmentUsdPerHour.toFixed(2)}/h to a ${describeOption(a.option)} (${plural(k, instanceType)} at ${usdRate(a.rate ?? 0)})`);
  } else {
    parts.push(`buy ${k} ${instanceType} ${describeOption(a.option)}${k === 1 ? '' : 's'} (${usdRate(a.rate ?? 0)} each, upfront amortised)`);
  }
  const before = k > 0 || !o ? 'more ' : '';
  if (mix.peakOnDemandInstances > 0 && (o || mix.peakOnDemandInstances > a.floorInstances)) {
    parts.push(`run up to ${mix.peakOnDemandInstances} ${before}${instanceType} On-Demand${mix.peakSpotInstances > 0 ? '' : ` ${at}`}`);
  }
  if (mix.peakSpotInstances > 0) parts.push(`up to ${mix.peakSpotInstances} more on Spot ${at} (mean ${usdRate(a.spotUsdPerHour ?? 0)})`);
  const sign = a.savesPct >= 0 ? '-' : '+';
  return `${parts.join(', ')}: ${formatUsd(roundCents(a.usdPerMonth))}/month, ${sign}${Math.abs(a.savesPct).toFixed(1)}% against On-Demand`;
}
