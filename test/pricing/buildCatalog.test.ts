import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCatalog, buildHostingCatalog, renderSnapshotModule, sourceDate } from '../../src/pricing/buildCatalog.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';

// The shared data folder beside the repository, or where $CAPACITY_PLAN_SHARED_DATA says (a git worktree elsewhere).
const DATA_DIR = process.env.CAPACITY_PLAN_SHARED_DATA
  ? pathToFileURL(`${process.env.CAPACITY_PLAN_SHARED_DATA.replace(/\/$/, '')}/`)
  : new URL('../../../shared/data/', import.meta.url);
const SHARED = new URL('ec2-gpu-instances.json', DATA_DIR);
const HOSTING = new URL('sagemaker-hosting-prices.json', DATA_DIR);

describe('embedded price catalog', () => {
  it('is the output of scripts/build-catalog.ts for the shared data files (regenerate it if this fails)', { skip: !existsSync(SHARED) || !existsSync(HOSTING) }, () => {
    const text = readFileSync(SHARED, 'utf8');
    const hosting = { jsonText: readFileSync(HOSTING, 'utf8'), fileLabel: '../shared/data/sagemaker-hosting-prices.json' };
    const committed = readFileSync(new URL('../../src/pricing/snapshot.generated.ts', import.meta.url), 'utf8');
    expect(renderSnapshotModule(buildCatalog(text, '../shared/data/ec2-gpu-instances.json', hosting))).toBe(committed);
  });

  it('carries the specs, per-region prices and their sources for g4dn.xlarge', () => {
    const catalog = snapshotCatalog();
    const g4dn = catalog.instances.find((i) => i.instanceType === 'g4dn.xlarge');
    expect(g4dn).toMatchObject({
      family: 'g4dn',
      vcpus: 4,
      memoryGiB: 16,
      accelerator: { kind: 'gpu', vendor: 'NVIDIA', model: 'T4', count: 1, memoryMiB: 16384 },
      onDemandUsdPerHour: { 'us-east-1': 0.526, 'us-west-2': 0.526, 'eu-west-1': 0.587, 'ap-northeast-1': 0.71 },
      sourceRefs: { onDemandUsdPerHour: { 'us-east-1': 'karpenter-pricing-us-east-1', 'eu-west-1': 'vantage-derived-2026-01-21' } },
    });
    expect(g4dn?.spotUsdPerHour).toEqual(expect.objectContaining({ asOf: '2025-11-30' }));
    expect(g4dn?.spotUsdPerHour?.byRegion['us-east-1']?.avg).toBe(0.1766);
    expect(catalog.instances).toHaveLength(66);
    expect(catalog.regions).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1']);
    expect(catalog.origin.assembled).toBe('2026-11-23');
  });

  it('dates every source from its stated data date, else its commit date', () => {
    const dates = Object.fromEntries(snapshotCatalog().sources.map((s) => [s.id, s.date]));
    expect(dates['karpenter-pricing-us-east-1']).toBe('2026-07-20');
    expect(dates['vantage-derived-2026-01-21']).toBe('2026-01-21');
    expect(sourceDate({ dataDate: 'AWS offer files version 1', commitDate: 'unknown (index)' })).toBeNull();
    expect(sourceDate({ commitDate: '2026-01-21T14:56:50Z' })).toBe('2026-01-21');
  });

  it('leaves out prices no source carried instead of inventing them', () => {
    const catalog = snapshotCatalog();
    const p5e = catalog.instances.find((i) => i.instanceType === 'p5e.48xlarge');
    expect(p5e?.onDemandUsdPerHour).toEqual({});
    const g6 = catalog.instances.find((i) => i.instanceType === 'g6.xlarge');
    expect(g6?.onDemandUsdPerHour['eu-west-1']).toBeUndefined();
    expect(g6?.noOnDemandPriceInSources).toEqual(['eu-west-1']);
  });

  it('rejects an input of another schema', () => {
    expect(() => buildCatalog(JSON.stringify({ schema: 'other/v2' }), 'x.json')).toThrow();
  });
});

