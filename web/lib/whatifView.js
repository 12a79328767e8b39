import { table } from './chartModel.js';
import { fixed, usd } from './format.js';
import { OKABE_ITO } from './palette.js';

/**
 * The whatif document's view model: a waterfall from the current bill to the all-thin bill, one
 * bar per setting, beside the settings table and the stage shares. The bars are the measured
 * path's steps, so they add up to the two bills exactly; with only the path's ends measured, the
 * single changes stand in and one "interaction" bar holds what they do not explain.
 */

const WORDS = { configLoad: 'config load', payloadSpool: 'payload spool', requestLog: 'request log', preprocess: 'preprocess', batching: 'batching', instances: 'instances' };

const money = (x) => (x === null || x === undefined ? '?' : x < 0 ? `-${usd(-x)}` : usd(x));
const range = (r) => `${money(r.usd)} (${money(r.low)} to ${money(r.high)})`;
const capacity = (c) => (!c || c.estimateRps === null ? 'none' : `${fixed(c.estimateRps, 1)} (${fixed(c.lowerRps, 1)}–${c.upperRps === null ? '?' : fixed(c.upperRps, 1)})`);

/** The waterfall's bars: [{ label, kind: 'bill'|'saving'|'cost'|'interaction', from, to, usd }]; null when a bill is unknown. */
export function waterfallBars(doc) {
  const start = doc.current.usdPerMonth;
  const end = doc.thin.usdPerMonth;
  if (start === null || end === null) return null;
  const changes = doc.path.steps.length > 0
    ? doc.path.steps.map((s) => ({ label: WORDS[s.setting], usd: s.step.usd }))
    : doc.rows.filter((r) => r.onPath).map((r) => ({ label: `${WORDS[r.setting]} (alone)`, usd: r.cost.usd }));
  if (changes.some((c) => c.usd === null)) return null;
  const explained = changes.reduce((s, c) => s + c.usd, 0);
  const rest = start - end - explained;
  if (doc.path.steps.length === 0 && Math.abs(rest) >= 0.005) changes.push({ label: 'interaction', usd: rest, interaction: true });
  const bars = [{ label: 'current', kind: 'bill', from: 0, to: start, usd: start }];
  let level = start;
  for (const c of changes) {
    bars.push({ label: c.label, kind: c.interaction ? 'interaction' : c.usd >= 0 ? 'saving' : 'cost', from: level, to: level - c.usd, usd: c.usd });
    level -= c.usd;
  }
  bars.push({ label: 'all thin', kind: 'bill', from: 0, to: end, usd: end });
  return bars;
}

const COLOURS = { bill: OKABE_ITO.blue, saving: OKABE_ITO.green, cost: OKABE_ITO.vermillion, interaction: OKABE_ITO.orange };

export function whatifView(doc) {
  const p = doc.pricing;
  const bars = waterfallBars(doc);
  const total = doc.path.total;
  const headline =
    `${doc.name} → all thin at ${p.traffic}: ${money(doc.current.usdPerMonth)} → ${money(doc.thin.usdPerMonth)} a month on ${p.instanceType} ` +
    `(${range(total)} saved)` +
    (doc.path.interaction ? '; the settings interact: the single changes add up to ' + range(doc.path.sumOfSingles) : '');
  const waterfall = bars && {
    id: 'waterfall',
    title: 'From the current bill to the thin bill, one bar per setting',
    type: 'bar',
    labels: bars.map((b) => b.label),
    x: { title: '' },
    y: { title: 'USD per month', min: 0 },
    datasets: [{ label: 'USD per month', data: bars.map((b) => [Math.min(b.from, b.to), Math.max(b.from, b.to)]), colour: bars.map((b) => COLOURS[b.kind]) }],
    finding: headline,
    table: table(['bar', 'USD per month', 'from', 'to'], bars.map((b) => [b.label, money(b.usd), money(b.from), money(b.to)])),
  };
  return {
    title: doc.name,
    subtitle: `${doc.sla.percentile}<=${doc.sla.maxLatencyMs}ms, ${p.traffic}, ${p.instanceType} ${usd(p.usdPerHour)}/h in ${p.region}, ${Math.round(p.utilization * 100)}% utilisation`,
    headline,
    waterfall,
    bars,
    settings: table(
      ['setting', 'share of time', 'capacity with (90%)', 'capacity without (90%)', 'instances', '$/month it costs', 'beyond noise'],
      doc.rows.map((r) => [
        `${WORDS[r.setting]} ${r.from} → ${r.to}${r.onPath ? '' : ' (off the path)'}`,
        r.stageSharePct === null ? '–' : `${fixed(r.stageSharePct, 1)}%`,
        capacity(doc.current.capacity),
        capacity(r.without.capacity),
        `${doc.current.instances ?? '?'} → ${r.without.instances ?? '?'}`,
        range(r.cost),
        r.beyondNoise ? 'yes' : 'no',
      ]),
    ),
    stages: table(['stage', 'share of request time'], doc.stageShares.map((s) => [s.name, `${fixed(s.sharePct, 1)}%`])),
    notes: doc.notes,
  };
}
