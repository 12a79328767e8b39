import { instancesFor } from '../../plan/instances.js';
import { roundCents, roundTo } from '../../plan/money.js';
import type { Fleet } from '../../schema/fleet.js';
import type { Finding } from '../../schema/findings.js';
import type { FleetCapacity, FleetCapacityInterval } from '../capacity.js';
import type { Hour } from '../hours.js';
import type { FleetSeries } from '../series.js';

/** What every rule reads, and the one way a rule makes a finding. */

/** A finding names at most this many of its hours (hourCount says how many there were). */
const LISTED_HOURS = 24;

export interface Context {
  series: FleetSeries;
  capacity: FleetCapacity;
  fleet: Fleet;
  hours: Hour[];
  /** Hours with an instance count. */
  known: Hour[];
  perInstanceRps: number;
  usdPerHour: number;
  monthly(instanceHours: number, weightHours: number): number;
  knownHours: number;
}

/** One finding, in Compute Optimizer's shape; savings in USD a month (negative: it costs), risk 0-4. */
export function finding(f: {
  kind: Finding['finding'];
  reasonCodes: string[];
  summary: string;
  recommendation: string;
  /** The hours it rests on (the first LISTED_HOURS are named); none for fleet-wide findings. */
  hours?: readonly Hour[];
  figures: Finding['evidence']['figures'];
  savingsUsd?: number;
  risk: number;
}): Finding {
  const hours = f.hours ?? [];
  return {
    finding: f.kind,
    reasonCodes: f.reasonCodes,
    summary: f.summary,
    recommendation: f.recommendation,
    evidence: { hours: hours.slice(0, LISTED_HOURS).map((h) => h.start), hourCount: hours.length, figures: f.figures },
    estimatedMonthlySavings: { currency: 'USD', value: roundCents(f.savingsUsd ?? 0) },
    risk: Math.max(0, Math.min(4, f.risk)),
  };
}

/** " with the HA floor" when the floor, not demand, sets the count. */
export function floorWords(ctx: Context, peakRps: number, needed: number): string {
  return needed === ctx.fleet.minInstances && instancesFor(peakRps, ctx.perInstanceRps, 0) < needed ? ' with the HA floor' : '';
}

export function slaWords(fleet: Fleet): string {
  return `${fleet.sla.percentile} ≤ ${fleet.sla.maxLatencyMs} ms`;
}

export const r1 = (x: number): number => roundTo(x, 1);
export const r2 = (x: number): number => roundTo(x, 2);
export const r3 = (x: number): number => roundTo(x, 3);
export const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** "90% interval 36.5–45 req/s, estimate 41.2": the capacity's interval as findings state it. */
export function intervalWords(i: FleetCapacityInterval): string {
  return `${i.confidencePct}% interval ${i.lowerRps}–${i.upperRps === null ? 'unbounded' : i.upperRps} req/s${i.estimateRps === null ? '' : `, estimate ${i.estimateRps}`}`;
}

/** The interval per instance at the fleet's utilisation: "29.2–36 req/s per instance at 80% of the 90% interval 36.5–45 req/s". */
export function perInstanceWords(ctx: Context, i: FleetCapacityInterval): string {
  const u = ctx.fleet.utilization;
  const upper = i.upperRps === null ? 'unbounded' : r1(i.upperRps * u);
  return `${r1(i.lowerRps * u)}–${upper} req/s per instance at ${pct(u)} of the ${intervalWords(i)}`;
}
