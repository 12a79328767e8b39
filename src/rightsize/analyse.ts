import { instancesFor } from '../plan/instances.js';
import { formatUsd, roundCents, roundTo } from '../plan/money.js';
import type { PriceBook } from '../pricing/priceBook.js';
import type { Fleet } from '../schema/fleet.js';
import { FINDINGS_SCHEMA_VERSION, Findings, type Finding, type HourFigures, type PeakStat } from '../schema/findings.js';
import { MONTH_HOURS } from '../schema/plan.js';
import { HOURS_PER_WEEK } from '../schema/traffic.js';
import type { FleetCapacity, FleetCapacityInterval } from './capacity.js';
import type { FleetSeries } from './series.js';

export interface AnalysisOptions {
  /** The document's timestamp, from the caller's clock: the analysis reads none. */
  createdAt: string;
  peakStat: PeakStat;
  /** Where the metrics came from, in words (CloudWatch and region, or a recording file). */
  metricsSource: string;
}

/** An hour breaches the SLA when at least this many of its minutes do: the latency alarm's 3 of 5. */
export const OVER_SLA_MINUTES = 3;
/** PROFILE_DRIFT: observed capacity differs from the profiled one by more than this share. */
export const DRIFT_SHARE = 0.25;
/** IO_BOUND: the GPU runs below this share of what the profile reached at the same load. */
export const IO_BOUND_GPU_SHARE = 0.5;
export const GPU_SATURATED_PCT = 90;
export const GPU_MEMORY_HEADROOM_PCT = 40;
export const IDLE_HOURS = 24;
/** Compute Optimizer wants 30 hours of data in its 14 days before it recommends. */
export const MIN_HOURS = 30;
/** A saving from scheduled scaling alone is reported from this many dollars a month. */
export const MIN_SCHEDULED_SAVINGS_USD = 10;
const LISTED_HOURS = 24;

interface Hour {
  startEpochS: number;
  /** startEpochS as UTC ISO, made once. */
  start: string;
  minutes: number;
  weight: number;
  peakRps: number;
  meanRps: number;
  running: number;
  needed: number;
  latencyMs: number;
  minutesOverSla: number;
  gpuUtilPct: number;
  gpuMemoryPct: number;
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
  const findings: Finding[] = [
    ...insufficientData(ctx),
    ...underProvisioned(ctx, neededAtPeak),
    ...slaAtRisk(ctx),
    ...ioBound(ctx),
    ...gpuSaturated(ctx),
    ...profileDrift(ctx),
  ];
  const slaTrouble = findings.some((f) => f.finding === 'SLA_AT_RISK' || f.finding === 'UNDER_PROVISIONED');
  findings.push(...overProvisioned(ctx, neededAtPeak, peak, staticSavings, scheduledSavings, slaTrouble));
  findings.push(...gpuMemoryHeadroom(ctx), ...idle(ctx));

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
      verdict: verdict(ctx, maxRunning, peak?.peakRps ?? 0, neededAtPeak, staticSavings, scheduledSavings, findings),
    },
    findings,
    warnings,
    hours: hours.map(hourFigures),
    weekly,
  };
  return Findings.parse(document);
}