describe('embedded SageMaker Hosting prices', () => {
  const hosting = snapshotCatalog().sagemakerHosting!;

  it('keeps every price of the data file with its source and date (rebuilt from the file)', { skip: !existsSync(HOSTING) }, () => {
    const raw = JSON.parse(readFileSync(HOSTING, 'utf8')) as {
      instances: { instanceType: string; hostingOnDemandUsdPerHour?: Record<string, number>; sourceRefs?: Record<string, string>; asOf?: Record<string, string> }[];
    };
    const byType = new Map(hosting.instances.map((i) => [i.instanceType, i]));
    const sourceIds = new Set(hosting.sources.map((s) => s.id));
    let prices = 0;
    for (const r of raw.instances) {
      const built = byType.get(r.instanceType);
      expect(built, r.instanceType).toBeDefined();
      for (const [region, usd] of Object.entries(r.hostingOnDemandUsdPerHour ?? {})) {
        prices += 1;
        expect(built!.hostingUsdPerHour[region], `${r.instanceType} ${region}`).toBe(usd);
        expect(built!.sourceRefs[region]).toBe(r.sourceRefs![region]);
        expect(sourceIds.has(built!.sourceRefs[region]!)).toBe(true);
        expect(built!.asOf[region]).toBe(r.asOf![region]);
      }
    }
    // 22 us-east-1 types + 1 us-west-2 + 4 eu-west-1 = 27 sourced prices.
    expect(prices).toBe(27);
    // No price in the snapshot that the file does not have.
    expect(hosting.instances.reduce((n, i) => n + Object.keys(i.hostingUsdPerHour).length, 0)).toBe(27);
  });

  it('dates every source, and names the hardware the specs come from', () => {
    const dates = Object.fromEntries(hosting.sources.map((s) => [s.id, s.date]));
    expect(dates).toMatchObject({ 'fmbench-pricing-yml': '2025-01-26', 'jp-rag-sample-issue-15': '2023-10-08', 'ssh-helper-bill-2023-12': '2024-06-05' });
    expect(hosting.sources.every((s) => s.date !== null)).toBe(true);
    const g4dn = hosting.instances.find((i) => i.instanceType === 'ml.g4dn.xlarge');
    expect(g4dn).toMatchObject({
      ec2InstanceType: 'g4dn.xlarge',
      hostingUsdPerHour: { 'us-east-1': 0.7364, 'eu-west-1': 0.821 },
      sourceRefs: { 'us-east-1': 'fmbench-pricing-yml', 'eu-west-1': 'ssh-helper-bill-2023-12' },
    });
    expect(g4dn?.asOf['eu-west-1']).toMatch(/^2023-12/);
    expect(hosting.origin).toMatchObject({ file: '../shared/data/sagemaker-hosting-prices.json', schema: 'sagemaker-hosting-prices/v1', assembled: '2026-11-29' });
  });

  it('keeps superseded values apart from prices, and lists what no source had', () => {
    const p5 = hosting.instances.find((i) => i.instanceType === 'ml.p5.48xlarge');
    expect(p5?.hostingUsdPerHour).toEqual({});
    expect(p5?.superseded?.['us-east-1']).toMatchObject({ usdPerHour: 113.068, sourceRef: 'fmbench-pricing-yml' });
    expect(hosting.requestedButNotSourced).toContain('ml.g6.xlarge');
  });

  const minimal = (instance: Record<string, unknown>): string =>
    JSON.stringify({
      schema: 'sagemaker-hosting-prices/v1',
      description: 'd',
      assembled: '2026-11-29',
      regions: ['us-east-1'],
      requestedButNotSourced: [],
      sources: [{ id: 'src', repo: 'r', path: 'p', commitDate: '2025-01-26', kind: 'k', usedFor: 'u' }],
      instances: [{ instanceType: 'ml.g4dn.xlarge', ec2InstanceType: 'g4dn.xlarge', family: 'g4dn', component: 'Hosting', ...instance }],
    });
  const ec2 = new Set(['g4dn.xlarge']);

  it('refuses a price without a known source or without a date', () => {
    const price = { hostingOnDemandUsdPerHour: { 'us-east-1': 0.7364 } };
    expect(() => buildHostingCatalog(minimal({ ...price, sourceRefs: { 'us-east-1': 'src' }, asOf: { 'us-east-1': '2025-01-26' } }), 'f', ec2)).not.toThrow();
    expect(() => buildHostingCatalog(minimal({ ...price, sourceRefs: { 'us-east-1': 'elsewhere' }, asOf: { 'us-east-1': '2025-01-26' } }), 'f', ec2)).toThrow(
      /ml.g4dn.xlarge us-east-1: price without a known source \(elsewhere\)/,
    );
    expect(() => buildHostingCatalog(minimal({ ...price, sourceRefs: { 'us-east-1': 'src' } }), 'f', ec2)).toThrow(/price without a date/);
    expect(() => buildHostingCatalog(minimal({ ...price, sourceRefs: { 'us-east-1': 'src' }, asOf: { 'us-east-1': '2025-01-26' } }), 'f', new Set())).toThrow(
      /g4dn.xlarge is not in the EC2 catalog/,
    );
  });
});
