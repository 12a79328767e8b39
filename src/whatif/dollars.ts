import { MONTH_HOURS } from '../schema/plan.js';
import type { CapacityEstimate } from '../schema/capacityEstimate.js';
import { scheduleFor } from '../plan/instances.js';
import { STEPS_PER_DOUBLING } from '../sweep/capacitySearch.js';

/**
 * Dollars of one measured capacity at the user's traffic, by the planner's rule (src/plan/planner.ts):
 *   capacity per instance = capacity at the SLA x utilisation
 *   instances             = the static fleet: the highest hour's max(minInstances, ceil(demand / per instance))
 *   $/month               = instances x usdPerHour x 730 + extras
 * A capacity interval gives an instances and dollars interval: its upper end fewer instances (the
 * low bill), its lower end more (the high bill).
 */

export interface Pricing {
  /** Requests per second for each hour of the week (or year): the planner's demand. */
  demandRps: ArrayLike<number>;
  usdPerHour: number;
  utilization: number;
  minInstances: number;
}

export interface Bill {
  /** null: the capacity is unknown or zero, so no fleet of any size is known to hold the SLA. */
  instances: number | null;
  usdPerMonth: number | null;
}

export interface PricedCapacity {
  estimate: Bill;
  /** From the interval's upper end (fewer instances); the estimate's when the interval is open above. */
  low: Bill;
  /** From the interval's lower end (more instances); null dollars when the lower end is 0. */
  high: Bill;
}

export function billFor(capacityRps: number | null, extrasUsd: number, p: Pricing): Bill {
  if (capacityRps === null || !(capacityRps > 0)) return { instances: null, usdPerMonth: null };
  const instances = scheduleFor(p.demandRps, capacityRps * p.utilization, p.minInstances).peakInstances;
  return { instances, usdPerMonth: instances * p.usdPerHour * MONTH_HOURS + extrasUsd };
}

export function priceCapacity(capacity: CapacityEstimate | undefined, extrasUsd: number, p: Pricing): PricedCapacity {
  const estimate = billFor(capacity?.estimateRps ?? null, extrasUsd, p);
  return {
    estimate,
    low: capacity?.upperRps != null ? billFor(capacity.upperRps, extrasUsd, p) : estimate,
    high: billFor(capacity?.lowerRps ?? null, extrasUsd, p),
  };
}

/** A dollar figure with its range; null where a side has no bill. */
export interface UsdRange {
  usd: number | null;
  low: number | null;
  high: number | null;
}

/**
 * What moving from bill `a` to bill `b` saves: a - b, its range the widest the two ranges allow
 * (a's low minus b's high up to a's high minus b's low).
 */
export function saving(a: PricedCapacity, b: PricedCapacity): UsdRange {
  const minus = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : x - y);
  return {
    usd: minus(a.estimate.usdPerMonth, b.estimate.usdPerMonth),
    low: minus(a.low.usdPerMonth, b.high.usdPerMonth),
    high: minus(a.high.usdPerMonth, b.low.usdPerMonth),
  };
}

/**
 * Two capacity intervals apart by more than one step of the search's grid (x1.12): the difference
 * is beyond the measurements' noise. Each interval holds the noise within its own runs; the step
 * is for what lies between two variants measured at different times. Near its capacity a short
 * run's outcome is a coin toss (the queue grows or it does not), so a variant measured once at
 * each rate can land a whole grid step lower than an identical one: three fresh-clone demos on
 * the 2-core host saw it for settings that cannot cost capacity (caching a config file).
 */
export const NOISE_STEP_RATIO = 2 ** (1 / STEPS_PER_DOUBLING);

export function intervalsApart(a: CapacityEstimate | undefined, b: CapacityEstimate | undefined): boolean {
  if (!a || !b) return false;
  const aUpper = a.upperRps ?? Number.POSITIVE_INFINITY;
  const bUpper = b.upperRps ?? Number.POSITIVE_INFINITY;
  return aUpper * NOISE_STEP_RATIO < b.lowerRps || bUpper * NOISE_STEP_RATIO < a.lowerRps;
}

/** Two dollar ranges that do not overlap (unknown ends count as overlapping: no claim without evidence). */
export function rangesApart(a: UsdRange, b: UsdRange): boolean {
  if (a.low === null || a.high === null || b.low === null || b.high === null) return false;
  return a.high < b.low || b.high < a.low;
}
