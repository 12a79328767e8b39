import { fixed, ms, pct, round, rps, slaText } from './format.js';
import { OKABE_ITO, PERCENTILE_STYLE, SLA_STYLE, inPipelineOrder, stageColour } from './palette.js';
import { referenceLine, series, table } from './chartModel.js';
import { bannerStatus } from './status.js';
import type { ChartModel, Dataset, ProfileResult, Sla, Table, VerdictStatus } from './types.js';

type Window = ProfileResult['measurement']['windows'][number];
type LatencySummary = ProfileResult['latency']['endToEnd'];
type SummaryKey = 'minMs' | 'p50Ms' | 'p90Ms' | 'p95Ms' | 'p99Ms' | 'maxMs';
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

/**
 * ProfileResult -> the profile page's view model: the verdict with its "Detected ..." links, KPI
 * tiles, stage breakdown, charts per window, latency by percentile, batches, utilisation, cold
 * start and environment. Pure: exact values, no DOM, no clock.
 */

/** Stage means may differ from the end-to-end mean by this much before the report says so. */
export const STAGE_SUM_TOLERANCE_PCT = 5;
/** Percentiles of the latency-by-percentile plot when the document has no distribution table. */
const SUMMARY_PERCENTILES: [number, SummaryKey][] = [
  [0, 'minMs'],
  [50, 'p50Ms'],
  [90, 'p90Ms'],
  [95, 'p95Ms'],
  [99, 'p99Ms'],
  [100, 'maxMs'],
];

export function profileView(doc: ProfileResult, options: { sla?: Sla | null } = {}) {
  const sla = options.sla ?? null;
  const windows = doc.measurement.windows;
  const xs = windowEnds(windows);
  const imported = doc.provenance.kind === 'imported';
  const e2e = doc.latency.endToEnd;
  const stages = stageBreakdown(doc);
  const distribution = latencyDistribution(doc, sla);
  const verdict = profileVerdict(doc, sla, stages, distribution);
  return {
    kind: 'profile' as const,
    name: doc.name,
    // A document left with the default name ("profile") is titled by what it measured.
    title: doc.name === 'profile' ? describeSetup(doc) : doc.name,
    subtitle: describeSetup(doc),
    imported,
    provenance: doc.provenance.kind === 'imported' ? `Imported from ${doc.provenance.publication}; not measured by capacity-plan.` : `Measured by ${doc.provenance.tool}.`,
    sla,
    verdict,
    kpis: kpiTiles(doc),
    stages,
    charts: {
      latency: latencyChart(doc, xs, sla),
      throughput: throughputChart(doc, xs),
      ...(windows.some((w) => w.stages?.length) ? { stagesPerWindow: stagesPerWindowChart(doc, xs) } : {}),
      distribution: distribution.chart,
      batches: batchChart(doc),
      utilisation: utilisationChart(doc, xs),
    },
    distribution,
    coldStart: coldStartTable(doc),
    failures: table(
      ['reason', 'count'],
      doc.requests.failures.map((f) => [f.reason, String(f.count)]),
    ),
    environment: environmentTable(doc),
    warnings: doc.warnings,
    endToEndMeanMs: e2e.meanMs,
  };
}

export function describeSetup(doc: Pick<ProfileResult, 'environment' | 'model'>): string {
  const env = doc.environment;
  const gpu = env.gpus[0]?.name;
  const where = env.instanceType ?? env.cpuModel;
  return `${doc.model?.source ?? 'model'} on ${where}${gpu ? ` (${gpu})` : ''}, ${env.executionProvider ?? 'cpu'}`;
}

/** The SLA percentile's value from a LatencySummary (p90 included). */
export function latencyAt(summary: Pick<LatencySummary, 'p50Ms' | 'p95Ms' | 'p99Ms'> & { p90Ms?: number }, percentile: Sla['percentile']): number {
  return summary[`${percentile}Ms`] ?? summary.p95Ms;
}

