import { instancesFor } from '../plan/instances.js';
import { roundTo } from '../plan/money.js';
import type { Fleet } from '../schema/fleet.js';
import type { Findings, HourFigures, PeakStat } from '../schema/findings.js';
import { HOURS_PER_WEEK } from '../schema/traffic.js';
import type { FleetSeries } from './series.js';

/**
 * Per-minute series -> clock hours: each hour's peak demand (max, or p99 to damp one-minute
 * spikes), instances running and needed, latency, GPU; the 7x24 grid and the hours as written.
 */

export interface Hour {
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

export function hourly(series: FleetSeries, perInstanceRps: number, fleet: Fleet, peakStat: PeakStat): Hour[] {
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

export function weeklyGrid(hours: Hour[]): Findings['weekly'] {
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

export function hourFigures(h: Hour): HourFigures {
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

export function iso(epochS: number): string {
  return new Date(epochS * 1000).toISOString();
}

const r3 = (x: number): number => roundTo(x, 3);
