import { findingsEvidence } from '../../src/schema/findingsText.js';
import { table } from './chartModel.js';
import { fixed, slaText, usd } from './format.js';
import { bannerStatus } from './status.js';
import type { Findings, Table, VerdictStatus } from './types.js';
import { weekTable } from './weekTable.js';

/**
 * Findings -> the findings page's view model: the verdict `rightsize` printed, the evidence line
 * the terminal prints, the hour-of-week needs as a 7x24 heat map (and the peak demand beside it),
 * and each finding with its evidence figures and savings.
 */
export function findingsName(doc: Pick<Findings, 'fleet'>): string {
  return `rightsize ${doc.fleet.name}`;
}

export interface FindingCard {
  finding: string;
  risk: number;
  savings: string;
  reasonCodes: string;
  summary: string;
  recommendation: string;
  hours: string;
  /** Each evidence figure as it was recorded. */
  evidence: Table;
}

export function findingsView(doc: Findings) {
  const insufficient = doc.findings.some((f) => f.finding === 'INSUFFICIENT_DATA');
  const actionable = doc.findings.filter((f) => f.finding !== 'INSUFFICIENT_DATA' && f.finding !== 'COMMITMENT_COVERS');
  // A mark of success only for a fleet with nothing to act on and nothing to warn about.
  const status: VerdictStatus = bannerStatus({ decided: !insufficient, stable: true, warnings: doc.warnings.length + actionable.length });
  const c = doc.capacity;
  const cards: FindingCard[] = doc.findings.map((f) => ({
    finding: f.finding,
    risk: f.risk,
    savings: f.estimatedMonthlySavings.value === 0 ? '–' : `${usd(f.estimatedMonthlySavings.value)}/month`,
    reasonCodes: f.reasonCodes.join(', '),
    summary: f.summary,
    recommendation: f.recommendation,
    hours: f.evidence.hourCount === 0 ? 'no hours' : `${f.evidence.hourCount} hour(s)${f.evidence.hours.length > 0 ? `, from ${f.evidence.hours[0]}` : ''}`,
    evidence: table(['figure', 'value'], Object.entries(f.evidence.figures).map(([k, v]) => [k, v === null ? '–' : String(v)])),
  }));
  return {
    kind: 'findings' as const,
    name: findingsName(doc),
    title: findingsName(doc),
    verdict: { sentence: doc.summary.verdict, status },
    evidence: findingsEvidence(doc),
    setup:
      `${doc.fleet.instanceType} in ${doc.fleet.region} at ${slaText(doc.fleet.sla)}: capacity ${fixed(c.throughputRps, 1)} req/s per instance (${c.id}), ` +
      `planned at ${Math.round(doc.fleet.utilization * 100)}% = ${fixed(c.perInstanceRps, 1)} req/s, floor ${doc.fleet.minInstances}; ` +
      `${doc.window.hours} hours from ${doc.window.start} (hourly ${doc.window.peakStat}; ${doc.window.source}); $${fixed(doc.price.usdPerHour, 3)}/h.`,
    summary: table(
      ['running (most)', 'needed at peak', 'peak req/s', 'peak hour', 'static saving', 'scheduled saving'],
      [[
        doc.summary.runningInstances === null ? '–' : String(doc.summary.runningInstances),
        String(doc.summary.neededInstances),
        fixed(doc.summary.peakDemandRps, 1),
        doc.summary.peakHour ?? '–',
        `${usd(doc.summary.staticSavingsUsdPerMonth)}/month`,
        `${usd(doc.summary.scheduledSavingsUsdPerMonth)}/month`,
      ]],
    ),
    week: weekTable(doc.weekly.recommendedInstances),
    weekPeaks: weekTable(doc.weekly.peakRps, (x) => fixed(x, 0)),
    findings: cards,
    warnings: doc.warnings,
  };
}
