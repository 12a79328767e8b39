import { formatUsd } from '../plan/money.js';
import type { CapacityEstimate } from '../schema/capacityEstimate.js';
import { formatSla } from '../schema/sla.js';
import type { WhatifResult, WhatifVariant } from '../schema/whatif.js';
import { beyondNoiseText } from '../schema/whatifText.js';
import { textTable } from '../util/textTable.js';
import type { UsdRange } from './dollars.js';
import { SETTING_WORDS } from './settings.js';

/** The what-if tables: one row per setting (sorted by dollars), then the cumulative path. */
export function formatWhatif(doc: WhatifResult): string {
  const p = doc.pricing;
  const lines: string[] = [];
  lines.push(
    `what each setting of ${doc.name} costs at ${p.traffic} (peak ${p.peakDemandRps} req/s), ${formatSla(doc.sla)}, ` +
      `${p.instanceType} ${formatUsd(p.usdPerHour)}/h in ${p.region}, ${Math.round(p.utilization * 100)}% utilisation:`,
  );
  lines.push(`current: ${variantLine(doc.current)}`);
  if (doc.control) lines.push(`current, measured again last (the noise check): capacity ${capacityText(doc.control.capacity)} req/s`);
  lines.push('');
  const header = ['setting', 'share of time', 'capacity with (90%)', 'capacity without (90%)', 'instances', '$/month it costs', 'beyond noise'];
  const body = doc.rows.map((r) => [
    `${SETTING_WORDS[r.setting]} ${r.from} -> ${r.to}${r.onPath ? '' : ' (*)'}`,
    r.stageSharePct === null ? '-' : `${r.stageSharePct.toFixed(1)}%`,
    capacityText(doc.current.capacity),
    capacityText(r.without.capacity),
    `${doc.current.instances ?? '?'} -> ${r.without.instances ?? '?'}`,
    usdRangeText(r.cost),
    beyondNoiseText(r),
  ]);
  lines.push(textTable([header, ...body], { alignRight: [false, true, true, true, true, true, false] }));
  if (doc.rows.some((r) => !r.onPath)) lines.push('(*) moves the work to the clients rather than removing it: not on the path to all-thin');
  lines.push('');
  lines.push(`all thin: ${variantLine(doc.thin)}`);
  const path = doc.path;
  const parts = path.steps.map((s) => `${SETTING_WORDS[s.setting]} ${usdText(s.step.usd)}${s.interacts ? ` (alone ${usdText(s.single.usd)}: interacts)` : ''}`);
  lines.push(
    `${doc.name} -> all thin: ${usdText(doc.current.usdPerMonth)} -> ${usdText(doc.thin.usdPerMonth)} a month, ${usdRangeText(path.total)} saved` +
      (parts.length > 0 ? `, of which ${parts.join(', ')}` : ' (intermediate steps not measured)'),
  );
  lines.push(
    path.interaction
      ? `interaction: the single changes add up to ${usdRangeText(path.sumOfSingles)}, the measured path to ${usdRangeText(path.total)}: the settings do not add up, read the path`
      : `the single changes add up to ${usdRangeText(path.sumOfSingles)}, the measured path to ${usdRangeText(path.total)}: no interaction beyond noise`,
  );
  for (const note of doc.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

function variantLine(v: WhatifVariant): string {
  return `capacity ${capacityText(v.capacity)} req/s -> ${v.instances ?? '?'} instance(s), ${usdText(v.usdPerMonth)}/month${v.extrasUsd > 0 ? ` (incl. ${formatUsd(v.extrasUsd)} extras)` : ''}`;
}

export function capacityText(c: CapacityEstimate | undefined): string {
  if (!c || c.estimateRps === null) return 'none';
  return `${c.estimateRps.toFixed(1)} (${c.lowerRps.toFixed(1)}-${c.upperRps === null ? '?' : c.upperRps.toFixed(1)})`;
}

function usdText(usd: number | null): string {
  return usd === null ? '?' : usd < 0 ? `-${formatUsd(-usd)}` : formatUsd(usd);
}

export function usdRangeText(r: UsdRange): string {
  return `${usdText(r.usd)} (${usdText(r.low)} to ${usdText(r.high)})`;
}