interface Context {
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

function hourly(series: FleetSeries, perInstanceRps: number, fleet: Fleet, peakStat: PeakStat): Hour[] {
  const hours: Hour[] = [];
  const hourIso = hourIsoFormatter();
  const sla = fleet.sla.maxLatencyMs;
  let i = 0;
  while (i < series.minutes) {
    const hourStart = Math.floor((series.startEpochS + i * 60) / 3600) * 3600;
    const end = Math.min(series.minutes, i + Math.ceil((hourStart + 3600 - (series.startEpochS + i * 60)) / 60));
    let n = 0;
    let sum = 0;
    let max = 0;
    let second = 0;
    let running = 0;
    let runningN = 0;
    let latency = Number.NaN;
    let overSla = 0;
    let gpu = 0;
    let gpuN = 0;
    let gpuMemory = Number.NaN;
    for (let m = i; m < end; m++) {
      const rps = series.demandRps[m]!;
      n++;
      sum += rps;
      if (rps > max) {
        second = max;
        max = rps;
      } else if (rps > second) second = rps;
      const inst = series.instances[m]!;
      if (!Number.isNaN(inst)) {
        running += inst;
        runningN++;
      }
      const lat = series.latencyMs[m]!;
      if (!Number.isNaN(lat)) {
        if (!(lat <= latency)) latency = lat;
        if (lat > sla) overSla++;
      }
      const g = series.gpuUtilPct[m]!;
      if (!Number.isNaN(g)) {
        gpu += g;
        gpuN++;
      }
      const gm = series.gpuMemoryPct[m]!;
      if (!Number.isNaN(gm) && !(gm <= gpuMemory)) gpuMemory = gm;
    }
    const peakRps = peakStat === 'max' ? max : percentile99(max, second, n);
    hours.push({
      startEpochS: hourStart,
      start: hourIso(hourStart),
      minutes: n,
      weight: n / 60,
      peakRps,
      meanRps: sum / n,
      running: runningN > 0 ? running / runningN : Number.NaN,
      needed: instancesFor(peakRps, perInstanceRps, fleet.minInstances),
      latencyMs: latency,
      minutesOverSla: overSla,
      gpuUtilPct: gpuN > 0 ? gpu / gpuN : Number.NaN,
      gpuMemoryPct: gpuMemory,
    });
    i = end;
  }
  fillRunning(hours);
  return hours;
}

/**
 * An hour without an instance datapoint (SageMaker publishes its ratio only while requests flow)
 * keeps the count of the hour before, else the hour after: instances do not vanish when idle.
 */
function fillRunning(hours: Hour[]): void {
  let last = Number.NaN;
  for (const h of hours) {
    if (Number.isNaN(h.running)) h.running = last;
    else last = h.running;
  }
  let next = Number.NaN;
  for (let i = hours.length - 1; i >= 0; i--) {
    const h = hours[i]!;
    if (Number.isNaN(h.running)) h.running = next;
    else next = h.running;
  }
}

/**
 * The 99th percentile of n values by linear interpolation between closest ranks. For n <= 101 the
 * rank 0.99 x (n - 1) lies between the second-highest and the highest value, so those two are all
 * it needs (an hour has at most 60 minutes).
 */
export function percentile99(max: number, second: number, n: number): number {
  if (n <= 1) return max;
  if (n > 101) throw new Error(`percentile99 of ${n} values needs more than the top two`);
  const pos = 0.99 * (n - 1);
  return second + (max - second) * (pos - (n - 2));
}

function finding(
  kind: Finding['finding'],
  reasonCodes: string[],
  summary: string,
  recommendation: string,
  hours: Hour[],
  figures: Finding['evidence']['figures'],
  savingsUsd: number,
  risk: number,
): Finding {
  return {
    finding: kind,
    reasonCodes,
    summary,
    recommendation,
    evidence: { hours: hours.slice(0, LISTED_HOURS).map((h) => h.start), hourCount: hours.length, figures },
    estimatedMonthlySavings: { currency: 'USD', value: roundCents(savingsUsd) },
    risk: Math.max(0, Math.min(4, risk)),
  };
}

const REASON_BY_METRIC: Record<string, string> = {
  RequestCount: 'DemandMetricMissing',
  Invocations: 'DemandMetricMissing',
  TargetResponseTime: 'LatencyMetricMissing',
  ModelLatency: 'LatencyMetricMissing',
  GroupInServiceInstances: 'GroupMetricsDisabled',
  HealthyHostCount: 'InstanceMetricMissing',
  InvocationsPerInstance: 'InstanceMetricMissing',
};

function insufficientData(ctx: Context): Finding[] {
  const groups = new Map<string, { metrics: string[]; fix: string }>();
  for (const m of ctx.series.missing) {
    const name = m.metric.split(' ').at(-1)!;
    const reason = REASON_BY_METRIC[name] ?? 'GPUMetricsMissing';
    const group = groups.get(reason) ?? { metrics: [], fix: m.fix };
    group.metrics.push(m.metric);
    groups.set(reason, group);
  }
  const risks: Record<string, number> = { DemandMetricMissing: 2, InstanceMetricMissing: 2, LatencyMetricMissing: 1, GPUMetricsMissing: 1, GroupMetricsDisabled: 0 };
  const judged: Record<string, string> = {
    DemandMetricMissing: 'demand is unknown, so no instance count can be judged',
    InstanceMetricMissing: 'instances in service are unknown, so no saving can be computed',
    LatencyMetricMissing: 'the SLA cannot be checked against observed latency',
    GPUMetricsMissing: 'IO_BOUND, GPU_SATURATED and GPU_MEMORY_HEADROOM cannot be judged',
    GroupMetricsDisabled: "instances are read from the ALB's healthy hosts instead",
  };
  const out = [...groups].map(([reason, g]) =>
    finding(
      'INSUFFICIENT_DATA',
      [reason],
      `no datapoints for ${g.metrics.join(', ')} in the window: ${judged[reason]}`,
      g.fix,
      [],
      { metrics: g.metrics.join(', ') },
      0,
      risks[reason] ?? 1,
    ),
  );
  const hoursOfData = ctx.series.minutes / 60;
  if (hoursOfData < MIN_HOURS) {
    out.push(
      finding(
        'INSUFFICIENT_DATA',
        ['ShortLookback'],
        `only ${roundTo(hoursOfData, 1)} hours of data; at least ${MIN_HOURS} are needed for a recommendation to mean much`,
        'use --lookback 14d (the default), or wait for more data',
        [],
        { hoursOfData: roundTo(hoursOfData, 2) },
        0,
        2,
      ),
    );
  }
  return out;
}

/**
 * Hours short of instances. With a capacity interval, h.needed is sized on its lower end; an hour is
 * named only when even the upper end would not carry it (demand per instance above the interval
 * x utilisation): inside the interval the measurement cannot say the fleet is short.
 */
function underProvisioned(ctx: Context, neededAtPeak: number): Finding[] {
  const interval = ctx.capacity.interval;
  const upper = interval?.upperRps;
  const short = ctx.known.filter((h) => h.running + 1e-9 < h.needed);
  const hit = interval ? short.filter((h) => upper !== null && upper !== undefined && h.running + 1e-9 < instancesFor(h.peakRps, upper * ctx.fleet.utilization, ctx.fleet.minInstances)) : short;
  if (hit.length === 0) return [];
  const worst = hit.reduce((a, b) => (b.peakRps / (b.running * ctx.capacity.throughputRps) > a.peakRps / (a.running * ctx.capacity.throughputRps) ? b : a));
  const load = worst.peakRps / (worst.running * ctx.capacity.throughputRps);
  const extra = ctx.monthly(
    ctx.known.reduce((t, h) => t + Math.max(0, neededAtPeak - h.running) * h.weight, 0),
    ctx.knownHours,
  );
  return [
    finding(
      'UNDER_PROVISIONED',
      ['CapacityUnderprovisioned'],
      `in ${hit.length} hour(s) demand peaked above what the running instances carry at ${pct(ctx.fleet.utilization)} of ${ctx.capacity.throughputRps} req/s each${interval && upper ? `, and above the capacity interval's upper end (${upper} req/s each; ${intervalWords(interval)})` : ''}: worst ${r1(worst.peakRps)} req/s on ${r2(worst.running)} instances (${pct(load)} of capacity), ${worst.needed} needed`,
      `run at least ${neededAtPeak} instances through the peak hours (or scale on the sla-at-risk alarm)`,
      hit,
      { worstHour: worst.start, peakRps: r3(worst.peakRps), runningInstances: r2(worst.running), neededInstances: worst.needed, loadOfCapacity: r3(load) },
      -extra,
      load > 1 ? 4 : 3,
    ),
  ];
}

function slaAtRisk(ctx: Context): Finding[] {
  const { fleet, capacity } = ctx;
  const withLatency = ctx.hours.filter((h) => !Number.isNaN(h.latencyMs));
  const hit = withLatency.filter((h) => h.minutesOverSla >= OVER_SLA_MINUTES);
  const out: Finding[] = [];
  if (!capacity.meetsSla) {
    out.push(
      finding(
        'SLA_AT_RISK',
        ['ProfileMissesSla'],
        `the capacity document never met ${slaWords(fleet)}: its closest point is ${capacity.throughputRps} req/s at ${capacity.latencyMs} ms`,
        'profile a faster serving configuration (see `capacity-plan sweep`), or relax the fleet\'s SLA',
        [],
        { profiledLatencyMs: capacity.latencyMs, slaMs: fleet.sla.maxLatencyMs },
        0,
        4,
      ),
    );
  }
  if (hit.length === 0) return out;
  const worst = hit.reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a));
  const share = hit.length / withLatency.length;
  out.push(
    finding(
      'SLA_AT_RISK',
      ['LatencySLABreached'],
      `observed ${fleet.sla.percentile} exceeded ${fleet.sla.maxLatencyMs} ms for ${OVER_SLA_MINUTES}+ minutes in ${hit.length} of ${withLatency.length} hours; worst ${r1(worst.latencyMs)} ms`,
      'see UNDER_PROVISIONED, IO_BOUND or GPU_SATURATED below for the likely cause; the latency-sla alarm watches this',
      hit,
      { worstHour: worst.start, worstLatencyMs: r1(worst.latencyMs), slaMs: fleet.sla.maxLatencyMs, shareOfHours: r3(share) },
      0,
      share > 0.05 ? 4 : 3,
    ),
  );
  return out;
}

