import { roundCents, roundTo } from '../plan/money.js';
import type { PriceBook } from '../pricing/priceBook.js';
import type { Fleet } from '../schema/fleet.js';
import { FINDINGS_SCHEMA_VERSION, Findings, type Finding, type PeakStat } from '../schema/findings.js';
import { MONTH_HOURS } from '../schema/plan.js';
import type { FleetCapacity } from './capacity.js';
import { hourFigures, hourly, iso, weeklyGrid, type Hour } from './hours.js';
import type { Context } from './rules/context.js';
import { gpuMemoryHeadroom } from './rules/gpuMemoryHeadroom.js';
import { gpuSaturated } from './rules/gpuSaturated.js';
import { idle } from './rules/idle.js';
import { insufficientData } from './rules/insufficientData.js';
import { ioBound } from './rules/ioBound.js';
import { overProvisioned } from './rules/overProvisioned.js';
import { profileDrift } from './rules/profileDrift.js';
import { slaAtRisk } from './rules/slaAtRisk.js';
import { underProvisioned } from './rules/underProvisioned.js';
import type { FleetSeries } from './series.js';
import { fleetVerdict } from './verdict.js';

export { percentile99 } from './hours.js';

export interface AnalysisOptions {
  /** The document's timestamp, from the caller's clock: the analysis reads none. */
  createdAt: string;
  peakStat: PeakStat;
  /** Where the metrics came from, in words (CloudWatch and region, or a recording file). */
  metricsSource: string;
}

/**
 * The pure analysis: per-minute demand -> each clock hour's peak (max, or p99 to damp one-minute
 * spikes) -> instances needed = max(floor, ceil(peak / (capacity x utilisation))) -> compared with
 * instances running, hour by hour. Findings follow Compute Optimizer's shape; money is per
 * 730-hour month from the same price book plans use.
 */
export function analyseFleet(series: FleetSeries, capacity: FleetCapacity, fleet: Fleet, prices: PriceBook, options: AnalysisOptions): Findings {
  const quote = prices.requireQuote(fleet.instanceType, fleet.region, `fleet '${fleet.name}' instanceType`);
  const perInstanceRps = capacity.throughputRps * fleet.utilization;
  const hours = hourly(series, perInstanceRps, fleet, options.peakStat);
  const monthly = (instanceHours: number, weightHours: number): number =>
    weightHours > 0 ? (instanceHours * quote.usdPerHour * MONTH_HOURS) / weightHours : 0;

  // Without a demand metric every minute reads as zero requests: nothing may be sized from that.
  const known = series.hasDemand ? hours.filter((h) => !Number.isNaN(h.running)) : [];
  const knownHours = known.reduce((t, h) => t + h.weight, 0);
  let peak: Hour | undefined;
  for (const h of hours) if (!peak || h.peakRps > peak.peakRps) peak = h;
  const neededAtPeak = hours.reduce((m, h) => Math.max(m, h.needed), fleet.minInstances);
  const counted = hours.filter((h) => !Number.isNaN(h.running));
  const maxRunning = counted.length > 0 ? Math.round(counted.reduce((m, h) => Math.max(m, h.running), 0)) : null;
  const staticSavings = monthly(
    known.reduce((t, h) => t + Math.max(0, h.running - neededAtPeak) * h.weight, 0),
    knownHours,
  );
  const scheduledSavings = monthly(
    known.reduce((t, h) => t + Math.max(0, h.running - h.needed) * h.weight, 0),
    knownHours,
  );

  const ctx: Context = { series, capacity, fleet, hours, known, perInstanceRps, usdPerHour: quote.usdPerHour, monthly, knownHours };
  // The rules, in the order findings are listed. Two passes: OVER_PROVISIONED weighs its risk by
  // whether the first pass found SLA trouble (SLA_AT_RISK or UNDER_PROVISIONED).
  const findings: Finding[] = [
    ...insufficientData(ctx),
    ...underProvisioned(ctx, neededAtPeak),
    ...slaAtRisk(ctx),
    ...ioBound(ctx),
    ...gpuSaturated(ctx),
    ...profileDrift(ctx),
  ];
  const slaTrouble = findings.some((f) => f.finding === 'SLA_AT_RISK' || f.finding === 'UNDER_PROVISIONED');
  findings.push(...overProvisioned(ctx, neededAtPeak, peak, staticSavings, scheduledSavings, slaTrouble), ...gpuMemoryHeadroom(ctx), ...idle(ctx));

  const weekly = weeklyGrid(hours);
  const warnings = [...capacity.notes, ...series.notes];
  const document: Findings = {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    kind: 'findings',
    createdAt: options.createdAt,
    fleet: {
      name: fleet.name,
      region: fleet.region,
      instanceType: fleet.instanceType,
      sla: fleet.sla,
      utilization: fleet.utilization,
      minInstances: fleet.minInstances,
      source: fleet.source,
    },
    capacity: {
      document: capacity.document,
      id: capacity.id,
      from: capacity.from,
      percentile: fleet.sla.percentile,
      throughputRps: capacity.throughputRps,
      latencyMs: capacity.latencyMs,
      meetsSla: capacity.meetsSla,
      perInstanceRps: roundTo(perInstanceRps, 4),
      gpuUtilPct: capacity.gpuUtilPct ?? null,
      topStages: capacity.topStages,
      ...(capacity.interval ? { interval: capacity.interval } : {}),
    },
    window: {
      start: iso(series.startEpochS),
      end: iso(series.startEpochS + series.minutes * 60),
      minutes: series.minutes,
      hours: hours.length,
      peakStat: options.peakStat,
      source: options.metricsSource,
      instancesFrom: series.instancesFrom,
    },
    price: { usdPerHour: quote.usdPerHour, origin: quote.origin },
    summary: {
      runningInstances: maxRunning,
      peakDemandRps: roundTo(peak?.peakRps ?? 0, 3),
      peakHour: peak ? peak.start : null,
      neededInstances: neededAtPeak,
      staticSavingsUsdPerMonth: roundCents(staticSavings),
      scheduledSavingsUsdPerMonth: roundCents(scheduledSavings),
      verdict: fleetVerdict(ctx, maxRunning, peak?.peakRps ?? 0, neededAtPeak, staticSavings, scheduledSavings, findings),
    },
    findings,
    warnings,
    hours: hours.map(hourFigures),
    weekly,
  };
  return Findings.parse(document);
}
