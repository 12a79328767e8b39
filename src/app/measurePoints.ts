import { performance } from 'node:perf_hooks';
import type { RunEventBus } from '../profile/events.js';
import { runProfile, type OpenTarget } from '../profile/runner.js';
import type { ProfileResult } from '../schema/profileResult.js';
import type { Sla } from '../schema/sla.js';
import { measuredPointFromProfile, type MeasurePoint, type PointContext } from '../sweep/measurePoint.js';
import type { AppRuntime } from './runtime.js';

/**
 * A sweep's measurement (`sweep`, `whatif`): each point one profile run on the sweep's event bus
 * (between its point-start and point-done), timed for the budget.
 */
export function profileRunMeasure(
  rt: AppRuntime,
  options: {
    sla: Sla;
    events: RunEventBus;
    instanceType: string | undefined;
    openTarget?: OpenTarget | undefined;
    /** Sees every run's document (the served spec, the stages) before it becomes a point. */
    onResult?: (result: ProfileResult, context: PointContext) => void;
  },
): MeasurePoint {
  return async (spec, context) => {
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
    });
    options.onResult?.(result, context);
    return measuredPointFromProfile(result, context.offered, options.sla, (performance.now() - startedMs) / 1000);
  };
}
