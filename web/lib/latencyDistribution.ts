import { fixed, ms, round, slaText } from './format.js';
import { OKABE_ITO, SLA_STYLE } from './palette.js';
import { referenceLine, table } from './chartModel.js';
import type { ChartModel, Dataset, ProfileResult, Sla } from './types.js';

type SummaryKey = 'minMs' | 'p50Ms' | 'p90Ms' | 'p95Ms' | 'p99Ms' | 'maxMs';

/** Percentiles of the latency-by-percentile plot when the document has no distribution table. */
const SUMMARY_PERCENTILES: [number, SummaryKey][] = [
  [0, 'minMs'],
  [50, 'p50Ms'],
  [90, 'p90Ms'],
  [95, 'p95Ms'],
  [99, 'p99Ms'],
  [100, 'maxMs'],
];

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