function profileVerdict(doc: ProfileResult, sla: Sla | null, stages: StageBreakdown, distribution: { slaSharePct: number | null }) {
  const e2e = doc.latency.endToEnd;
  const env = doc.environment;
  const parts: string[] = [];
  const shown = sla ? sla.percentile : 'p95';
  parts.push(`${fixed(doc.throughputRps, 1)} req/s at ${shown} ${ms(latencyAt(e2e, shown))} on ${env.instanceType ?? env.cpuModel}${env.gpus[0] ? ` (${env.gpus[0].name})` : ''}`);
  let slaMet: boolean | null = null;
  if (sla) {
    slaMet = latencyAt(e2e, sla.percentile) <= sla.maxLatencyMs;
    parts.push(`SLA ${slaText(sla)} ${slaMet ? '✓ met' : '✗ missed'}`);
  }
  const imported = doc.provenance.kind === 'imported';
  const tooFew = !imported && doc.measurement.windows.length < 3;
  if (imported) parts.push('imported figures: stability not known');
  else if (tooFew) parts.push(`not enough data to judge (${doc.measurement.windows.length} measurement window(s))`);
  else parts.push(`${doc.measurement.stable ? 'stable' : 'unstable'} (${doc.measurement.stabilityNote})`);

  const detected: { text: string; target: string }[] = [];
  if (!imported && !doc.measurement.stable) detected.push({ text: `Detected an unstable run: ${doc.measurement.stabilityNote}`, target: 'latency' });
  if (doc.requests.dropped > 0) detected.push({ text: `Detected ${doc.requests.dropped} dropped request(s): the load could not be issued on time`, target: 'throughput' });
  if (doc.requests.failed > 0) detected.push({ text: `Detected ${doc.requests.failed} failed request(s)`, target: 'failures' });
  if (stages.offByPct !== null && Math.abs(stages.offByPct) > STAGE_SUM_TOLERANCE_PCT) {
    detected.push({
      text: `Detected stage means summing to ${ms(stages.sumMeanMs)}, ${fixed(Math.abs(stages.offByPct), 1)}% ${stages.offByPct > 0 ? 'above' : 'below'} the ${stages.reference} mean ${ms(stages.referenceMeanMs)}`,
      target: 'stages',
    });
  }
  // The runner also words instability as a warning; it is already the first line above.
  for (const w of doc.warnings.filter((x) => imported || doc.measurement.stable || !x.startsWith('unstable:'))) detected.push({ text: `Detected: ${w}`, target: 'warnings' });
  // Imported figures: stability not known, so never a success mark.
  const status: VerdictStatus = bannerStatus({ decided: !tooFew, stable: !imported && doc.measurement.stable, warnings: detected.length + (slaMet === false ? 1 : 0) });
  return { sentence: `${parts.join('; ')}.`, status, slaMet, detected, slaSharePct: distribution.slaSharePct };
}

function kpiTiles(doc: ProfileResult) {
  const e2e = doc.latency.endToEnd;
  const r = doc.requests;
  const total = r.completed + r.failed + r.dropped;
  const u = doc.utilization;
  const tile = (id: string, label: string, value: number | undefined, unit: string, digits = 1) => ({ id, label, value: round(value, 3), unit, text: value === undefined || value === null ? 'n/a' : `${fixed(value, digits)}${unit ? ` ${unit}` : ''}` });
  return [
    tile('throughput', 'Throughput', doc.throughputRps, 'req/s'),
    tile('p50', 'p50 latency', e2e.p50Ms, 'ms'),
    tile('p95', 'p95 latency', e2e.p95Ms, 'ms'),
    tile('p99', 'p99 latency', e2e.p99Ms, 'ms'),
    tile('failed', 'Failed', total > 0 ? (r.failed / total) * 100 : 0, '%', 2),
    tile('dropped', 'Dropped', total > 0 ? (r.dropped / total) * 100 : 0, '%', 2),
    tile('gpu', 'GPU utilisation', u.gpu?.utilPct, '%', 0),
    tile('cpu', 'CPU (of host)', u.cpuPct, '%', 0),
    tile('rss', 'RSS (max)', u.rssMiB?.max, 'MiB', 0),
    tile('coldStart', 'Model load', doc.coldStart.modelLoadMs, 'ms', 0),
  ];
}

