import { fixed, ms, rps, slaText, tick } from './format.js';
import { OKABE_ITO, RUN_COLOURS, SLA_STYLE } from './palette.js';
import { referenceLine, table } from './chartModel.js';
import { bannerStatus } from './status.js';
import type { ChartModel, Dataset, Sla, SweepResult } from './types.js';
import { capacityChart } from './capacityView.js';
import { formatCapacity } from '../../src/schema/capacityText.js';

type Point = SweepResult['configurations'][number]['points'][number];
/** What the sweep view reads: a sweep document, or the live page's points so far. */
export interface SweepSource {
  name: string;
  sla: Sla;
  configurations: { label: string; params: Record<string, unknown>; points: Point[]; maxThroughputAtSlaRps: number | null; capacity?: Capacity }[];
  /** Version 3: a busy host, an interval wider than asked. */
  warnings?: string[];
}
type Capacity = NonNullable<SweepResult['configurations'][number]['capacity']>;
type Config = SweepSource['configurations'][number] & { colour: string };
type Shown = 'p50' | 'p95' | 'p99';
const at = (p: Point, shown: Shown): number => p[`${shown}Ms`];

/**
 * SweepResult -> the sweep page's view model: capacity curves (x = achieved req/s, y = latency at
 * the SLA percentile; every point shown, unstable ones hollow, the SLA dashed, each configuration's
 * capacity marked), the ranked table and a verdict sentence.
 */

/** CurvePoint has p50/p95/p99; an SLA on p90 is drawn against p95 (the next one up) and says so. */
export function curvePercentile(percentile: Sla['percentile']): Shown {
  return percentile === 'p90' ? 'p95' : percentile;
}

