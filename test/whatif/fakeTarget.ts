import { loadPreset } from '../../src/profile/presets.js';
import type { CapacityEstimate } from '../../src/schema/capacityEstimate.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import type { WhatifResult } from '../../src/schema/whatif.js';
import { runWhatif, type MeasureVariants, type VariantRequest } from '../../src/whatif/whatif.js';
import { REPO_ROOT } from '../support/repoRoot.js';

/**
 * A fake target with known per-setting costs: a request takes 2 ms plus each heavy setting's
 * milliseconds; capacity is 1000 / ms. The interaction: the temp-file spool and the file log
 * contend for the disk, 3 ms more only while both are on, so removing either alone saves its own
 * ms plus 3, and removing both saves 3 once, not twice.
 */
export function fakeMs(spec: ProfileSpec): number {
  const p = spec.pipeline;
  const spool = p.payloadSpool.mode === 'temp-file';
  const log = p.requestLog.mode !== 'off';
  return (
    2 +
    (p.configLoad === 'per-request' ? 3 : 0) +
    (spool ? 5 : 0) +
    (log ? 2 : 0) +
    (spool && log ? 3 : 0) +
    (p.preprocess.where === 'server' ? 1 : 0) +
    (spec.batching.policy === 'torchserve' && spec.batching.maxBatchDelayMs === null ? 4 : 0) +
    (spec.engine.instances > 2 ? 1 : 0)
  );
}

const capacityOf = (rps: number): CapacityEstimate => ({
  estimateRps: rps,
  lowerRps: rps * 0.99,
  upperRps: rps * 1.01,
  confidencePct: 90,
  certifiedRps: rps * 0.99,
  method: 'isotonic-exceedance',
});

export function fakeTarget(): { measure: MeasureVariants; asked: VariantRequest[][] } {
  const asked: VariantRequest[][] = [];
  const measure: MeasureVariants = async (variants) => {
    asked.push(variants);
    return new Map(variants.map((v) => [v.label, { capacity: capacityOf(1000 / fakeMs(v.spec)), runs: 3, spentS: 30 }]));
  };
  return { measure, asked };
}

export const TRITON = { policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8, 16], maxQueueDelayUs: 1000 } as const;
export const demand = Array.from({ length: 168 }, () => 5000);
export const pricing = { demandRps: demand, usdPerHour: 1, utilization: 1, minInstances: 1, instanceType: 'g4dn.xlarge', region: 'us-east-1', traffic: '5000 req/s flat', peakDemandRps: 5000 };
export const usd = (ms: number): number => Math.ceil(5000 / (1000 / ms) - 1e-9) * 730;

/** The torchserve-default what-if on the fake target, the path measured in full. */
export async function fakeWhatif(path: 'full' | 'ends' = 'full'): Promise<WhatifResult> {
  const spec = ProfileSpec.parse((await loadPreset('torchserve-default', REPO_ROOT)).spec);
  return runWhatif({
    name: 'torchserve-default',
    createdAt: '2026-12-07T00:00:00Z',
    spec,
    sla: parseSla('p95<=100ms'),
    pricing,
    measure: fakeTarget().measure,
    path,
    stageShares: [{ name: 'payloadSpool', sharePct: 40 }, { name: 'infer', sharePct: 10 }],
  });
}
