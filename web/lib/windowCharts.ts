import { fixed, ms, pct, round, rps, slaText } from './format.js';
import { OKABE_ITO, PERCENTILE_STYLE, SLA_STYLE, inPipelineOrder, stageColour } from './palette.js';
import { referenceLine, series, table } from './chartModel.js';
import type { ChartModel, Dataset, ProfileResult, Sla } from './types.js';

/**
 * The per-window charts of a profile (and of the live page, which draws the windows received so
 * far with the same functions): latency, throughput, stages and utilisation per window, on the
 * measurement's real time axis.
 */

type Window = ProfileResult['measurement']['windows'][number];
type LatencySummary = ProfileResult['latency']['endToEnd'];
/** What the per-window charts read: a profile document, or the live page's windows so far. */
export type WindowsSource = Pick<ProfileResult, 'throughputRps'> & { measurement: { windows: Window[] }; requests: { failed: number; dropped: number } };

/**
 * The per-window charts' x axis: seconds since the measurement started, at each window's *end*, so a
 * window is drawn over the time it took (the line steps at its end) and the axis ends where the
 * run did. Windows are numbered from 1, as the terminal numbers them.
 */
export function windowEnds(windows: readonly Window[]): number[] {
  return windows.map((w) => round((w.startMs + w.durationMs) / 1000, 3) ?? 0);
}
export const windowNumber = (w: Window): string => String(w.index + 1);

/** The SLA percentile's value from a LatencySummary (p90 included). */
export function latencyAt(summary: Pick<LatencySummary, 'p50Ms' | 'p95Ms' | 'p99Ms'> & { p90Ms?: number }, percentile: Sla['percentile']): number {
  return summary[`${percentile}Ms`] ?? summary.p95Ms;
}

export function latencyChart(doc: WindowsSource, xs: number[], sla: Sla | null): ChartModel {
  const windows = doc.measurement.windows;
  const datasets = (['p50', 'p95', 'p99'] as const).map((p) =>
    windowSeries(p, windows, xs, windows.map((w) => w.latency[`${p}Ms`]), { colour: PERCENTILE_STYLE[p].colour, dash: PERCENTILE_STYLE[p].dash }),
  );
  if (sla && windows.length > 0) datasets.push(referenceLine(`SLA ${slaText(sla)}`, windowStart(windows[0]!), xs[xs.length - 1]!, sla.maxLatencyMs, SLA_STYLE));
  const worst = windows.reduce<Window | null>((a, w) => (a === null || w.latency.p99Ms > a.latency.p99Ms ? w : a), null);
  let finding = worst === null ? 'No measurement windows in this document.' : `p99 per window peaks at ${ms(worst.latency.p99Ms)} in window ${windowNumber(worst)}`;
  if (sla && windows.length > 0) {
    const over = windows.filter((w) => latencyAt(w.latency, sla.percentile) > sla.maxLatencyMs).length;
    finding += `; ${over} of ${windows.length} windows over the SLA ${slaText(sla)}`;
  }
  return {
    id: 'latency',
    title: 'Latency per window (p50 solid, p95 dashed, p99 dotted)',
    type: 'line',
    x: { title: 's since the measurement started', type: 'linear' },
    y: { title: 'ms', type: 'linear' },
    datasets,
    finding: `${finding}.`,
    table: table(
      ['window', 'start s', 'end s', 'p50 ms', 'p95 ms', 'p99 ms'],
      windows.map((w, i) => [windowNumber(w), fixed(windowStart(w), 1), fixed(xs[i], 1), fixed(w.latency.p50Ms, 2), fixed(w.latency.p95Ms, 2), fixed(w.latency.p99Ms, 2)]),
    ),
  };
}

export function throughputChart(doc: WindowsSource, xs: number[]): ChartModel {
  const windows = doc.measurement.windows;
  const perS = (n: number, w: Window): number | null => round(n / (w.durationMs / 1000), 3);
  const datasets = [
    windowSeries('req/s', windows, xs, windows.map((w) => w.throughputRps), { colour: OKABE_ITO.blue }),
    windowSeries('failed/s', windows, xs, windows.map((w) => perS(w.failed, w)), { colour: OKABE_ITO.vermillion, dash: [6, 4] }),
    windowSeries('dropped/s', windows, xs, windows.map((w) => perS(w.dropped, w)), { colour: OKABE_ITO.purple, dash: [2, 3] }),
  ];
  const tps = windows.map((w) => w.throughputRps);
  const finding =
    windows.length === 0
      ? `No measurement windows; overall ${rps(doc.throughputRps)}.`
      : `Throughput ranges ${fixed(Math.min(...tps), 1)}–${fixed(Math.max(...tps), 1)} req/s over ${windows.length} windows; ${doc.requests.failed} failed, ${doc.requests.dropped} dropped.`;
  return {
    id: 'throughput',
    title: 'Throughput, failed and dropped per window',
    type: 'line',
    x: { title: 's since the measurement started', type: 'linear' },
    y: { title: 'req/s', type: 'linear', min: 0 },
    datasets,
    finding,
    table: table(
      ['window', 'start s', 'end s', 'req/s', 'completed', 'failed', 'dropped'],
      windows.map((w, i) => [windowNumber(w), fixed(windowStart(w), 1), fixed(xs[i], 1), fixed(w.throughputRps, 1), String(w.completed), String(w.failed), String(w.dropped)]),
    ),
  };
}

