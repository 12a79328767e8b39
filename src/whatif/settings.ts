import { ProfileSpec, type StageName } from '../schema/profileSpec.js';

/**
 * The serving settings `whatif` prices, each with its thin alternative: what the article's thin
 * Triton setup does instead (../shared/seeds). A setting already thin produces no row. Each
 * counterfactual changes exactly one field of the spec, so its capacity difference is that
 * setting's alone (the cumulative path, path.ts, measures them together).
 */

export const SETTING_IDS = ['configLoad', 'payloadSpool', 'requestLog', 'preprocess', 'batching', 'instances'] as const;
export type SettingId = (typeof SETTING_IDS)[number];

/** Triton's dynamic batcher as the triton-dynamic preset sets it: what "batching on" means. */
export const THIN_TRITON_BATCHING = { policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8, 16], maxQueueDelayUs: 1000 } as const;
/** TorchServe with max_batch_delay: the same 1 ms the thin Triton setup waits for a batch. */
export const THIN_TORCHSERVE_DELAY_MS = 1;
/** The thin setup's instance_group count: more model copies than that only contend for the same device. */
export const THIN_INSTANCES = 2;

export interface Departure {
  setting: SettingId;
  /** The spec's value and the thin one, in words: "per-request", "cached". */
  from: string;
  to: string;
  /** The stages whose time this setting decides (their share of request time goes in the row). */
  stages: StageName[];
  /**
   * False for a setting the cumulative path leaves alone: preprocessing on the client moves the
   * decode to the callers rather than removing it, and the thin server setup keeps it.
   */
  onPath: boolean;
  /** The spec with this one setting made thin. */
  apply: (spec: ProfileSpec) => ProfileSpec;
}

/** Every setting of `spec` that departs from its thin alternative, in SETTING_IDS order. */
export function departures(spec: ProfileSpec): Departure[] {
  const found: Departure[] = [];
  const p = spec.pipeline;
  if (p.configLoad === 'per-request') {
    found.push({
      setting: 'configLoad',
      from: 'per-request',
      to: 'cached',
      stages: ['configLoad'],
      onPath: true,
      apply: (s) => edit(s, (c) => (c.pipeline.configLoad = 'cached')),
    });
  }
  if (p.payloadSpool.mode === 'temp-file') {
    found.push({
      setting: 'payloadSpool',
      from: 'temp-file',
      to: 'memory',
      stages: ['payloadSpool'],
      onPath: true,
      apply: (s) => edit(s, (c) => (c.pipeline.payloadSpool.mode = 'memory')),
    });
  }
  if (p.requestLog.mode === 'file' || p.requestLog.mode === 'file-fsync' || p.requestLog.mode === 'http') {
    found.push({
      setting: 'requestLog',
      from: p.requestLog.mode,
      to: 'off',
      stages: ['requestLog'],
      onPath: true,
      apply: (s) => edit(s, (c) => (c.pipeline.requestLog.mode = 'off')),
    });
  }
  if (p.preprocess.where === 'server') {
    found.push({
      setting: 'preprocess',
      from: 'server',
      to: 'client',
      stages: ['preprocess'],
      onPath: false,
      apply: (s) => edit(s, (c) => (c.pipeline.preprocess.where = 'client')),
    });
  }
  const b = spec.batching;
  if (b.policy === 'torchserve' && b.maxBatchDelayMs === null) {
    found.push({
      setting: 'batching',
      from: `torchserve batch ${b.batchSize}, no delay`,
      to: `torchserve batch ${b.batchSize}, ${THIN_TORCHSERVE_DELAY_MS} ms delay`,
      stages: ['queueWait'],
      onPath: true,
      apply: (s) => edit(s, (c) => {
        if (c.batching.policy === 'torchserve') c.batching.maxBatchDelayMs = THIN_TORCHSERVE_DELAY_MS;
      }),
    });
  } else if (b.policy === 'none') {
    const t = THIN_TRITON_BATCHING;
    found.push({
      setting: 'batching',
      from: 'off',
      to: `triton max ${t.maxBatchSize}, preferred [${t.preferredBatchSizes.join(', ')}], ${t.maxQueueDelayUs} us`,
      stages: ['queueWait'],
      onPath: true,
      apply: (s) => edit(s, (c) => (c.batching = { ...t, preferredBatchSizes: [...t.preferredBatchSizes] })),
    });
  }
  if (spec.engine.instances > THIN_INSTANCES) {
    found.push({
      setting: 'instances',
      from: String(spec.engine.instances),
      to: String(THIN_INSTANCES),
      stages: ['infer'],
      onPath: true,
      apply: (s) => edit(s, (c) => (c.engine.instances = THIN_INSTANCES)),
    });
  }
  return found;
}

/** "config load per-request -> cached" */
export function departureLabel(d: Pick<Departure, 'setting' | 'from' | 'to'>): string {
  return `${SETTING_WORDS[d.setting]} ${d.from} -> ${d.to}`;
}

export const SETTING_WORDS: Record<SettingId, string> = {
  configLoad: 'config load',
  payloadSpool: 'payload spool',
  requestLog: 'request log',
  preprocess: 'preprocess',
  batching: 'batching',
  instances: 'instances',
};

/** A deep copy with one edit, re-validated (a counterfactual must be a spec `profile` accepts). */
function edit(spec: ProfileSpec, change: (copy: ProfileSpec) => void): ProfileSpec {
  const copy = structuredClone(spec);
  change(copy);
  return ProfileSpec.parse(copy);
}

/** Extra monthly costs a spec carries (the same rule as a profile document's costExtras). */
export function specExtrasUsd(spec: ProfileSpec): number {
  const log = spec.pipeline.requestLog;
  return log.usdPerMonth !== undefined && log.mode !== 'off' ? log.usdPerMonth : 0;
}
