import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalog, renderSnapshotModule, sourceDate } from '../../src/pricing/buildCatalog.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';

const SHARED = new URL('../../../shared/data/ec2-gpu-instances.json', import.meta.url);

describe('embedded price catalog', () => {
  it('is the output of scripts/build-catalog.ts for the shared data file (regenerate it if this fails)', { skip: !existsSync(SHARED) }, () => {
    const text = readFileSync(SHARED, 'utf8');
    const committed = readFileSync(new URL('../../src/pricing/snapshot.generated.ts', import.meta.url), 'utf8');
    expect(renderSnapshotModule(buildCatalog(text, '../shared/data/ec2-gpu-instances.json'))).toBe(committed);
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