/** Stage means in pipeline order, their sum, and how far it is from the mean request time. */
export interface StageBreakdown {
  rows: { name: string; meanMs: number; sharePct: number; p50Ms: number; p95Ms: number; p99Ms: number; colour: string }[];
  sumMeanMs: number;
  reference: 'server' | 'end-to-end';
  referenceMeanMs: number;
  offByPct: number | null;
  chart: ChartModel;
}

export function stageBreakdown(doc: ProfileResult): StageBreakdown {
  const rows = inPipelineOrder(doc.stages).map((s) => ({
    name: s.name,
    meanMs: s.meanMs,
    sharePct: s.sharePct,
    p50Ms: s.p50Ms,
    p95Ms: s.p95Ms,
    p99Ms: s.p99Ms,
    colour: stageColour(s.name),
  }));
  // Stages time the server's work; over HTTP the `network` stage closes the gap to the client's view.
  const hasNetwork = rows.some((r) => r.name === 'network');
  const reference = doc.latency.server && !hasNetwork ? 'server' : 'end-to-end';
  const referenceMeanMs = reference === 'server' && doc.latency.server ? doc.latency.server.meanMs : doc.latency.endToEnd.meanMs;
  const sumMeanMs = roundOr0(rows.reduce((s, r) => s + r.meanMs, 0), 6);
  const offByPct = rows.length > 0 && referenceMeanMs > 0 ? round(((sumMeanMs - referenceMeanMs) / referenceMeanMs) * 100, 2) : null;
  const chart: ChartModel = {
    id: 'stages',
    title: 'Stage breakdown (mean ms per request, pipeline order)',
    type: 'bar',
    horizontal: true,
    stacked: true,
    labels: ['mean'],
    x: { title: 'ms' },
    y: { title: '' },
    datasets: rows.map((r) => ({ label: r.name, data: [r.meanMs], colour: r.colour })),
    finding:
      rows.length === 0
        ? 'No stage times in this document.'
        : `Largest stage: ${largest(rows).name}, ${ms(largest(rows).meanMs)} (${pct(largest(rows).sharePct)} of the mean request).`,
    table: table(
      ['stage', 'mean ms', 'share', 'p50 ms', 'p95 ms', 'p99 ms'],
      rows.map((r) => [r.name, fixed(r.meanMs, 2), pct(r.sharePct), fixed(r.p50Ms, 2), fixed(r.p95Ms, 2), fixed(r.p99Ms, 2)]),
    ),
  };
  return { rows, sumMeanMs, reference, referenceMeanMs, offByPct, chart };
}

const roundOr0 = (x: number, digits: number): number => round(x, digits) ?? 0;
const largest = <T extends { meanMs: number }>(rows: T[]): T => rows.reduce((a, b) => (b.meanMs > a.meanMs ? b : a));

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

/**
 * Latency by percentile on HdrHistogram's axis, x = 1/(1-p) (log): the tail gets the room. The
 * share of requests within the SLA is read off the table as the highest percentile at or under it
 * (a lower bound: the table is a staircase).
 */
export function latencyDistribution(doc: ProfileResult, sla: Sla | null) {
  const table0 = doc.latency.distribution ?? SUMMARY_PERCENTILES.map(([p, key]) => ({ percentile: p, latencyMs: doc.latency.endToEnd[key] }));
  const fromSummary = !doc.latency.distribution;
  const plotted = table0.filter((r) => r.percentile < 100);
  const points = plotted.map((r) => ({ x: round(1 / (1 - r.percentile / 100), 6) ?? 0, y: r.latencyMs }));
  let slaSharePct: number | null = null;
  if (sla) {
    const within = table0.filter((r) => r.latencyMs <= sla.maxLatencyMs);
    slaSharePct = within.length === 0 ? 0 : Math.max(...within.map((r) => r.percentile));
  }
  const datasets: Dataset[] = [{ label: 'end to end', data: points, colour: OKABE_ITO.blue, dash: [] }];
  if (sla && points.length > 0) datasets.push(referenceLine(`SLA ${slaText(sla)}`, points[0]!.x, points[points.length - 1]!.x, sla.maxLatencyMs, SLA_STYLE));
  const p99 = table0.find((r) => r.percentile === 99);
  const finding = sla
    ? `At least ${fixed(slaSharePct, (slaSharePct ?? 0) % 1 === 0 ? 0 : 2)}% of requests within the SLA ${slaText(sla)}${p99 ? `; p99 ${ms(p99.latencyMs)}` : ''}.`
    : `p99 ${p99 ? ms(p99.latencyMs) : 'n/a'}; no SLA given.`;
  return {
    fromSummary,
    rows: table0,
    slaSharePct,
    chart: <ChartModel>{
      id: 'distribution',
      title: fromSummary ? 'Latency by percentile (from the summary percentiles only)' : 'Latency by percentile (HDR histogram)',
      type: 'line',
      x: { title: 'percentile', type: 'logarithmic', percentileTicks: true },
      y: { title: 'ms', type: 'linear' },
      datasets,
      finding,
      table: table(['percentile', 'latency ms'], table0.map((r) => [`${r.percentile}%`, fixed(r.latencyMs, 3)])),
    },
  };
}

