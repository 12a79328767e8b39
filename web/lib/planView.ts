import { fixed, grouped, rps, slaText, usd } from './format.js';
import { OKABE_ITO } from './palette.js';
import { table } from './chartModel.js';
import { bannerStatus } from './status.js';
import type { ChartModel, Plan, Table } from './types.js';

type Candidate = Plan['candidates'][number];
import { purchaseView } from './purchaseView.js';
import { weekTable } from './weekTable.js';

/**
 * Plan -> the plan page's view model: the recommendation sentence, the candidate table, the week
 * (demand over 168 hours against capacity, and a 7x24 table of instances per hour), cost bars and
 * the comparison sentences.
 */


export function planView(doc: Plan) {
  const byId = new Map(doc.candidates.map((c) => [c.id, c]));
  const recommended = (doc.recommended ? byId.get(doc.recommended) : null) ?? null;
  const focus = recommended ?? doc.candidates[0];
  const week = weekChart(focus);
  return {
    kind: 'plan' as const,
    name: planName(doc),
    title: planName(doc),
    sla: doc.inputs.sla,
    recommendation: recommendationSentence(doc, recommended),
    // A plan whose warnings say its figures cannot stand for what it prices is never a success.
    status: bannerStatus({ decided: recommended !== null, stable: true, warnings: doc.warnings.length }),
    recommendedId: doc.recommended,
    candidates: candidateTable(doc),
    week: weekView(focus),
    charts: { cost: costChart(doc), ...(week ? { week } : {}) },
    comparisons: (doc.comparison ?? []).map((c) => c.sentence),
    prices: doc.prices.statement,
    traffic: doc.inputs.traffic.description,
    warnings: doc.warnings,
    purchase: purchaseView(doc),
  };
}

export function planName(doc: Pick<Plan, 'candidates'>): string {
  return `plan ${doc.candidates.map((c) => c.id).join(' vs ')}`;
}

function recommendationSentence(doc: Plan, recommended: Candidate | null): string {
  const sla = slaText(doc.inputs.sla);
  if (!recommended) {
    const c = doc.closest;
    return c ? `No candidate meets ${sla}; the closest, ${c.id}, misses by ${fixed(c.byMs, 1)} ms (${fixed(c.byPct, 1)}%).` : `No candidate meets ${sla}.`;
  }
  const r = recommended;
  return (
    `Run ${r.id} on ${r.peakInstances} × ${r.instanceType} (${r.region}) for ${usd(r.usdPerMonth)}/month static` +
    ` or ${usd(r.usdPerMonthScheduled)}/month with scheduled scaling, at ${sla}` +
    ` (${rps(r.capacity.perInstanceRps)} per instance at ${fixed(r.capacity.utilization * 100, 0)}% utilisation).`
  );
}

function candidateTable(doc: Plan): Table {
  return table(
    ['rank', 'candidate', 'instance type', 'configuration', 'req/s per instance', `${doc.inputs.sla.percentile} ms`, 'meets SLA', 'peak instances', 'static $/month', 'scheduled $/month', '$ per million', 'cold start', 'imported'],
    doc.candidates.map((c) => [
      String(c.rank),
      c.id,
      c.instanceType,
      c.configuration ?? '—',
      fixed(c.capacity.perInstanceRps, 1),
      fixed(c.capacity.latencyMs, 1),
      c.meetsSla ? '✓ yes' : `✗ no (+${fixed(c.slaMiss?.byMs, 1)} ms)`,
      String(c.peakInstances),
      usd(c.usdPerMonth),
      usd(c.usdPerMonthScheduled),
      c.usdPerMillionRequests === null ? 'n/a' : usd(c.usdPerMillionRequests),
      c.coldStartMs === null ? 'n/a' : `${grouped(c.coldStartMs, 0)} ms`,
      c.imported ? 'yes' : 'no',
    ]),
  );
}

/** The 7x24 instances-per-hour table of one candidate; null when the plan predates hourly figures. */
function weekView(c: Candidate | undefined): { candidate: string | null; available: boolean; table?: Table; max?: number; min?: number } {
  const hourly = c?.hourly;
  if (!c || !hourly) return { candidate: c?.id ?? null, available: false };
  return { candidate: c.id, available: true, ...weekTable(hourly.instances) };
}

function weekChart(c: Candidate | undefined): ChartModel | null {
  const hourly = c?.hourly;
  if (!c || !hourly) return null;
  const hours = hourly.demandRps.map((_, h) => h);
  const capacity = hourly.instances.map((n) => n * c.capacity.perInstanceRps);
  return {
    id: 'week',
    title: `Demand over the week against ${c.id}'s capacity (Monday 00:00 UTC first)`,
    type: 'line',
    x: { title: 'hour of the week', type: 'linear', min: 0, max: 167 },
    y: { title: 'req/s', type: 'linear', min: 0 },
    datasets: [
      { label: 'demand req/s', data: hours.map((h) => ({ x: h, y: hourly.demandRps[h] ?? null })), colour: OKABE_ITO.blue, dash: [], stepped: true },
      { label: 'capacity req/s (instances × per instance)', data: hours.map((h) => ({ x: h, y: capacity[h] ?? null })), colour: OKABE_ITO.orange, dash: [6, 4], stepped: true },
    ],
    finding: `Demand peaks at ${rps(Math.max(...hourly.demandRps))}; ${c.id} scales between ${Math.min(...hourly.instances)} and ${Math.max(...hourly.instances)} instances and stays at or above demand every hour.`,
    table: table(['hour', 'demand req/s', 'instances', 'capacity req/s'], hours.map((h) => [String(h), fixed(hourly.demandRps[h], 1), String(hourly.instances[h]), fixed(capacity[h], 1)])),
  };
}

function costChart(doc: Plan): ChartModel {
  const labels = doc.candidates.map((c) => c.id);
  const instancesStatic = doc.candidates.map((c) => c.usdPerMonthInstances);
  const instancesScheduled = doc.candidates.map((c) => Math.round((c.usdPerMonthScheduled - c.extrasUsdPerMonth) * 100) / 100);
  const extras = doc.candidates.map((c) => c.extrasUsdPerMonth);
  const cheapest = [...doc.candidates].sort((a, b) => a.usdPerMonth - b.usdPerMonth)[0]!;
  return {
    id: 'cost',
    title: 'Monthly cost: static fleet vs scheduled scaling (extras stacked)',
    type: 'bar',
    horizontal: true,
    stacked: true,
    labels,
    x: { title: 'USD per month', min: 0 },
    y: { title: '' },
    datasets: [
      { label: 'static: instances', data: instancesStatic, colour: OKABE_ITO.blue, stack: 'static' },
      { label: 'static: extras', data: extras, colour: OKABE_ITO.skyBlue, stack: 'static' },
      { label: 'scheduled: instances', data: instancesScheduled, colour: OKABE_ITO.orange, stack: 'scheduled' },
      { label: 'scheduled: extras', data: extras, colour: OKABE_ITO.yellow, stack: 'scheduled' },
    ],
    finding: `Cheapest static fleet: ${cheapest.id} at ${usd(cheapest.usdPerMonth)}/month${cheapest.meetsSla ? '' : ' (misses the SLA)'}.`,
    table: table(
      ['candidate', 'static instances $', 'scheduled instances $', 'extras $', 'static total $', 'scheduled total $'],
      doc.candidates.map((c, i) => [c.id, usd(instancesStatic[i]), usd(instancesScheduled[i]), usd(extras[i]), usd(c.usdPerMonth), usd(c.usdPerMonthScheduled)]),
    ),
  };
}

