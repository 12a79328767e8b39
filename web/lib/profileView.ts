import { fixed, ms, pct, round, slaText } from './format.js';
import { OKABE_ITO, inPipelineOrder, stageColour } from './palette.js';
import { table } from './chartModel.js';
import { latencyDistribution } from './latencyDistribution.js';
import { bannerStatus } from './status.js';
import type { ChartModel, ProfileResult, Sla, Table, VerdictStatus } from './types.js';
import { latencyAt, latencyChart, stagesPerWindowChart, throughputChart, utilisationChart, windowEnds } from './windowCharts.js';

/**
 * ProfileResult -> the profile page's view model: the verdict with its "Detected ..." links, KPI
 * tiles, stage breakdown, charts per window, latency by percentile, batches, utilisation, cold
 * start and environment. Pure: exact values, no DOM, no clock.
 */

/** Stage means may differ from the end-to-end mean by this much before the report says so. */
export const STAGE_SUM_TOLERANCE_PCT = 5;

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
