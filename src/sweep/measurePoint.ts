import type { CostExtra, Environment } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { CurvePoint } from '../schema/sweepResult.js';
import type { RunRecord } from './checkpoint.js';
import type { LoadKind } from './search.js';

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
