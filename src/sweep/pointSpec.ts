import { LoadModel } from '../schema/loadModel.js';
import { ProfileSpec, type BatchingSpec } from '../schema/profileSpec.js';
import { UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { unreachable } from '../util/unreachable.js';
import type { LoadKind } from './search.js';
import type { ConfigParam, ParamValue } from './vary.js';

/**
 * Pure spec arithmetic for a sweep: a configuration's spec is the base spec with the varied
 * parameters applied; a point's spec is that with the load set. Batching parameters switch the
 * policy the way the flags do (--max-batch-size implies triton, --batch-size torchserve).
 */

export type ConfigParams = Partial<Record<ConfigParam, ParamValue>>;

const TRITON_PARAMS: readonly ConfigParam[] = ['maxBatchSize', 'preferredBatchSizes', 'maxQueueDelayUs'];
const TORCHSERVE_PARAMS: readonly ConfigParam[] = ['batchSize', 'maxBatchDelayMs'];
/** The batch size the flags default to when a policy is switched on without one. */
const DEFAULT_BATCH_SIZE = 8;

/** Throws a UsageError for a combination the spec rejects (e.g. a preferred size above maxBatchSize). */
export function configurationSpec(base: ProfileSpec, params: ConfigParams, label: string): ProfileSpec {
  const spec = structuredClone(base);
  if (typeof params.instances === 'number') spec.engine.instances = params.instances;
  spec.batching = withBatching(base.batching, params);
  return validated(spec, `configuration '${label}'`);
}

function withBatching(base: BatchingSpec, params: ConfigParams): BatchingSpec {
  const has = (names: readonly ConfigParam[]): boolean => names.some((n) => params[n] !== undefined);
  const triton = has(TRITON_PARAMS);
  const torchserve = has(TORCHSERVE_PARAMS);
  if (triton && torchserve) {
    throw new UsageError('--vary: maxBatchSize, preferredBatchSizes and maxQueueDelayUs are triton settings; batchSize and maxBatchDelayMs torchserve ones', 'vary the settings of one batching policy');
  }
  if (triton) {
    if (base.policy === 'torchserve') throw new UsageError('--vary: triton batching settings on a torchserve spec', 'add --batching triton, or vary batchSize/maxBatchDelayMs');
    const b = base.policy === 'triton' ? { ...base } : { policy: 'triton' as const, maxBatchSize: DEFAULT_BATCH_SIZE, preferredBatchSizes: [], maxQueueDelayUs: 0 };
    if (typeof params.maxBatchSize === 'number') {
      b.maxBatchSize = params.maxBatchSize;
      // As with --max-batch-size: preferred sizes from the preset that no longer fit are dropped.
      if (params.preferredBatchSizes === undefined) b.preferredBatchSizes = b.preferredBatchSizes.filter((p) => p <= b.maxBatchSize);
    }
    if (params.preferredBatchSizes !== undefined) b.preferredBatchSizes = params.preferredBatchSizes === 'none' ? [] : (params.preferredBatchSizes as number[]);
    if (typeof params.maxQueueDelayUs === 'number') b.maxQueueDelayUs = params.maxQueueDelayUs;
    return b;
  }
  if (torchserve) {
    if (base.policy === 'triton') throw new UsageError('--vary: torchserve batching settings on a triton spec', 'add --batching torchserve, or vary maxBatchSize/preferredBatchSizes/maxQueueDelayUs');
    const b = base.policy === 'torchserve' ? { ...base } : { policy: 'torchserve' as const, batchSize: DEFAULT_BATCH_SIZE, maxBatchDelayMs: null };
    if (typeof params.batchSize === 'number') b.batchSize = params.batchSize;
    if (params.maxBatchDelayMs !== undefined) b.maxBatchDelayMs = params.maxBatchDelayMs === 'none' ? null : (params.maxBatchDelayMs as number);
    return b;
  }
  return base;
}

/**
 * The spec one point runs: the configuration's spec at this load. An rps load keeps an open spec's
 * arrivals (constant-rate or Poisson) and gives a closed-loop spec Poisson arrivals. Repeat r of a
 * Poisson point uses the spec's seed + r, so repeats see different, reproducible arrivals.
 */
export function pointSpec(config: ProfileSpec, kind: LoadKind, value: number, repeat = 0): ProfileSpec {
  const spec = structuredClone(config);
  if (kind === 'concurrency') {
    spec.load = { kind: 'closed-loop', concurrency: value };
    return validated(spec, `load ${kind}=${value}`);
  }
  const load = spec.load;
  switch (load.kind) {
    case 'constant-rate':
      spec.load = { ...load, rps: value };
      break;
    case 'poisson':
      spec.load = { ...load, rps: value, seed: load.seed + repeat };
      break;
    // A closed-loop spec gets Poisson arrivals at the rate; a schedule is replaced by the one rate.
    case 'closed-loop':
    case 'schedule':
      spec.load = LoadModel.parse({ kind: 'poisson', rps: value, seed: DEFAULT_SEED + repeat });
      break;
    default:
      unreachable(load, 'load model');
  }
  return validated(spec, `load ${kind}=${value}`);
}

const DEFAULT_SEED = 1;

/** A capacity-search run aims at this many requests, so a p95 has about 15 over it to count. */
export const TARGET_RUN_REQUESTS = 300;
/** ...and measures at least this long, so a slow spell of the host is a part of a run, not all of it. */
export const MIN_RUN_MEASURED_S = 10;
const RUN_WARMUP_S = 2;

/**
 * The spec of run `runIndex` of a capacity search at `rateRps`: Poisson arrivals with the run's own
 * seed, a short warm-up, then every window to a fixed end (fullDuration): a replication of a fixed
 * length, judged on all its requests, never stopped early because it looked settled. It measures
 * long enough for TARGET_RUN_REQUESTS, at least MIN_RUN_MEASURED_S, and never past the spec's
 * duration bound (--duration), which a user sets to keep runs short.
 */
export function capacityRunSpec(config: ProfileSpec, rateRps: number, runIndex: number): ProfileSpec {
  const spec = pointSpec(config, 'rps', rateRps, runIndex);
  const m = spec.measurement;
  const warmupS = Math.min(m.warmupS, RUN_WARMUP_S);
  const boundS = Math.max(m.durationS - warmupS, 0.5);
  const measuredS = Math.min(Math.max(TARGET_RUN_REQUESTS / rateRps, MIN_RUN_MEASURED_S), boundS);
  const windowS = Math.min(m.windowS, measuredS / m.stableWindows);
  spec.measurement = {
    ...m,
    warmupS,
    windowS,
    maxWindows: Math.ceil(measuredS / windowS) + 1,
    // Slack past the last window so timer lateness cannot cost the run its last window.
    durationS: warmupS + measuredS + 0.5,
    fullDuration: true,
  };
  return validated(spec, `load rps=${rateRps}`);
}
/** The probe: one client at a time, briefly (what it gets is the first rate an rps search offers). */
export const PROBE_CONCURRENCY = 1;
const PROBE_MAX_DURATION_S = 5;

export function probeSpec(config: ProfileSpec): ProfileSpec {
  const spec = structuredClone(config);
  spec.load = { kind: 'closed-loop', concurrency: PROBE_CONCURRENCY };
  const m = spec.measurement;
  spec.measurement = { ...m, durationS: Math.min(m.durationS, PROBE_MAX_DURATION_S), warmupS: Math.min(m.warmupS, 1), windowS: Math.min(m.windowS, 1) };
  return validated(spec, 'probe');
}

function validated(spec: ProfileSpec, what: string): ProfileSpec {
  const parsed = ProfileSpec.safeParse(spec);
  if (!parsed.success) throw new UsageError(`--vary: ${what} is not a valid profile: ${describeZodError(parsed.error, ProfileSpec)}`);
  return parsed.data;
}
