import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPreset } from '../profile/presets.js';
import { runProfile } from '../profile/runner.js';
import { ProfileSpec } from '../schema/profileSpec.js';
import type { Sla } from '../schema/sla.js';
import { checkpointPathFor } from '../sweep/checkpoint.js';
import { curvePointFromProfile } from '../sweep/curve.js';
import { buildDefinition } from '../sweep/definition.js';
import { bestConfiguration } from '../sweep/format.js';
import { runSweep, type MeasurePoint } from '../sweep/runSweep.js';
import { parseVary } from '../sweep/vary.js';
import { FIRST_SEED, trialFromResult, trialSpec } from '../verify/trials.js';

/**
 * planHolds: does the capacity a sweep reports hold under real (open, Poisson) traffic? A default
 * sweep (rps=auto from a probe, Poisson arrivals, repeats) of the tiny model with the
 * triton-dynamic preset finds its capacity at p95 <= 100 ms; then N seeded Poisson trials at that
 * rate (utilisation 1.0, as `verify --at-capacity` runs them) count how many met the SLA. The
 * figure is that fraction (target >= 0.95). The same with a closed-loop sweep (concurrency=auto)
 * is reported beside it for contrast (raw `planHolds.closedLoop`): a closed loop's clients wait
 * for answers, so its capacity overstates what open traffic gets.
 *
 * Kept short (1.5 s points, 4 s trials; about a minute in all on 2 cores): the figure is a
 * fraction of trials, and short trials are if anything harder to pass (fewer requests, noisier p95).
 */

export const PLAN_HOLDS_SLA: Sla = { percentile: 'p95', maxLatencyMs: 100 };
const POINT_MEASUREMENT = { warmupS: 0.5, windowS: 0.5, stableWindows: 2, maxWindows: 4, durationS: 2 };
const TRIALS = 5;
const TRIAL_DURATION_S = 4;
const MAX_POINTS = 8;

export interface PlanHoldsFigures {
  planHolds: number;
  openCapacityRps: number | null;
  openHeld: number;
  closedCapacityRps: number | null;
  closedHeld: number;
  closedLoop: number;
  trials: number;
  openTrialP95Ms: number[];
  closedTrialP95Ms: number[];
}

export async function benchPlanHolds(options: { home: string; cwd: string; log?: (line: string) => void }): Promise<PlanHoldsFigures> {
  const log = options.log ?? (() => {});
  const preset = await loadPreset('triton-dynamic', options.cwd);
  const spec = ProfileSpec.parse({ ...preset.spec, name: 'bench-plan-holds', model: { source: 'tiny' }, measurement: POINT_MEASUREMENT });
  const dir = await mkdtemp(join(tmpdir(), 'capacity-plan-bench-holds-'));
  try {
    const open = await capacityAndTrials(spec, [], join(dir, 'open.json'), options.home, log);
    const closed = await capacityAndTrials(spec, ['concurrency=auto'], join(dir, 'closed.json'), options.home, log);
    return {
      planHolds: open.held / TRIALS,
      openCapacityRps: roundTo1(open.capacityRps),
      openHeld: open.held,
      closedCapacityRps: roundTo1(closed.capacityRps),
      closedHeld: closed.held,
      closedLoop: closed.held / TRIALS,
      trials: TRIALS,
      openTrialP95Ms: open.p95Ms,
      closedTrialP95Ms: closed.p95Ms,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function capacityAndTrials(
  spec: ProfileSpec,
  vary: string[],
  out: string,
  home: string,
  log: (line: string) => void,
): Promise<{ capacityRps: number | null; held: number; p95Ms: number[] }> {
  const definition = buildDefinition({ baseSpec: spec, vary: parseVary(vary), sla: PLAN_HOLDS_SLA, maxPoints: MAX_POINTS });
  const measure: MeasurePoint = async (pointSpec, context) => {
    const result = await runProfile({ spec: pointSpec, home, env: process.env, now: () => new Date() });
    return { point: curvePointFromProfile(result, context.offered, PLAN_HOLDS_SLA), environment: result.environment, costExtras: result.costExtras };
  };
  const sweep = await runSweep({ definition, checkpointPath: checkpointPathFor(out), measure, now: () => new Date() });
  const best = bestConfiguration(sweep);
  const capacityRps = best?.maxThroughputAtSlaRps ?? null;
  const what = vary.length > 0 ? 'closed-loop sweep' : 'default sweep';
  log(`planHolds: ${what} capacity ${capacityRps?.toFixed(1) ?? 'none'} req/s at p95<=100ms`);
  if (capacityRps === null) return { capacityRps, held: 0, p95Ms: [] };
  let held = 0;
  const p95Ms: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const result = await runProfile({ spec: trialSpec(spec, capacityRps, t, TRIAL_DURATION_S), home, env: process.env, now: () => new Date() });
    const trial = trialFromResult(result, FIRST_SEED + t, capacityRps, PLAN_HOLDS_SLA);
    p95Ms.push(Math.round(trial.p95Ms * 10) / 10);
    if (trial.held) held++;
    log(`planHolds: ${what}, trial ${t + 1}: p95 ${trial.p95Ms.toFixed(1)} ms, achieved ${trial.achievedRps.toFixed(1)} req/s: ${trial.held ? 'held' : trial.reason}`);
  }
  return { capacityRps, held, p95Ms };
}

function roundTo1(rps: number | null): number | null {
  return rps === null ? null : Math.round(rps * 10) / 10;
}
