import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, decodeHistogram, distributionOf, encodeHistogram, recordMs } from '../../src/profile/core/histogram.js';
import { PlanDocument } from '../../src/schema/plan.js';
import { DISTRIBUTION_PERCENTILES, PROFILE_SCHEMA_VERSION, ProfileResult, ProfileResultDocument } from '../../src/schema/profileResult.js';
import { parseDocument } from '../../src/util/documents.js';

/** Schema version 2: what it adds, and version-1 documents still opening. */
describe('profile documents, version 1 -> 2', () => {
  it('a version-1 document parses, upgraded: no histogram, no distribution', () => {
    const text = readFileSync('profiles/imported/article-triton-g4dn.json', 'utf8');
    expect(JSON.parse(text).schemaVersion).toBe(1);
    const doc = parseDocument(text, 'triton.json', ProfileResultDocument, 'profile', [1, 2]);
    expect(doc.schemaVersion).toBe(PROFILE_SCHEMA_VERSION);
    expect(doc.latency).toMatchObject({ endToEndHistogram: null, distribution: null, endToEnd: { p95Ms: 98 } });
    // The strict current schema alone refuses version 1: the upgrade is what opens it.
    expect(ProfileResult.safeParse(JSON.parse(text)).success).toBe(false);
  });

  it('the distribution table is read from the histogram that is encoded beside it', () => {
    const h = createLatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordMs(h, ms);
    const table = distributionOf(h);
    expect(table.map((r) => r.percentile)).toEqual(DISTRIBUTION_PERCENTILES);
    expect(table.find((r) => r.percentile === 50)!.latencyMs).toBeCloseTo(500, 0);
    expect(table.find((r) => r.percentile === 99)!.latencyMs).toBeCloseTo(990, 0);
    // Encoded, decoded: the same table (what a reader of the document can rebuild).
    expect(distributionOf(decodeHistogram(encodeHistogram(h)))).toEqual(table);
  });

  it('a measured document from this version carries both', () => {
    const doc = ProfileResultDocument.parse(JSON.parse(readFileSync('test/fixtures/report-measured/triton-dynamic.json', 'utf8')));
    expect(doc.latency.endToEndHistogram).toMatch(/^\d+:HISTF/);
    expect(distributionOf(decodeHistogram(doc.latency.endToEndHistogram!))).toEqual(doc.latency.distribution);
  });
});

describe('plan documents, version 1 -> 2', () => {
  it('version 2 has 168 hours of demand and instances per candidate; version 1 opens with hourly null', () => {
    const v2 = JSON.parse(readFileSync('test/fixtures/report/business-hours-plan.json', 'utf8'));
    const plan = PlanDocument.parse(v2);
    const rec = plan.candidates.find((c) => c.id === plan.recommended)!;
    expect(rec.hourly!.demandRps).toHaveLength(168);
    expect(rec.hourly!.instances).toHaveLength(168);
    expect(Math.max(...rec.hourly!.instances)).toBe(rec.peakInstances);
    // Monday 09:00 UTC is a business hour at 300 req/s; 03:00 is off-peak at 60; Saturday noon is the weekend's 30.
    expect([rec.hourly!.demandRps[9], rec.hourly!.demandRps[3], rec.hourly!.demandRps[5 * 24 + 12]]).toEqual([300, 60, 30]);
    const v1 = { ...v2, schemaVersion: 1, candidates: v2.candidates.map(({ hourly: _, ...c }: Record<string, unknown>) => c) };
    expect(PlanDocument.parse(v1).candidates.every((c) => c.hourly === null)).toBe(true);
  });
});
