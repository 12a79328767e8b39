import { fixed, ms, slaText } from './format.js';
import { planName } from './planView.js';
import { describeSetup } from './profileView.js';
import { findingsName } from './findingsView.js';
import type { DocumentEntry, Findings, ReportDocument, SweepResult, Verification } from './types.js';
import { verificationName } from './verificationView.js';

export interface IndexRow {
  id: string;
  kind: ReportDocument['kind'];
  href: string;
  name: string;
  model: string;
  instanceType: string;
  provider: string;
  time: string;
  verdict: string;
  setup?: string;
}

/**
 * One row per document for the index page: kind, name, model, instance type, provider, time and a
 * short verdict. Entries are { id, doc } as the documents API lists them.
 */
export function indexView(entries: readonly DocumentEntry[]): { rows: IndexRow[]; profileIds: string[] } {
  return {
    rows: entries.map(({ id, doc }) => ({ id, kind: doc.kind, href: hrefFor(id, doc), ...summary(doc) })),
    profileIds: entries.filter((e) => e.doc.kind === 'profile-result').map((e) => e.id),
  };
}

export const PAGE_OF_KIND: Record<ReportDocument['kind'], string> = { 'profile-result': 'profile', 'sweep-result': 'sweep', plan: 'plan', verification: 'verification', whatif: 'whatif', findings: 'findings' };

export function hrefFor(id: string, doc: Pick<ReportDocument, 'kind'>): string {
  const page = PAGE_OF_KIND[doc.kind];
  return `/${page}/${encodeURIComponent(id)}`;
}

function summary(doc: ReportDocument): Omit<IndexRow, 'id' | 'kind' | 'href'> {
  if (doc.kind === 'profile-result') {
    const env = doc.environment;
    return {
      name: doc.name,
      model: doc.model?.source ?? 'n/a',
      instanceType: env.instanceType ?? 'n/a',
      provider: env.executionProvider ?? 'n/a',
      time: doc.createdAt,
      verdict: `${fixed(doc.throughputRps, 1)} req/s, p95 ${ms(doc.latency.endToEnd.p95Ms)}, ${doc.provenance.kind === 'imported' ? 'imported' : doc.measurement.stable ? 'stable' : 'unstable'}`,
      setup: describeSetup(doc),
    };
  }
  if (doc.kind === 'sweep-result') {
    const best = doc.configurations.reduce<SweepResult['configurations'][number] | null>((b, c) => ((c.maxThroughputAtSlaRps ?? -1) > (b?.maxThroughputAtSlaRps ?? -1) ? c : b), null);
    return {
      name: doc.name,
      model: doc.configurations[0]?.spec.model.source ?? 'n/a',
      instanceType: doc.environment.instanceType ?? 'n/a',
      provider: doc.environment.executionProvider ?? 'n/a',
      time: doc.createdAt,
      verdict: best && best.maxThroughputAtSlaRps !== null ? `${best.label}: ${fixed(best.maxThroughputAtSlaRps, 1)} req/s at ${slaText(doc.sla)}` : `nothing meets ${slaText(doc.sla)}`,
    };
  }
  if (doc.kind === 'whatif') {
    return { name: doc.name, model: doc.spec.model.source, instanceType: doc.pricing.instanceType, provider: doc.environment?.executionProvider ?? 'n/a', time: doc.createdAt, verdict: `what-if: $${fixed(doc.current.usdPerMonth, 2)} → $${fixed(doc.thin.usdPerMonth, 2)}/month` };
  }
  if (doc.kind === 'verification') return verificationSummary(doc);
  if (doc.kind === 'findings') return findingsSummary(doc);
  const rec = doc.candidates.find((c) => c.id === doc.recommended);
  return {
    name: planName(doc),
    model: 'n/a',
    instanceType: [...new Set(doc.candidates.map((c) => c.instanceType))].join(', '),
    provider: 'n/a',
    time: doc.createdAt,
    verdict: rec ? `${rec.id}: ${rec.peakInstances} × ${rec.instanceType}, $${fixed(rec.usdPerMonth, 2)}/month` : `nothing meets ${slaText(doc.inputs.sla)}`,
  };
}

function findingsSummary(doc: Findings): Omit<IndexRow, 'id' | 'kind' | 'href'> {
  const kinds = doc.findings.map((f) => f.finding);
  return {
    name: findingsName(doc),
    model: 'n/a',
    instanceType: doc.fleet.instanceType,
    provider: 'n/a',
    time: doc.createdAt,
    verdict: kinds.length === 0 ? 'no findings' : kinds.join(', '),
  };
}

function verificationSummary(doc: Verification): Omit<IndexRow, 'id' | 'kind' | 'href'> {
  return {
    name: verificationName(doc),
    model: 'n/a',
    instanceType: doc.environment?.instanceType ?? 'n/a',
    provider: doc.environment?.executionProvider ?? 'n/a',
    time: doc.createdAt,
    verdict: `${doc.held} of ${doc.trials.length} trials held ${slaText(doc.sla)} at ${fixed(doc.rateRps, 1)} req/s`,
  };
}
