import { loadPreset } from '../profile/presets.js';
import { runProfile } from '../profile/runner.js';
import { ProfileSpec, type PreprocessWhere } from '../schema/profileSpec.js';

/**
 * stageAccounting: the sum of the stage means over the mean end-to-end latency, from an in-process
 * profile of the tiny model with the thin preset (profiles/presets/triton-dynamic.yaml as it is:
 * server-side preprocessing, cached config, memory spool, log off, Triton batching). Target:
 * 0.95-1.05, i.e. the stages a profile reports account for the time a request took, with nothing
 * left unattributed (time between stages) and nothing counted twice (overlapping intervals).
 *
 * Means add up where percentiles do not, so the check is on means. A short profile (1 s warm-up,
 * three 1.5 s windows) is enough: the ratio does not depend on load or noise, only on how the
 * pipeline stamps its clock.
 */
const MEASUREMENT = { warmupS: 1, windowS: 1.5, maxWindows: 3, stableWindows: 3, durationS: 6 };

export interface StageAccountingFigures {
  stageAccounting: number;
  stageSumMeanMs: number;
  endToEndMeanMs: number;
  throughputRps: number;
  completed: number;
  /** Each stage's mean, ms, in pipeline order. */
  stageMeansMs: Record<string, number>;
}

export async function benchStageAccounting(options: {
  home: string;
  cwd: string;
  /** Where preprocessing runs; default: where the preset has it (the server). */
  preprocess?: PreprocessWhere;
}): Promise<StageAccountingFigures> {
  const preset = await loadPreset('triton-dynamic', options.cwd);
  const pipeline = preset.spec.pipeline ?? {};
  const spec = ProfileSpec.parse({
    ...preset.spec,
    name: 'bench-stage-accounting',
    model: { source: 'tiny' },
    measurement: MEASUREMENT,
    ...(options.preprocess ? { pipeline: { ...pipeline, preprocess: { ...pipeline.preprocess, where: options.preprocess } } } : {}),
  });
  const result = await runProfile({ spec, home: options.home, env: process.env, now: () => new Date() });
  const stageSumMeanMs = result.stages.reduce((sum, stage) => sum + stage.meanMs, 0);
  const endToEndMeanMs = result.latency.endToEnd.meanMs;
  return {
    stageAccounting: endToEndMeanMs > 0 ? round(stageSumMeanMs / endToEndMeanMs, 3) : 0,
    stageSumMeanMs: round(stageSumMeanMs, 3),
    endToEndMeanMs: round(endToEndMeanMs, 3),
    throughputRps: round(result.throughputRps, 1),
    completed: result.requests.completed,
    stageMeansMs: Object.fromEntries(result.stages.map((s) => [s.name, round(s.meanMs, 4)])),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
