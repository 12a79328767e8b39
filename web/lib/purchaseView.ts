import { fixed, usd } from './format.js';
import { OKABE_ITO } from './palette.js';
import { table } from './chartModel.js';
import type { ChartModel, Dataset, Plan, Table } from './types.js';

type Candidate = Plan['candidates'][number];
type Purchase = NonNullable<Candidate['purchase']>;
type Option = Purchase['options'][number];
interface HourSplit {
  committed: number;
  idle: number;
  onDemand: number;
  spot: number;
}
export interface PurchaseViewModel {
  candidate: string;
  sentence: string;
  chart: ChartModel | null;
  options: Table;
  spot: string | null;
}

/**
 * Plan -> how the focus candidate is bought (plan schema 3, `candidate.purchase`): its week as
 * stacked areas (committed in use, committed but idle, On-Demand, Spot) whose committed bands top
 * out at the commitment line every hour, and every option's cost as a table. null for plans
 * without purchase figures or hourly figures. Kept apart from planView.js so the plan page needs
 * only a one-line hook.
 */
export function purchaseView(doc: Plan): PurchaseViewModel | null {
  const c = doc.candidates.find((x) => x.id === doc.recommended) ?? doc.candidates[0];
  const p = c?.purchase;
  if (!c || !p || !c.hourly) return null;
  const shownId = p.ranked.by !== 'ondemand' ? p.ranked.by : p.best;
  const option = p.options.find((o) => o.option === shownId) ?? null;
  return {
    candidate: c.id,
    sentence: option ? `Cheapest way to buy ${c.id}${shownId === p.best ? '' : ' (as ranked)'}: ${option.sentence}.` : `No purchase option is priced for ${c.instanceType} in ${c.region}: On-Demand only, ${usd(p.onDemandUsdPerMonth)}/month scheduled.`,
    chart: option ? weekChart({ ...c, hourly: c.hourly }, p, option) : null,
    options: optionsTable(p),
    spot: p.spot?.statement ?? null,
  };
}

/** Per hour: the instances of each kind, as src/plan/commitment.ts splits them. */
export function splitHour(d: number, k: number, spotFloor: number | null): HourSplit {
  const committed = Math.min(d, k);
  const idle = k - committed;
  if (spotFloor === null) return { committed, idle, onDemand: d - committed, spot: 0 };
  const onDemand = Math.max(0, Math.min(d, spotFloor) - k);
  return { committed, idle, onDemand, spot: Math.max(0, d - Math.max(k, spotFloor)) };
}

function weekChart(c: Candidate & { hourly: NonNullable<Candidate['hourly']> }, p: Purchase, option: Option): ChartModel {
  const k = option.committedInstances;
  // Spot runs above the floor only in mixes that use it (a Spot price was given with --spot).
  const spotFloor = p.spot && option.peakSpotInstances > 0 ? p.spot.floorInstances : null;
  const hours = c.hourly.instances.map((d, h) => ({ h, ...splitHour(d, k, spotFloor) }));
  const series = (key: keyof HourSplit) => hours.map((x) => ({ x: x.h, y: x[key] }));
  const datasets: Dataset[] = [
    { label: `committed, in use (${option.option})`, data: series('committed'), colour: OKABE_ITO.blue, dash: [], stepped: true },
    { label: `committed, paid but idle (the top of the blue bands is the commitment: ${k})`, data: series('idle'), colour: OKABE_ITO.skyBlue, dash: [], stepped: true },
    { label: 'On-Demand', data: series('onDemand'), colour: OKABE_ITO.orange, dash: [], stepped: true },
    { label: 'Spot', data: series('spot'), colour: OKABE_ITO.green, dash: [], stepped: true },
  ];
  return {
    id: 'purchase-week',
    title: `How ${c.id}'s week is bought: ${option.description}${spotFloor !== null ? ' with Spot above the floor' : ''} (instances, Monday 00:00 UTC first)`,
    type: 'line',
    stackedArea: true,
    x: { title: 'hour of the week', type: 'linear', min: 0, max: 167 },
    y: { title: 'instances', type: 'linear', min: 0 },
    datasets,
    finding: `${k} committed instance(s) every hour; up to ${option.peakOnDemandInstances} On-Demand and ${option.peakSpotInstances} Spot at the peak; ${usd(option.usdPerMonth)}/month against ${usd(p.onDemandUsdPerMonth)} On-Demand alone.`,
    table: table(['hour', 'committed in use', 'committed idle', 'On-Demand', 'Spot'], hours.map((x) => [String(x.h), String(x.committed), String(x.idle), String(x.onDemand), String(x.spot)])),
  };
}

function optionsTable(p: Purchase): Table {
  const rows = [['On-Demand only', String(p.onDemandUsdPerHour), '0', '–', usd(p.onDemandUsdPerMonth), '–', '']];
  for (const o of p.options) {
    rows.push([
      o.option === p.best ? `${o.option} (best)` : o.option,
      o.effectiveUsdPerHour === null ? '–' : String(o.effectiveUsdPerHour),
      String(o.committedInstances),
      o.commitmentUsdPerHour > 0 ? `$${fixed(o.commitmentUsdPerHour, 4)}/h` : '–',
      usd(o.usdPerMonth),
      `${o.savesPct >= 0 ? '−' : '+'}${fixed(Math.abs(o.savesPct), 1)}%`,
      o.price ? (o.price.kind === 'snapshot' ? `${o.price.sourceId} ${o.price.date ?? ''}`.trim() : `${o.price.api} ${o.price.fetchedAt}`) : '',
    ]);
  }
  for (const id of p.noPrice) rows.push([id, 'no price', '–', '–', '–', '–', 'no source carried one; none is estimated']);
  return table(['option', 'effective $/h', 'committed instances', 'commitment', '$/month', 'vs On-Demand', 'price from'], rows);
}
