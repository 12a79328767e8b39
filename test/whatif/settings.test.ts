import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/profile/presets.js';
import { ProfileSpec, type ProfileSpecInput } from '../../src/schema/profileSpec.js';
import { departures, specExtrasUsd, THIN_INSTANCES, THIN_TORCHSERVE_DELAY_MS, type SettingId } from '../../src/whatif/settings.js';
import { REPO_ROOT } from '../support/repoRoot.js';

const preset = async (name: string): Promise<ProfileSpec> => ProfileSpec.parse((await loadPreset(name, REPO_ROOT)).spec);

/** Every leaf path where two JSON values differ ("pipeline.configLoad"). */
function leafDiffs(a: unknown, b: unknown, at = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => leafDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** The one field each setting's counterfactual may change. */
const FIELD: Record<SettingId, string> = {
  configLoad: 'pipeline.configLoad',
  payloadSpool: 'pipeline.payloadSpool.mode',
  requestLog: 'pipeline.requestLog.mode',
  preprocess: 'pipeline.preprocess.where',
  batching: 'batching',
  instances: 'engine.instances',
};

describe('counterfactual specs', () => {
  it('torchserve-default: one row per heavy setting, each counterfactual changing exactly its one field', async () => {
    const spec = await preset('torchserve-default');
    const found = departures(spec);
    expect(found.map((d) => d.setting)).toEqual(['configLoad', 'payloadSpool', 'requestLog', 'preprocess', 'batching', 'instances']);
    for (const d of found) {
      const diffs = leafDiffs(spec, d.apply(spec));
      expect(diffs.length, d.setting).toBe(1);
      expect(diffs[0]!.startsWith(FIELD[d.setting]), `${d.setting}: ${diffs.join(', ')}`).toBe(true);
    }
    const byId = new Map(found.map((d) => [d.setting, d]));
    expect(byId.get('batching')!.apply(spec).batching).toEqual({ policy: 'torchserve', batchSize: 8, maxBatchDelayMs: THIN_TORCHSERVE_DELAY_MS });
    expect(byId.get('instances')!.apply(spec).engine.instances).toBe(THIN_INSTANCES);
    expect(byId.get('requestLog')!.apply(spec).pipeline.requestLog.mode).toBe('off');
    // The spec itself is left alone.
    expect(spec.pipeline.configLoad).toBe('per-request');
  });

  it('thin settings produce no row: triton-dynamic departs only in preprocessing on the server', async () => {
    const spec = await preset('triton-dynamic');
    expect(departures(spec).map((d) => d.setting)).toEqual(['preprocess']);
    const allThin = ProfileSpec.parse({ ...(spec as ProfileSpecInput), pipeline: { ...spec.pipeline, preprocess: { ...spec.pipeline.preprocess, where: 'client' } } });
    expect(departures(allThin)).toEqual([]);
  });

  it('async logging is already thin; file-fsync and http are not', () => {
    const withLog = (mode: 'async' | 'file-fsync' | 'http') => ProfileSpec.parse({ pipeline: { requestLog: { mode } } });
    expect(departures(withLog('async')).some((d) => d.setting === 'requestLog')).toBe(false);
    expect(departures(withLog('file-fsync')).find((d) => d.setting === 'requestLog')!.from).toBe('file-fsync');
    expect(departures(withLog('http')).find((d) => d.setting === 'requestLog')!.to).toBe('off');
  });

  it('Triton batching off -> on changes only the batching field', () => {
    const spec = ProfileSpec.parse({ batching: { policy: 'none' } });
    const d = departures(spec).find((x) => x.setting === 'batching')!;
    const diffs = leafDiffs(spec, d.apply(spec));
    expect(diffs.every((p) => p.startsWith('batching.'))).toBe(true);
    expect(d.apply(spec).batching.policy).toBe('triton');
  });

  it('request-log extras go with the log: off drops them', async () => {
    const spec = await preset('torchserve-default');
    expect(specExtrasUsd(spec)).toBe(35);
    const off = departures(spec).find((d) => d.setting === 'requestLog')!.apply(spec);
    expect(specExtrasUsd(off)).toBe(0);
  });
});
