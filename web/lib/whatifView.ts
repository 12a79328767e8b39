import { beyondNoiseText } from '../../src/schema/whatifText.js';
import { table } from './chartModel.js';
import { fixed, usd } from './format.js';
import { OKABE_ITO } from './palette.js';
import type { ChartModel, Table, WhatifResult } from './types.js';

/**
 * The whatif document's view model: a waterfall from the current bill to the all-thin bill, one
 * bar per setting, beside the stage table and the settings by cost. The bars are the measured
 * path's steps, so they add up to the two bills exactly; with only the path's ends measured, the
 * single changes stand in and one "interaction" bar holds what they do not explain.
 */

const WORDS: Record<string, string> = { configLoad: 'config load', payloadSpool: 'payload spool', requestLog: 'request log', preprocess: 'preprocess', batching: 'batching', instances: 'instances' };

type Range = { usd: number | null; low: number | null; high: number | null };
type CapacityLike = WhatifResult['current']['capacity'];

const money = (x: number | null): string => (x === null ? '?' : x < 0 ? `-${usd(-x)}` : usd(x));
const range = (r: Range): string => `${money(r.usd)} (${money(r.low)} to ${money(r.high)})`;
const capacity = (c: CapacityLike): string => (!c || c.estimateRps === null ? 'none' : `${fixed(c.estimateRps, 1)} (${fixed(c.lowerRps, 1)}–${c.upperRps === null ? '?' : fixed(c.upperRps, 1)})`);

export type BarKind = 'bill' | 'saving' | 'cost' | 'interaction';
export interface WaterfallBar {
  label: string;
  kind: BarKind;
  from: number;
  to: number;
  usd: number;
}

/** The waterfall's bars, first the current bill and last the thin one; null when a bill is unknown. */
export function waterfallBars(doc: WhatifResult): WaterfallBar[] | null {
  const start = doc.current.usdPerMonth;
  const end = doc.thin.usdPerMonth;
  if (start === null || end === null) return null;
  const changes: { label: string; usd: number | null; interaction?: boolean }[] =
    doc.path.steps.length > 0
      ? doc.path.steps.map((s) => ({ label: WORDS[s.setting] ?? s.setting, usd: s.step.usd }))
      : doc.rows.filter((r) => r.onPath).map((r) => ({ label: `${WORDS[r.setting] ?? r.setting} (alone)`, usd: r.cost.usd }));
  if (changes.some((c) => c.usd === null)) return null;
  const explained = changes.reduce((s, c) => s + c.usd!, 0);
  const rest = start - end - explained;
  if (doc.path.steps.length === 0 && Math.abs(rest) >= 0.005) changes.push({ label: 'interaction', usd: rest, interaction: true });
  const bars: WaterfallBar[] = [{ label: 'current', kind: 'bill', from: 0, to: start, usd: start }];
  let level = start;
  for (const c of changes) {
    const saved = c.usd!;
    bars.push({ label: c.label, kind: c.interaction ? 'interaction' : saved >= 0 ? 'saving' : 'cost', from: level, to: level - saved, usd: saved });
    level -= saved;
  }
  bars.push({ label: 'all thin', kind: 'bill', from: 0, to: end, usd: end });
  return bars;
}

const COLOURS: Record<BarKind, string> = { bill: OKABE_ITO.blue, saving: OKABE_ITO.green, cost: OKABE_ITO.vermillion, interaction: OKABE_ITO.orange };
const NAMES: Record<BarKind, string> = { bill: 'bill', saving: 'saved', cost: 'costs more', interaction: 'interaction' };

/**
 * The waterfall as stacked bars: an invisible offset lifts each change to where the bill stands,
 * and one visible dataset per kind of bar (so the chart's numbers stay plain numbers, one a label).
 */
function waterfallChart(bars: WaterfallBar[], finding: string): ChartModel {
  const kinds: BarKind[] = ['bill', 'saving', 'cost', 'interaction'];
  return {
    id: 'waterfall',
    title: 'From the current bill to the thin bill, one bar per setting',
    type: 'bar',
    stacked: true,
    labels: bars.map((b) => b.label),
    x: { title: '' },
    y: { title: 'USD per month', min: 0 },
    datasets: [
      { label: 'offset', data: bars.map((b) => (b.kind === 'bill' ? 0 : Math.min(b.from, b.to))), colour: '#00000000' },
      ...kinds
        .filter((k) => bars.some((b) => b.kind === k))
        .map((k) => ({ label: NAMES[k], data: bars.map((b) => (b.kind === k ? Math.abs(b.to - b.from) : null)), colour: COLOURS[k] })),
    ],
    finding,
    table: table(['bar', 'USD per month', 'from', 'to'], bars.map((b) => [b.label, money(b.usd), money(b.from), money(b.to)])),
  };
}

export function whatifView(doc: WhatifResult) {
  const p = doc.pricing;
  const bars = waterfallBars(doc);
  const headline =
    `${doc.name} → all thin at ${p.traffic}: ${money(doc.current.usdPerMonth)} → ${money(doc.thin.usdPerMonth)} a month on ${p.instanceType} ` +
    `(${range(doc.path.total)} saved)` +
    (doc.path.interaction ? `; the settings interact: the single changes add up to ${range(doc.path.sumOfSingles)}` : '');
  const settings: Table = table(
    ['setting', 'share of time', 'capacity with (90%)', 'capacity without (90%)', 'instances', '$/month it costs', 'beyond noise'],
    doc.rows.map((r) => [
      `${WORDS[r.setting] ?? r.setting} ${r.from} → ${r.to}${r.onPath ? '' : ' (off the path)'}`,
      r.stageSharePct === null ? '–' : `${fixed(r.stageSharePct, 1)}%`,
      capacity(doc.current.capacity),
      capacity(r.without.capacity),
      `${doc.current.instances ?? '?'} → ${r.without.instances ?? '?'}`,
      range(r.cost),
      beyondNoiseText(r),
    ]),
  );
  return {
    kind: 'whatif' as const,
    title: doc.name,
    subtitle: `${doc.sla.percentile}<=${doc.sla.maxLatencyMs}ms, ${p.traffic}, ${p.instanceType} ${usd(p.usdPerHour)}/h in ${p.region}, ${Math.round(p.utilization * 100)}% utilisation`,
    headline,
    // `charts` and `ranked` are the names `report --csv` writes tables under (csv.ts viewTables).
    charts: bars ? { waterfall: waterfallChart(bars, headline) } : {},
    bars,
    ranked: settings,
    stageShares: table(['stage', 'share of request time'], doc.stageShares.map((s) => [s.name, `${fixed(s.sharePct, 1)}%`])),
    // The A/A control first: how far the spec as given moved between its two measurements.
    notes: [...(doc.control ? [`The spec as given, measured again last (the noise check): capacity ${capacity(doc.control.capacity)} req/s, against ${capacity(doc.current.capacity)} first.`] : []), ...doc.notes],
  };
}