export function sweepView(doc: SweepSource) {
  const sla = doc.sla;
  const shown = curvePercentile(sla.percentile);
  const configs: Config[] = doc.configurations.map((c, i) => ({ ...c, colour: RUN_COLOURS[i % RUN_COLOURS.length]! }));
  const ranked = [...configs].sort(byCapacity);
  const points = configs.flatMap((c) => c.points);
  const xs = points.map((p) => p.throughputRps);
  const xMax = xs.length > 0 ? Math.max(...xs) : 1;

  const datasets: Dataset[] = configs.map((c) => ({
    label: c.label,
    data: c.points.map((p) => ({ x: p.throughputRps, y: at(p, shown) })),
    colour: c.colour,
    dash: [],
    showLine: true,
    // Hollow = unstable: filled markers are the points a capacity figure may rest on.
    hollow: c.points.map((p) => !p.stable),
  }));
  datasets.push(referenceLine(`SLA ${slaText(sla)}`, 0, xMax, sla.maxLatencyMs, SLA_STYLE));
  const capacityPoints = configs
    .flatMap((c) => {
      if (c.maxThroughputAtSlaRps === null) return [];
      const p = c.points.find((q) => q.throughputRps === c.maxThroughputAtSlaRps);
      return [{ x: c.maxThroughputAtSlaRps, y: p ? at(p, shown) : sla.maxLatencyMs }];
    });
  datasets.push({ label: 'capacity at SLA', data: capacityPoints, colour: OKABE_ITO.black, dash: [], showLine: false, pointStyle: 'star', pointRadius: 9 });

  const best = ranked[0];
  const verdict = verdictSentence(doc, ranked, points.length);
  const bestPoint = best && best.maxThroughputAtSlaRps !== null ? best.points.find((q) => q.throughputRps === best.maxThroughputAtSlaRps) : undefined;
  const estimated = best?.capacity !== undefined;
  const detected = [
    ...(!estimated && bestPoint && !bestPoint.stable ? [{ text: `Detected: ${best!.label}'s capacity point did not stabilise (UNSTABLE); read its figure with care`, target: 'capacity-s' }] : []),
    ...(doc.warnings ?? []).map((w) => ({ text: `Detected: ${w}`, target: 'capacity-estimate-s' })),
  ];
  // A capacity estimate is decided when it has a finite interval; the old rule, when any point was measured.
  const decided = estimated ? best.capacity!.estimateRps !== null && best.capacity!.upperRps !== null && best.capacity!.lowerRps > 0 : points.length > 0;
  const status = bannerStatus({ decided, stable: estimated || (bestPoint?.stable ?? true), warnings: detected.length });
  const capacityEstimate = capacityChart({ sla, configurations: doc.configurations as SweepResult['configurations'] });
  return {
    kind: 'sweep' as const,
    name: doc.name,
    title: doc.name,
    sla,
    verdict,
    status,
    detected,
    percentileShown: shown,
    charts: {
      ...(capacityEstimate ? { capacityEstimate } : {}),
      capacity: <ChartModel>{
        id: 'capacity',
        title: `Capacity curves: ${shown} latency vs achieved throughput${shown !== sla.percentile ? ` (${sla.percentile} not recorded per point; ${shown} shown)` : ''}`,
        type: 'scatter',
        x: { title: 'achieved req/s', type: 'linear', min: 0 },
        y: { title: `${shown} ms`, type: 'linear', min: 0 },
        datasets,
        finding: best && best.maxThroughputAtSlaRps !== null ? `${best.label} sustains ${rps(best.maxThroughputAtSlaRps)} within ${slaText(sla)}; ${points.filter((p) => !p.stable).length} of ${points.length} points unstable (hollow).` : `No configuration meets ${slaText(sla)}.`,
        table: table(
          ['configuration', 'offered', 'achieved req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'stable', 'meets SLA'],
          configs.flatMap((c) =>
            c.points.map((p) => [c.label, `${p.offered.value} ${p.offered.kind === 'rps' ? 'req/s' : 'concurrent'}`, fixed(p.throughputRps, 1), fixed(p.p50Ms, 1), fixed(p.p95Ms, 1), fixed(p.p99Ms, 1), tick(p.stable), tick(p.meetsSla)]),
          ),
        ),
      },
    },
    ranked: table(
      ['rank', 'configuration', 'params', estimated ? 'capacity at SLA' : 'max req/s at SLA', `${shown} there`, 'GPU util', 'stable', 'meets SLA'],
      ranked.map((c, i) => {
        const p = c.points.find((q) => q.throughputRps === c.maxThroughputAtSlaRps);
        const closest = p ?? closestPoint(c, shown);
        const miss = !p && closest ? `✗ misses by ${ms(at(closest, shown) - sla.maxLatencyMs)}` : '✓ yes';
        return [
          String(i + 1),
          c.label,
          Object.entries(c.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', '),
          c.capacity ? formatCapacity(c.capacity) : c.maxThroughputAtSlaRps === null ? 'none' : fixed(c.maxThroughputAtSlaRps, 1),
          closest ? ms(at(closest, shown)) : 'n/a',
          closest?.gpuUtilPct !== undefined ? `${fixed(closest.gpuUtilPct, 0)}%` : 'n/a',
          closest ? tick(closest.stable) : 'n/a',
          miss,
        ];
      }),
    ),
    rankedLabels: ranked.map((c) => c.label),
  };
}

/** A configuration's capacity: its estimate (version 3), else its best measured point's throughput. */
function capacityRps(c: SweepSource['configurations'][number]): number | null {
  return c.capacity ? c.capacity.estimateRps : c.maxThroughputAtSlaRps;
}

function byCapacity(a: Config, b: Config): number {
  return (capacityRps(b) ?? -1) - (capacityRps(a) ?? -1);
}

function closestPoint(c: Config, shown: Shown): Point | null {
  return c.points.reduce<Point | null>((best, p) => (best === null || at(p, shown) < at(best, shown) ? p : best), null);
}

function verdictSentence(doc: SweepSource, ranked: Config[], pointCount: number): string {
  const sla = doc.sla;
  const best = ranked[0];
  const head = `Of ${doc.configurations.length} configuration(s) (${pointCount} points)`;
  if (best?.capacity) {
    if (best.capacity.estimateRps === null) return `${head}, none sustains any load within ${slaText(sla)}.`;
    return `${head}, ${best.label}'s capacity at ${slaText(sla)} is ${formatCapacity(best.capacity)}.`;
  }
  if (!best || best.maxThroughputAtSlaRps === null) return `${head}, none sustains any load within ${slaText(sla)}.`;
  const worstMeeting = [...ranked].reverse().find((c) => c.maxThroughputAtSlaRps !== null && c.maxThroughputAtSlaRps > 0);
  const ratio = worstMeeting && worstMeeting !== best ? `, ${fixed(best.maxThroughputAtSlaRps / worstMeeting.maxThroughputAtSlaRps!, 2)}× ${worstMeeting.label}` : '';
  return `${head}, ${best.label} sustains ${rps(best.maxThroughputAtSlaRps)} at ${slaText(sla)}${ratio}.`;
}