function ioBound(ctx: Context): Finding[] {
  const gpuAtCapacity = ctx.capacity.gpuUtilPct;
  if (gpuAtCapacity === undefined) return [];
  const C = ctx.capacity.throughputRps;
  const hit = ctx.known.filter((h) => {
    if (h.minutesOverSla < OVER_SLA_MINUTES || Number.isNaN(h.gpuUtilPct) || !(h.running > 0)) return false;
    const perInstance = h.meanRps / h.running;
    return h.peakRps / h.running < C && h.gpuUtilPct < IO_BOUND_GPU_SHARE * gpuAtCapacity * (perInstance / C);
  });
  if (hit.length === 0) return [];
  const h = hit[0]!;
  const perInstance = h.meanRps / h.running;
  const expected = gpuAtCapacity * (perInstance / C);
  const stages = ctx.capacity.topStages.map((s) => `${s.name} ${r1(s.sharePct)}%`).join(', ');
  return [
    finding(
      'IO_BOUND',
      ['GPUIdleLatencyHigh'],
      `latency exceeded the SLA while each instance carried ${r1(perInstance)} req/s (below its ${C} req/s capacity) and the GPU ran at ${r1(h.gpuUtilPct)}%, under half the ${r1(expected)}% the profile reached at that load: the GPU is waiting on something else`,
      `look at the profile's stage breakdown${stages ? ` (${stages})` : ''}: config loads, payload spooling and synchronous logging are the usual suspects; fix them before buying GPUs`,
      hit,
      { firstHour: h.start, demandPerInstanceRps: r3(perInstance), gpuUtilPct: r1(h.gpuUtilPct), expectedGpuUtilPct: r1(expected), latencyMs: r1(h.latencyMs), topStages: stages || null },
      0,
      3,
    ),
  ];
}