/** Stage means per window, stacked in pipeline order (windows of documents that record them). */
export function stagesPerWindowChart(doc: WindowsSource, xs: number[]): ChartModel {
  const windows = doc.measurement.windows;
  const names = inPipelineOrder([...new Set(windows.flatMap((w) => (w.stages ?? []).map((st) => st.name)))].map((name) => ({ name }))).map((r) => r.name);
  const datasets = names.map((name) => ({
    ...windowSeries(name, windows, xs, windows.map((w) => w.stages?.find((st) => st.name === name)?.meanMs ?? null), { colour: stageColour(name) }),
    fill: true,
  }));
  const last = windows.at(-1);
  const top = last?.stages?.length ? last.stages.reduce((a, b) => (b.meanMs > a.meanMs ? b : a)) : null;
  return {
    id: 'stagesPerWindow',
    title: 'Stages per window (mean ms, stacked in pipeline order)',
    type: 'line',
    stackedArea: true,
    x: { title: 's since the measurement started', type: 'linear' },
    y: { title: 'ms', type: 'linear', min: 0 },
    datasets,
    finding: top ? `In the last window ${top.name} takes the most: ${ms(top.meanMs)} of each request.` : 'No per-window stage times.',
    table: table(['window', ...names.map((n) => `${n} ms`)], windows.map((w) => [windowNumber(w), ...names.map((n) => fixed(w.stages?.find((st) => st.name === n)?.meanMs, 2))])),
  };
}

export function utilisationChart(doc: ProfileResult, xs: number[]): ChartModel {
  const windows = doc.measurement.windows;
  const datasets = [
    windowSeries('GPU util %', windows, xs, windows.map((w) => w.gpu?.utilPct ?? null), { colour: OKABE_ITO.green }),
    windowSeries('process CPU %', windows, xs, windows.map((w) => w.cpuUtilPct ?? null), { colour: OKABE_ITO.blue, dash: [6, 4] }),
    windowSeries('host CPU %', windows, xs, windows.map((w) => w.hostCpuUtilPct ?? null), { colour: OKABE_ITO.orange, dash: [2, 3] }),
  ];
  const u = doc.utilization;
  return {
    id: 'utilisation',
    title: 'Utilisation per window (GPU, process and host CPU)',
    type: 'line',
    x: { title: 's since the measurement started', type: 'linear' },
    y: { title: '%', type: 'linear', min: 0 },
    datasets,
    finding: `GPU ${u.gpu?.utilPct !== undefined ? pct(u.gpu.utilPct, 0) : 'n/a'}, process CPU ${u.cpuPct !== undefined ? pct(u.cpuPct, 0) : 'n/a'} of the host, RSS max ${u.rssMiB ? `${fixed(u.rssMiB.max, 0)} MiB` : 'n/a'}.`,
    table: table(
      ['window', 'GPU %', 'process CPU %', 'host CPU %', 'RSS MiB'],
      windows.map((w) => [windowNumber(w), fixed(w.gpu?.utilPct, 0), fixed(w.cpuUtilPct, 1), fixed(w.hostCpuUtilPct, 1), fixed(w.rssMiB, 0)]),
    ),
  };
}

const windowStart = (w: Window): number => round(w.startMs / 1000, 3) ?? 0;

/**
 * One figure per window on the real time axis: a step line whose point for each window sits at its
 * end (the line holds the window's value across the window), with a first point at the first
 * window's start so the first window has its width too.
 */
function windowSeries(label: string, windows: readonly Window[], ends: readonly number[], ys: readonly (number | null | undefined)[], style: { colour: string; dash?: number[] }): Dataset {
  const xs = windows.length > 0 ? [windowStart(windows[0]!), ...ends] : [];
  return { ...series(label, xs, windows.length > 0 ? [ys[0], ...ys] : [], style), stepped: true };
}
