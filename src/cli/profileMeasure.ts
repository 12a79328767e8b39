import { performance } from 'node:perf_hooks';
import type { RunEventBus } from '../profile/events.js';
import { runProfile, type OpenTarget } from '../profile/runner.js';
import type { ProfileResult } from '../schema/profileResult.js';
import type { Sla } from '../schema/sla.js';
import { measuredPointFromProfile, type MeasurePoint, type PointContext } from '../sweep/measurePoint.js';
import { progressReporter } from './progress.js';
import type { Runtime } from './runtime.js';

/**
 * A sweep's measurement from the CLI (`sweep`, `whatif`): each point one profile run on the
 * sweep's event bus, with a progress bar on a terminal, timed for the budget.
 */
export function profileMeasure(
  rt: Runtime,
  options: {
    sla: Sla;
    events: RunEventBus;
    instanceType: string | undefined;
    quiet: boolean;
    label: (context: PointContext) => string;
    openTarget?: OpenTarget;
    /** Sees every run's document (the served spec, the stages) before it becomes a point. */
    onResult?: (result: ProfileResult, context: PointContext) => void;
  },
): MeasurePoint {
  return async (spec, context) => {
    // Per-window lines for every point would bury the per-point lines; a terminal gets the redrawn bar.
    const unsubscribe = options.events.subscribe(progressReporter(rt, options.label(context), options.quiet || !rt.stderr.isTTY));
    const startedMs = performance.now();
    const result = await runProfile({
      spec,
      home: rt.home,
      env: rt.env,
      now: rt.now,
      signal: rt.signal,
      instanceType: options.instanceType,
      events: options.events,
      ...(options.openTarget ? { openTarget: options.openTarget } : {}),
      // A point whose every request fails is a measurement the search needs, not a reason to stop.
      stopEarlyOnFailures: false,
    }).finally(unsubscribe);
    options.onResult?.(result, context);
    return measuredPointFromProfile(result, context.offered, options.sla, (performance.now() - startedMs) / 1000);
  };
}
