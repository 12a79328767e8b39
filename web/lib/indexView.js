import { fixed, ms, slaText } from './format.js';
import { planName } from './planView.js';
import { describeSetup } from './profileView.js';

/**
 * One row per document for the index page: kind, name, model, instance type, provider, time and a
 * short verdict. Entries are { id, doc } as the documents API lists them.
 */
export function indexView(entries) {
  return {
    rows: entries.map(({ id, doc }) => ({ id, kind: doc.kind, href: hrefFor(id, doc), ...summary(doc) })),
    profileIds: entries.filter((e) => e.doc.kind === 'profile-result').map((e) => e.id),
  };
}

export function hrefFor(id, doc) {
  const page = { 'profile-result': 'profile', 'sweep-result': 'sweep', plan: 'plan', whatif: 'whatif' }[doc.kind];
  return `/${page}/${encodeURIComponent(id)}`;
}

function summary(doc) {
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
    const best = doc.configurations.reduce((b, c) => ((c.maxThroughputAtSlaRps ?? -1) > (b?.maxThroughputAtSlaRps ?? -1) ? c : b), null);
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