function batchChart(doc: ProfileResult): ChartModel {
  const entries = Object.entries(doc.batches.sizeCounts)
    .map(([size, count]) => [Number(size), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const batches = entries.reduce((s, [, c]) => s + c, 0);
  const requests = entries.reduce((s, [size, c]) => s + size * c, 0);
  const rows = entries.map(([size, count]) => ({
    size,
    batches: count,
    batchPct: round((count / batches) * 100, 2),
    requestPct: round(((size * count) / requests) * 100, 2),
  }));
  return {
    id: 'batches',
    title: 'Batch sizes (% of batches and % of requests)',
    type: 'bar',
    labels: rows.map((r) => String(r.size)),
    x: { title: 'batch size' },
    y: { title: '%', min: 0 },
    datasets: [
      { label: '% of batches', data: rows.map((r) => r.batchPct), colour: OKABE_ITO.skyBlue },
      { label: '% of requests', data: rows.map((r) => r.requestPct), colour: OKABE_ITO.blue },
    ],
    finding: rows.length === 0 ? 'No batch sizes in this document.' : `Mean batch size ${fixed(doc.batches.meanBatchSize, 2)} over ${batches} batches.`,
    table: table(['batch size', 'batches', '% of batches', '% of requests'], rows.map((r) => [String(r.size), String(r.batches), pct(r.batchPct, 2), pct(r.requestPct, 2)])),
  };
}

function utilisationChart(doc: ProfileResult, xs: number[]): ChartModel {
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

function coldStartTable(doc: ProfileResult): Table {
  const c = doc.coldStart;
  return table(
    ['figure', 'value'],
    [
      ['model load', c.modelLoadMs === undefined ? 'n/a' : ms(c.modelLoadMs)],
      ['first request', c.firstRequestMs === undefined ? 'n/a' : ms(c.firstRequestMs)],
      ['warm, alone (median of 5)', c.warmMedianMs === undefined ? 'n/a' : ms(c.warmMedianMs)],
    ],
  );
}

function environmentTable(doc: ProfileResult): Table {
  const env = doc.environment;
  const rows = [
    ['instance type', env.instanceType ?? 'n/a'],
    ['GPU', env.gpus.map((g) => g.name).join(', ') || `none${env.gpuAbsentReason ? ` (${env.gpuAbsentReason})` : ''}`],
    ['execution provider', env.executionProvider ?? 'n/a'],
    ['CPU', `${env.cpuModel} (${env.cpuCores} cores)`],
    ['memory', `${fixed(env.memoryGiB, 1)} GiB`],
    ['host', `${env.hostname} (${env.platform}/${env.arch})`],
    ['Node.js', env.nodeVersion],
    ['onnxruntime', env.onnxruntimeVersion ?? 'n/a'],
    ['recorded at', env.recordedAt],
  ];
  if (doc.model) {
    rows.push(['model', doc.model.source], ['model sha256', doc.model.sha256 ?? 'n/a'], ['input', `${doc.model.inputName} ${JSON.stringify(doc.model.inputShape)} ${doc.model.inputType}`]);
  }
  if (doc.spec) rows.push(['spec', JSON.stringify(doc.spec)]);
  return table(['field', 'value'], rows);
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
