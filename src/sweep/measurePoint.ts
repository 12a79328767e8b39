import type { CostExtra, Environment, ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { CurvePoint } from '../schema/sweepResult.js';
import type { RunRecord } from './checkpoint.js';
import type { LoadKind } from './search.js';
import { otherCpuPct } from './interference.js';
import { curvePointFromProfile } from './curve.js';
import type { Sla } from '../schema/sla.js';

/** The measurement a sweep is given (the CLI passes runProfile; tests pass a synthetic server). */

export interface MeasuredPoint {
  point: CurvePoint;
  environment: Environment;
  modelLoadMs?: number;
  costExtras: CostExtra[];
  /** The run's counts and histogram: what a capacity search pools (absent from other sweeps' points). */
  run?: RunRecord;
}

export interface PointContext {
  configuration: string;
  offered: { kind: LoadKind; value: number };
  /** Which repeat of the point (0-based). */
  repeat: number;
  /** The closed-loop probe an rps search starts from, not a point of the curve. */
  probe?: boolean;
}

export type MeasurePoint = (spec: ProfileSpec, context: PointContext) => Promise<MeasuredPoint>;

/**
 * What a capacity search keeps of a profile run: its request counts, its end-to-end histogram,
 * the CPU other processes used (from its windows), and its wall time. Shared by `sweep` and the
 * bench so both feed the search the same evidence.
 */
export function runRecordFromProfile(result: ProfileResult, wallS: number): RunRecord {
  const others = otherCpuPct(result.measurement.windows);
  return {
    completed: result.requests.completed,
    failed: result.requests.failed,
    dropped: result.requests.dropped,
    latencyHistogram: result.latency.endToEndHistogram,
    ...(others !== undefined ? { otherCpuPct: Math.round(others * 10) / 10 } : {}),
    wallS: Math.round(wallS * 10) / 10,
  };
}

/** A profile run as the sweep keeps it: its curve point at the offered load, and the run's record. */
export function measuredPointFromProfile(result: ProfileResult, offered: PointContext['offered'], sla: Sla, wallS: number): MeasuredPoint {
  return {
    point: curvePointFromProfile(result, offered, sla),
    environment: result.environment,
    modelLoadMs: result.coldStart.modelLoadMs,
    costExtras: result.costExtras,
    run: runRecordFromProfile(result, wallS),
  };
}
