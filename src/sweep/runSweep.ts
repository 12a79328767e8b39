import type { CostExtra, Environment } from '../schema/profileResult.js';
import type { RunEventBus } from '../profile/events.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { SWEEP_SCHEMA_VERSION, type CurvePoint, type SweepConfiguration, type SweepResult } from '../schema/sweepResult.js';
import { InterruptedError } from '../util/errors.js';
import { readCheckpoint, writeCheckpoint, type CheckpointPoint } from './checkpoint.js';
import { bestPoint, maxThroughputAtSlaRps, sortByOffered } from './curve.js';
import { definitionHash, describeDefinition, type SweepDefinition } from './definition.js';
import { pointSpec } from './pointSpec.js';
import { searchCurve, type LoadKind } from './search.js';

/**
 * Runs a sweep: for each configuration, the load search proposes points; a point finished in the
 * checkpoint is replayed, any other is measured and appended to the checkpoint at once. The
 * measurement itself is injected (the CLI passes runProfile; tests pass a synthetic server).
 */

export interface MeasuredPoint {
  point: CurvePoint;
  environment: Environment;
  modelLoadMs?: number;
  costExtras: CostExtra[];
}

export interface PointContext {
  configuration: string;
  offered: { kind: LoadKind; value: number };
}

export type MeasurePoint = (spec: ProfileSpec, context: PointContext) => Promise<MeasuredPoint>;

export interface RunSweepOptions {
  definition: SweepDefinition;
  checkpointPath: string;
  measure: MeasurePoint;
  now: () => Date;
  signal?: AbortSignal;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  onPoint?: (event: PointContext & { point: CurvePoint; replayed: boolean }) => void;
  /** Where point-start (before a point is measured) and point-done (after each point, replayed too) go. */
  events?: RunEventBus;
}

export async function runSweep(options: RunSweepOptions): Promise<SweepResult> {
  const { definition, checkpointPath, measure, signal } = options;
  const log = options.log ?? (() => {});
  const hash = definitionHash(definition);
  const summary = describeDefinition(definition);
  const finished: CheckpointPoint[] = await readCheckpoint(checkpointPath, hash);
  const byKey = new Map(finished.map((entry) => [pointKey(entry.configuration, entry.point.offered.value), entry]));
  log(summary);
  if (finished.length > 0) log(`resuming: ${finished.length} points done (from ${checkpointPath})`);

  const interrupted = (): InterruptedError =>
    new InterruptedError(`sweep interrupted: ${finished.length} finished point(s) kept in ${checkpointPath}`);

  const used: CheckpointPoint[] = [];
  const configurations: SweepConfiguration[] = [];
  for (const config of definition.configurations) {
    const points: CurvePoint[] = [];
    await searchCurve(definition.axis, async (load) => {
      const offered = { kind: definition.axis.kind, value: load };
      let entry = byKey.get(pointKey(config.label, load));
      const replayed = entry !== undefined;
      if (!entry) {
        if (signal?.aborted) throw interrupted();
        options.events?.publish({ type: 'point-start', configuration: config.label, offered });
        let measured: MeasuredPoint;
        try {
          measured = await measure(pointSpec(config.spec, offered.kind, load), { configuration: config.label, offered });
        } catch (error) {
          // A point cut short is not written: the re-run measures it whole.
          if (error instanceof InterruptedError || signal?.aborted) throw interrupted();
          throw error;
        }
        entry = { configuration: config.label, ...measured };
        finished.push(entry);
        byKey.set(pointKey(config.label, load), entry);
        await writeCheckpoint(checkpointPath, hash, summary, finished);
      }
      used.push(entry);
      points.push(entry.point);
      options.events?.publish({ type: 'point-done', configuration: config.label, offered, point: entry.point, replayed });
      options.onPoint?.({ configuration: config.label, offered, point: entry.point, replayed });
      return { load, throughputRps: entry.point.throughputRps, meetsSla: entry.point.meetsSla };
    });
    const sorted = sortByOffered(points);
    // The spec stored is the one that reproduces the best point (else the first) with `profile`.
    const shown = bestPoint(sorted) ?? sorted[0];
    configurations.push({
      label: config.label,
      params: config.params,
      spec: shown ? pointSpec(config.spec, shown.offered.kind, shown.offered.value) : config.spec,
      points: sorted,
      maxThroughputAtSlaRps: maxThroughputAtSlaRps(sorted),
    });
  }

  const first = used[0];
  // Every search measures at least its first load, so this is a bug if it happens.
  if (!first) throw new Error('the sweep measured no point');
  const loadTimes = used.map((e) => e.modelLoadMs).filter((ms): ms is number => ms !== undefined);
  const result: SweepResult = {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    kind: 'sweep-result',
    name: definition.name,
    createdAt: options.now().toISOString(),
    sla: definition.sla,
    environment: first.environment,
    configurations,
    costExtras: first.costExtras,
  };
  // Cold start for scaling decisions: the slowest model load seen (more instances load longer).
  if (loadTimes.length > 0) result.coldStartMs = Math.max(...loadTimes);
  return result;
}

function pointKey(configuration: string, load: number): string {
  return `${configuration}\u0000${load}`;
}