function gpuSaturated(ctx: Context): Finding[] {
  const sla = ctx.fleet.sla.maxLatencyMs;
  const hit = ctx.hours.filter((h) => h.gpuUtilPct >= GPU_SATURATED_PCT && h.latencyMs > 0.8 * sla);
  if (hit.length === 0) return [];
  const worst = hit.reduce((a, b) => (b.gpuUtilPct > a.gpuUtilPct ? b : a));
  return [
    finding(
      'GPU_SATURATED',
      ['GPUUnderprovisioned'],
      `the GPU averaged ${r1(worst.gpuUtilPct)}% while latency reached ${r1(worst.latencyMs)} ms (over 80% of the ${sla} ms SLA) in ${hit.length} hour(s)`,
      'add instances before the SLA breaks, or a larger GPU; check the profile still matches (PROFILE_DRIFT)',
      hit,
      { worstHour: worst.start, gpuUtilPct: r1(worst.gpuUtilPct), latencyMs: r1(worst.latencyMs) },
      0,
      3,
    ),
  ];
}

function profileDrift(ctx: Context): Finding[] {
  const C = ctx.capacity.throughputRps;
  const withLatency = ctx.known.filter((h) => !Number.isNaN(h.latencyMs) && h.running > 0);
  const above = withLatency.filter((h) => h.minutesOverSla === 0 && h.peakRps / h.running > (1 + DRIFT_SHARE) * C);
  const below = withLatency.filter((h) => h.minutesOverSla >= OVER_SLA_MINUTES && h.peakRps / h.running < (1 - DRIFT_SHARE) * C);
  const recommendation = `re-run \`capacity-plan sweep\` on the serving setup the fleet runs, and point the fleet's capacity at the new document`;
  const out: Finding[] = [];
  if (above.length > 0) {
    const best = above.reduce((a, b) => (b.peakRps / b.running > a.peakRps / a.running ? b : a));
    const observed = best.peakRps / best.running;
    out.push(
      finding(
        'PROFILE_DRIFT',
        ['ProfileUnderstatesCapacity'],
        `instances carried ${r1(observed)} req/s each within the SLA, ${pct(observed / C - 1)} above the profiled ${C} req/s`,
        recommendation,
        above,
        { bestHour: best.start, observedPerInstanceRps: r3(observed), profiledRps: C },
        0,
        2,
      ),
    );
  }
  if (below.length > 0) {
    const worst = below.reduce((a, b) => (b.peakRps / b.running < a.peakRps / a.running ? b : a));
    const observed = worst.peakRps / worst.running;
    out.push(
      finding(
        'PROFILE_DRIFT',
        ['ProfileOverstatesCapacity'],
        `latency broke the SLA at ${r1(observed)} req/s per instance, ${pct(1 - observed / C)} below the profiled ${C} req/s`,
        recommendation,
        below,
        { worstHour: worst.start, observedPerInstanceRps: r3(observed), profiledRps: C },
        0,
        2,
      ),
    );
  }
  return out;
}

