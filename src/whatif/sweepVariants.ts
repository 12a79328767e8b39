import type { RunEventBus } from '../profile/events.js';
import type { Sla } from '../schema/sla.js';
import { removeCheckpoint } from '../sweep/checkpoint.js';
import { DEFAULT_RPS_REPEATS, type SweepDefinition } from '../sweep/definition.js';
import { runSweep, type MeasurePoint } from '../sweep/runSweep.js';
import { roundRps } from '../sweep/search.js';
import type { MeasureVariants, VariantMeasurement } from './whatif.js';

/**
 * The variants of a what-if measured as one sweep: each variant is a configuration, each gets the
 * open-loop capacity search of docs/sweep.md (a one-client probe, then rates until the interval is
 * narrow or its share of the budget is spent). The same rule as `sweep`, so a what-if row and a
 * sweep of the same spec agree.
 */
export interface SweepVariantsOptions {
  sla: Sla;
  /** Seconds of measurement per variant (a sweep gives each configuration an equal share of what the earlier ones left). */
  budgetPerVariantS: number;
  targetPrecisionPct: number;
  maxRuns: number;
  /**
   * Where every variant's search starts; absent: a one-client probe of each. A batcher that waits
   * for a full batch gives one client almost nothing, so a spec like torchserve-default needs a start.
   */
  startRps?: number;
  /** Grid steps of one bracketing move: fewer than a doubling when startRps is already near the capacity. */
  bracketSteps?: number;
  measure: MeasurePoint;
  /** Where the sweep's checkpoint lives while it runs (removed after). */
  checkpointPath: string;
  now: () => Date;
  signal?: AbortSignal;
  /** The sweeps' bus: their search steps and runs, for the front end's progress. */
  events?: RunEventBus;
}

export function sweepVariants(options: SweepVariantsOptions): MeasureVariants {
  let batch = 0;
  return async (variants) => {
    batch += 1;
    const first = variants[0];
    if (!first) return new Map();
    const definition: SweepDefinition = {
      name: first.spec.name,
      sla: options.sla,
      baseSpec: first.spec,
      configurations: variants.map((v) => ({ label: v.label, params: {}, spec: v.spec })),
      axis: { kind: 'rps', mode: 'search', startLoad: options.startRps !== undefined ? roundRps(options.startRps) : 'probe', maxPoints: options.maxRuns, ...(options.bracketSteps !== undefined ? { bracketSteps: options.bracketSteps } : {}) },
      repeats: DEFAULT_RPS_REPEATS,
      skipped: [],
      budgetS: options.budgetPerVariantS * variants.length,
      targetPrecisionPct: options.targetPrecisionPct,
    };
    const checkpointPath = `${options.checkpointPath}.${batch}`;
    const result = await runSweep({
      definition,
      checkpointPath,
      measure: options.measure,
      now: options.now,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.events ? { events: options.events } : {}),
    });
    await removeCheckpoint(checkpointPath);
    const out = new Map<string, VariantMeasurement>();
    for (const c of result.configurations) {
      out.set(c.label, { ...(c.capacity ? { capacity: c.capacity } : {}), runs: c.search?.runs ?? 0, spentS: c.search?.spentS ?? 0 });
    }
    return out;
  };
}
