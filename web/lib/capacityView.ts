import { fixed, slaText } from './format.js';
import { OKABE_ITO, RUN_COLOURS, SLA_STYLE } from './palette.js';
import { referenceLine, table } from './chartModel.js';
import type { ChartModel, Dataset, SweepResult } from './types.js';
import { formatCapacity } from '../../src/schema/capacityText.js';

type Configuration = SweepResult['configurations'][number];
type Point = Configuration['points'][number];
type Capacity = NonNullable<Configuration['capacity']>;

/**
 * A capacity search's evidence as a chart (sweep documents of version 3): x = offered req/s,
 * y = latency at the SLA percentile. Every run is a dot (hollow when it was left out for a busy
 * host), each rate's pooled percentile is joined by a line with its 90% interval dashed above and
 * below, the SLA is the dashed horizontal, and each configuration's capacity is a star at the
 * crossing with its 90% interval as two vertical lines. Undefined for documents with no capacity.
 */
export function capacityChart(doc: Pick<SweepResult, 'sla' | 'configurations'>): ChartModel | undefined {
  const configs = doc.configurations.filter((c): c is Configuration & { capacity: Capacity } => c.capacity !== undefined);
  if (configs.length === 0) return undefined;
  const sla = doc.sla;
  const rates = configs.flatMap((c) => c.points.map((p) => p.offered.value));
  const xMax = Math.max(...rates, ...configs.map((c) => c.capacity.upperRps ?? 0)) * 1.05;
  const latencies = configs.flatMap((c) => c.points.flatMap((p) => runLatencies(p, sla.percentile)));
  const yTop = Math.max(sla.maxLatencyMs * 2, ...latencies.filter((y) => y <= sla.maxLatencyMs * 4));
  const datasets: Dataset[] = [];
  configs.forEach((c, i) => {
    const colour = RUN_COLOURS[i % RUN_COLOURS.length]!;
    const judged = c.points.filter((p) => p.judgement !== undefined);
    const runs = judged.flatMap((p) => (p.repeats ?? []).map((r) => ({ x: p.offered.value, y: percentileOf(r, sla.percentile), hollow: r.excluded !== undefined })));
    datasets.push({ label: `${c.label}: each run`, data: runs.map(({ x, y }) => ({ x, y })), colour, showLine: false, hollow: runs.map((r) => r.hollow), pointRadius: 3 });
    datasets.push({ label: `${c.label}: pooled ${sla.percentile}`, data: judged.map((p) => ({ x: p.offered.value, y: p.judgement!.latencyMs.estimate })), colour, showLine: true });
    datasets.push({ label: `${c.label}: 90% interval`, data: judged.map((p) => ({ x: p.offered.value, y: p.judgement!.latencyMs.lower })), colour, dash: [2, 3], showLine: true, pointRadius: 0 });
    datasets.push({ label: `${c.label}: 90% interval (upper)`, data: judged.map((p) => ({ x: p.offered.value, y: p.judgement!.latencyMs.upper ?? yTop })), colour, dash: [2, 3], showLine: true, pointRadius: 0 });
    const cap = c.capacity;
    if (cap.estimateRps !== null) {
      datasets.push({ label: `${c.label}: capacity`, data: [{ x: cap.estimateRps, y: sla.maxLatencyMs }], colour: OKABE_ITO.black, showLine: false, pointStyle: 'star', pointRadius: 10 });
    }
    for (const [end, x] of [['lower', cap.lowerRps], ['upper', cap.upperRps]] as const) {
      if (x !== null && x > 0) datasets.push({ label: `${c.label}: capacity interval (${end})`, data: [{ x, y: 0 }, { x, y: yTop }], colour: OKABE_ITO.black, dash: [6, 4], showLine: true, pointRadius: 0, reference: true });
    }
  });
  datasets.push(referenceLine(`SLA ${slaText(sla)}`, 0, xMax, sla.maxLatencyMs, SLA_STYLE));
  return {
    id: 'capacity-estimate',
    title: `Capacity with its 90% interval: ${sla.percentile} latency vs offered req/s (every run, the pooled percentile and its interval)`,
    type: 'scatter',
    x: { title: 'offered req/s (Poisson)', type: 'linear', min: 0, max: Math.ceil(xMax) },
    y: { title: `${sla.percentile} ms`, type: 'linear', min: 0, max: Math.ceil(yTop) },
    datasets,
    finding: configs.map((c) => `${c.label}: ${formatCapacity(c.capacity)}`).join('; '),
    table: table(
      ['configuration', 'offered req/s', 'runs', 'requests', `over ${sla.maxLatencyMs} ms`, '90% interval', `${sla.percentile} ms (90%)`, 'decision'],
      configs.flatMap((c) =>
        c.points.flatMap((p) => {
          const j = p.judgement;
          if (!j) return [];
          const l = j.latencyMs;
          return [[c.label, fixed(p.offered.value, 2), String(j.runs), String(j.requests), pct(j.exceedanceFraction), `${pct(j.fractionLower)}–${pct(j.fractionUpper)}`, `${fixed(l.estimate, 1)} (${fixed(l.lower, 1)}–${l.upper === null ? '?' : fixed(l.upper, 1)})`, j.decision]];
        }),
      ),
    ),
  };
}

function pct(x: number): string {
  return `${fixed(x * 100, 1)}%`;
}

type RunFigures = NonNullable<Point['repeats']>[number];
function percentileOf(r: RunFigures, percentile: SweepResult['sla']['percentile']): number {
  return percentile === 'p50' ? r.p50Ms : percentile === 'p99' ? r.p99Ms : r.p95Ms;
}

function runLatencies(p: Point, percentile: SweepResult['sla']['percentile']): number[] {
  return (p.repeats ?? []).map((r) => percentileOf(r, percentile));
}