function overProvisioned(ctx: Context, neededAtPeak: number, peak: Hour | undefined, staticSavings: number, scheduledSavings: number, slaTrouble: boolean): Finding[] {
  if (!peak || ctx.known.length === 0) return [];
  const { capacity, fleet } = ctx;
  const C = capacity.throughputRps;
  const loadAfter = peak.peakRps / (neededAtPeak * C);
  let risk = loadAfter <= 0.4 ? 0 : loadAfter <= 0.6 ? 1 : loadAfter <= 0.75 ? 2 : 3;
  if (!capacity.meetsSla) risk++;
  if (slaTrouble) risk++;
  const gpuMax = ctx.hours.reduce((m, h) => (Number.isNaN(h.gpuUtilPct) ? m : Math.max(m, h.gpuUtilPct)), Number.NEGATIVE_INFINITY);
  // An idle GPU with latency trouble is waiting on something (IO_BOUND), not too big.
  const gpuLow = !slaTrouble && capacity.gpuUtilPct !== undefined && gpuMax >= 0 && gpuMax < 0.5 * capacity.gpuUtilPct;
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
      finding(
        'OVER_PROVISIONED',
        ['CapacityOverprovisioned', ...gpuReason],
        `${neededAtPeak} × ${fleet.instanceType} carry the peak of ${r1(peak.peakRps)} req/s at ${slaWords(fleet)}${floorWords(ctx, peak.peakRps, neededAtPeak)}${capacity.interval ? ` even on the capacity interval's lower end (${C} req/s each; ${intervalWords(capacity.interval)})` : ''}; the fleet ran more in ${over.length} hour(s)`,
        `set the fleet to ${neededAtPeak} instances (${formatUsd(roundCents(staticSavings))}/month)${roundCents(scheduledSavings) > roundCents(staticSavings) ? `; following the hour-of-week schedule saves ${formatUsd(roundCents(scheduledSavings))}/month` : ''}`,
        over,
        figures,
        staticSavings,
        risk,
      ),
    ];
  }
  if (scheduledSavings >= MIN_SCHEDULED_SAVINGS_USD) {
    const over = ctx.known.filter((h) => h.running - 1e-9 > h.needed);
    return [
      finding(
        'OVER_PROVISIONED',
        ['OffPeakOverprovisioned', ...gpuReason],
        `the peak needs all ${neededAtPeak} instances, but ${over.length} hour(s) need fewer`,
        `scale on a schedule (the weekly table) or on the over-provisioned alarm: ${formatUsd(roundCents(scheduledSavings))}/month`,
        over,
        figures,
        scheduledSavings,
        risk,
      ),
    ];
  }
  return [];
}

function gpuMemoryHeadroom(ctx: Context): Finding[] {
  let max = Number.NaN;
  let at: Hour | undefined;
  for (const h of ctx.hours) {
    if (!Number.isNaN(h.gpuMemoryPct) && !(h.gpuMemoryPct <= max)) {
      max = h.gpuMemoryPct;
      at = h;
    }
  }
  if (!at || max >= GPU_MEMORY_HEADROOM_PCT) return [];
  return [
    finding(
      'GPU_MEMORY_HEADROOM',
      ['GPUMemoryOverprovisioned'],
      `GPU memory in use never exceeded ${r1(max)}% of the GPU's memory`,
      'a GPU with less memory, or another model on the same GPU, would fit; re-profile before switching',
      [],
      { maxGpuMemoryPct: r1(max), maxHour: at.start },
      0,
      0,
    ),
  ];
}

