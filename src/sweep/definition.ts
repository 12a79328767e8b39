import { createHash } from 'node:crypto';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { formatSla, type Sla } from '../schema/sla.js';
import { CapacityPlanError, UsageError } from '../util/errors.js';
import { configurationSpec, type ConfigParams } from './pointSpec.js';
import { roundRps, type LoadAxis } from './search.js';
import { configurationLabel, crossProduct, type VaryRequest } from './vary.js';

/**
 * A sweep's definition: which configurations, which load axis, which SLA. Everything that changes
 * what would be measured is in it, and its hash ties a checkpoint to it.
 */

export interface ConfigurationPlan {
  label: string;
  params: ConfigParams;
  /** The base spec with `params` applied; each point sets the load on top. */
  spec: ProfileSpec;
}

export interface SweepDefinition {
  name: string;
  sla: Sla;
  baseSpec: ProfileSpec;
  configurations: ConfigurationPlan[];
  axis: LoadAxis;
  /**
   * Measurements per point, each with another arrival seed: a point meets the SLA only when it
   * held in every one (the capacity at the SLA is the highest such rate).
   */
  repeats: number;
  /** Combinations of the cross product the spec rejects (e.g. preferred sizes above maxBatchSize). */
  skipped: { label: string; reason: string }[];
  /**
   * An rps search's measurement budget in seconds (each configuration's search gets an equal share of what the earlier ones left) and the
   * capacity interval's half-width it aims at, in percent of the estimate. Neither is in the
   * checkpoint's hash: the search is the same for any budget, so a re-run with a larger one
   * replays what was measured and goes on from there.
   */
  budgetS: number;
  targetPrecisionPct: number;
}

export interface DefinitionInput {
  baseSpec: ProfileSpec;
  vary: VaryRequest;
  sla: Sla;
  maxPoints: number;
  /** --concurrency / --rps as the user gave them: where an `auto` search starts. */
  startConcurrency?: number;
  startRps?: number;
  /** --repeats; default DEFAULT_RPS_REPEATS on an rps axis, 1 on a concurrency axis. */
  repeats?: number;
  budgetS?: number;
  targetPrecisionPct?: number;
}

/** --budget: sized so the tiny model's default sweep ends within 10 minutes on a 2-core host (docs/sweep.md). */
export const DEFAULT_BUDGET_S = 480;
/** --target-precision: the interval's half-width, in percent of the estimate. */
export const DEFAULT_TARGET_PRECISION_PCT = 10;

/** Repeats per point on an open-loop (rps) axis when --repeats is not given. */
export const DEFAULT_RPS_REPEATS = 3;


export function buildDefinition(input: DefinitionInput): SweepDefinition {
  const { baseSpec, vary, sla } = input;
  const configurations: ConfigurationPlan[] = [];
  const skipped: SweepDefinition['skipped'] = [];
  let firstError: CapacityPlanError | undefined;
  for (const params of crossProduct(vary.config)) {
    const label = configurationLabel(params);
    try {
      configurations.push({ label, params, spec: configurationSpec(baseSpec, params, label) });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      // A cross product naturally holds combinations that make no sense; skip those, say so.
      skipped.push({ label, reason: error.message });
      firstError ??= error;
    }
  }
  if (configurations.length === 0) throw firstError ?? new UsageError('--vary gives no configuration');
  const axis = loadAxis(input);
  const repeats = input.repeats ?? (axis.kind === 'rps' ? DEFAULT_RPS_REPEATS : 1);
  return {
    name: baseSpec.name,
    sla,
    baseSpec,
    configurations,
    axis,
    repeats,
    skipped,
    budgetS: input.budgetS ?? DEFAULT_BUDGET_S,
    targetPrecisionPct: input.targetPrecisionPct ?? DEFAULT_TARGET_PRECISION_PCT,
  };
}

function loadAxis(input: DefinitionInput): LoadAxis {
  const { baseSpec, vary } = input;
  const baseLoad = baseSpec.load;
  if (baseLoad.kind === 'schedule' && !vary.load) {
    throw new UsageError('sweep cannot vary a schedule load', 'add --vary concurrency=auto or --vary rps=auto');
  }
  // The default axis is open-loop capacity (rps=auto, Poisson arrivals on a closed-loop spec): real
  // users do not wait for answers before sending, and a closed loop overstates what they get.
  const kind = vary.load ? vary.load.param : 'rps';
  const values = vary.load ? vary.load.values : 'auto';
  if (values !== 'auto') return { kind, mode: 'list', loads: values };
  if (kind === 'concurrency') return { kind, mode: 'search', startLoad: input.startConcurrency ?? 1, maxPoints: input.maxPoints };
  // --rps, else an open spec's own rate, else a short probe of each configuration says where to start.
  const baseRps = baseLoad.kind === 'constant-rate' || baseLoad.kind === 'poisson' ? baseLoad.rps : undefined;
  const startRps = input.startRps ?? baseRps;
  return { kind, mode: 'search', startLoad: startRps !== undefined ? roundRps(startRps) : 'probe', maxPoints: input.maxPoints };
}

/** sha256 of the canonical JSON (sorted keys) of what decides the measurements. */
export function definitionHash(def: SweepDefinition): string {
  const identity = {
    // 2: an rps search became a capacity search (runs, not pass/fail points): older checkpoints do not replay into it.
    version: 2,
    spec: def.baseSpec,
    configurations: def.configurations.map((c) => ({ label: c.label, params: c.params })),
    axis: def.axis,
    sla: def.sla,
    ...(def.repeats !== 1 ? { repeats: def.repeats } : {}),
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One line saying what the sweep is: logged at the start and kept in the checkpoint for people. */
export function describeDefinition(def: SweepDefinition): string {
  const from = def.axis.mode === 'search' && def.axis.startLoad === 'probe' ? 'a one-client probe' : def.axis.mode === 'search' ? def.axis.startLoad : '';
  const arrivals = def.axis.kind === 'rps' ? ` (${def.baseSpec.load.kind === 'constant-rate' ? 'constant-rate' : 'Poisson'} arrivals)` : ' (closed loop)';
  const capacitySearch = def.axis.mode === 'search' && def.axis.kind === 'rps';
  const axis = def.axis.mode === 'search' && capacitySearch
    ? `rps capacity search${arrivals} from ${from} (budget ${formatSpan(def.budgetS)}, interval ±${def.targetPrecisionPct}% asked, at most ${def.axis.maxPoints} runs each)`
    : def.axis.mode === 'search'
      ? `${def.axis.kind} search${arrivals} from ${from} (at most ${def.axis.maxPoints} points each)`
      : `${def.axis.kind}${arrivals} ${def.axis.loads.join(', ')}`;
  const repeats = def.repeats > 1 && !capacitySearch ? `, ${def.repeats} repeats a point` : '';
  const labels = def.configurations.map((c) => c.label).join('; ');
  return `sweep ${def.name} (model ${def.baseSpec.model.source}): ${def.configurations.length} configuration(s) [${labels}] x ${axis}${repeats}, SLA ${formatSla(def.sla)}`;
}

/** 480 -> "8m", 90 -> "1m30s", 45 -> "45s". */
export function formatSpan(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m === 0 ? `${s}s` : s === 0 ? `${m}m` : `${m}m${s}s`;
}