function idle(ctx: Context): Finding[] {
  if (!ctx.series.hasDemand) return [];
  let run: Hour[] = [];
  let longest: Hour[] = [];
  for (const h of ctx.hours) {
    if (h.peakRps === 0) run.push(h);
    else run = [];
    if (run.length > longest.length) longest = [...run];
  }
  const idleHours = longest.reduce((t, h) => t + h.weight, 0);
  if (idleHours < IDLE_HOURS) return [];
  const saved = ctx.monthly(
    longest.reduce((t, h) => t + (Number.isNaN(h.running) ? 0 : h.running) * h.weight, 0),
    ctx.knownHours,
  );
  return [
    finding(
      'IDLE',
      ['Idle'],
      `no requests at all for ${roundTo(idleHours, 1)} hours in a row from ${longest[0]!.start}`,
      'stop the fleet (or scale it to zero) while it is idle, or delete it if nothing uses it',
      longest,
      { idleHours: roundTo(idleHours, 2), from: longest[0]!.start },
      saved,
      0,
    ),
  ];
}

function weeklyGrid(hours: Hour[]): Findings['weekly'] {
  const peakRps = new Array<number | null>(HOURS_PER_WEEK).fill(null);
  const recommendedInstances = new Array<number | null>(HOURS_PER_WEEK).fill(null);
  for (const h of hours) {
    // 1970-01-01 was a Thursday: Monday 00:00 UTC is 3 days (72 h) after the epoch's week start.
    const index = (Math.floor(h.startEpochS / 3600) + 72) % HOURS_PER_WEEK;
    peakRps[index] = Math.max(peakRps[index] ?? 0, r3(h.peakRps));
    recommendedInstances[index] = Math.max(recommendedInstances[index] ?? 0, h.needed);
  }
  return { peakRps, recommendedInstances };
}

function verdict(
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

/** " with the HA floor" when the floor, not demand, sets the count. */
/** "90% interval 36.5–45 req/s, estimate 41.2": the capacity's interval as findings state it. */
function intervalWords(i: FleetCapacityInterval): string {
  return `${i.confidencePct}% interval ${i.lowerRps}–${i.upperRps === null ? 'unbounded' : i.upperRps} req/s${i.estimateRps === null ? '' : `, estimate ${i.estimateRps}`}`;
}

/** The interval per instance at the fleet's utilisation: "29.2–36 req/s per instance at 80% of the 90% interval 36.5–45 req/s". */
function perInstanceWords(ctx: Context, i: FleetCapacityInterval): string {
  const u = ctx.fleet.utilization;
  const upper = i.upperRps === null ? 'unbounded' : r1(i.upperRps * u);
  return `${r1(i.lowerRps * u)}–${upper} req/s per instance at ${pct(u)} of the ${intervalWords(i)}`;
}

function floorWords(ctx: Context, peakRps: number, needed: number): string {
  return needed === ctx.fleet.minInstances && instancesFor(peakRps, ctx.perInstanceRps, 0) < needed ? ' with the HA floor' : '';
}

function slaWords(fleet: Fleet): string {
  return `${fleet.sla.percentile} ≤ ${fleet.sla.maxLatencyMs} ms`;
}

function hourFigures(h: Hour): HourFigures {
  return {
    start: h.start,
    minutes: h.minutes,
    peakRps: r3(h.peakRps),
    meanRps: r3(h.meanRps),
    runningInstances: Number.isNaN(h.running) ? null : r3(h.running),
    neededInstances: h.needed,
    latencyMs: Number.isNaN(h.latencyMs) ? null : r3(h.latencyMs),
    minutesOverSla: h.minutesOverSla,
    gpuUtilPct: Number.isNaN(h.gpuUtilPct) ? null : r3(h.gpuUtilPct),
  };
}

/** iso() for hour starts, building one Date a day rather than one an hour (the bench's hot path). */
function hourIsoFormatter(): (epochS: number) => string {
  let cachedDay = Number.NaN;
  let dayIso = '';
  return (epochS) => {
    const day = Math.floor(epochS / 86_400);
    if (day !== cachedDay) {
      cachedDay = day;
      dayIso = iso(day * 86_400).slice(0, 11);
    }
    const hour = Math.floor(epochS / 3600) % 24;
    return `${dayIso}${hour < 10 ? '0' : ''}${hour}:00:00.000Z`;
  };
}

function iso(epochS: number): string {
  return new Date(epochS * 1000).toISOString();
}

const r1 = (x: number): number => roundTo(x, 1);
const r2 = (x: number): number => roundTo(x, 2);
const r3 = (x: number): number => roundTo(x, 3);
const pct = (x: number): string => `${Math.round(x * 100)}%`;
