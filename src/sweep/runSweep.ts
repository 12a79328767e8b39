import type { MeasurePoint, MeasuredPoint, PointContext } from './measurePoint.js';
import type { RunEventBody, RunEventBus } from '../profile/events.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { SWEEP_SCHEMA_VERSION, type CurvePoint, type SweepConfiguration, type SweepResult } from '../schema/sweepResult.js';
import { InterruptedError } from '../util/errors.js';
import { readCheckpoint, writeCheckpoint, type CheckpointPoint } from './checkpoint.js';
import { bestPoint, maxThroughputAtSlaRps, sortByOffered } from './curve.js';
import { definitionHash, describeDefinition, type SweepDefinition } from './definition.js';
import { PROBE_CONCURRENCY, pointSpec, probeSpec } from './pointSpec.js';
import { combineRepeats, measureRepeats } from './repeats.js';
import { searchCapacity } from './capacityRun.js';
import { interferenceSummary, interferenceWarning, precisionWarnings } from './interference.js';
import type { RepeatFigures } from '../schema/sweepResult.js';
import { resolveStart, searchCurve } from './search.js';

/**
 * Runs a sweep: for each configuration, the load search proposes points; a point finished in the
 * checkpoint is replayed, any other is measured and appended to the checkpoint at once. The
 * measurement itself is injected (the CLI passes runProfile; tests pass a synthetic server).
 */

export type { MeasuredPoint, MeasurePoint, PointContext } from './measurePoint.js';

export interface RunSweepOptions {
  definition: SweepDefinition;
  checkpointPath: string;
  measure: MeasurePoint;
  now: () => Date;
  signal?: AbortSignal;
  /**
   * Where the sweep says what it does: sweep-start, configuration-skipped, probe-done,
   * search-step, point-start (before a point is measured) and point-done (after each point, its
   * repeats together, replayed too). Its subscribers print progress and draw the live page.
   */
  events?: RunEventBus;
}

export async function runSweep(options: RunSweepOptions): Promise<SweepResult> {
  const { definition, checkpointPath, measure, signal } = options;
  const publish = (event: RunEventBody): void => {
    options.events?.publish(event);
  };
  const hash = definitionHash(definition);
  const summary = describeDefinition(definition);
  const finished: CheckpointPoint[] = await readCheckpoint(checkpointPath, hash);
  const byKey = new Map(
    finished.map((entry) => [entry.probe ? probeKey(entry.configuration) : pointKey(entry.configuration, entry.point.offered.value, entry.repeat ?? 0), entry]),
  );
  publish({ type: 'sweep-start', description: summary, resumedPoints: finished.length, checkpointPath });
  for (const s of definition.skipped) publish({ type: 'configuration-skipped', configuration: s.label, reason: s.reason });

  const interrupted = (): InterruptedError =>
    new InterruptedError(`sweep interrupted: ${finished.length} finished point(s) kept in ${checkpointPath}`);

  const used: CheckpointPoint[] = [];
  /** A finished run from the checkpoint, else measured now and appended to it at once. */
  const run = async (key: string, spec: ProfileSpec, context: PointContext): Promise<{ entry: CheckpointPoint; replayed: boolean }> => {
    let entry = byKey.get(key);
    const replayed = entry !== undefined;
    if (!entry) {
      if (signal?.aborted) throw interrupted();
      publish({ type: 'point-start', configuration: context.configuration, offered: context.offered, repeat: context.repeat, ...(context.probe ? { probe: true as const } : {}) });
      let measured: MeasuredPoint;
      try {
        measured = await measure(spec, context);
      } catch (error) {
        // A point cut short is not written: the re-run measures it whole.
        if (error instanceof InterruptedError || signal?.aborted) throw interrupted();
        throw error;
      }
      entry = { configuration: context.configuration, ...(context.repeat > 0 ? { repeat: context.repeat } : {}), ...(context.probe ? { probe: true as const } : {}), ...measured };
      finished.push(entry);
      byKey.set(key, entry);
      await writeCheckpoint(checkpointPath, hash, summary, finished);
    }
    used.push(entry);
    return { entry, replayed };
  };

  const configurations: SweepConfiguration[] = [];
  const capacityRuns: RepeatFigures[] = [];
  // Each capacity search gets an equal share of what the searches before it left unspent.
  let capacitySpentS = 0;
  for (const [index, config] of definition.configurations.entries()) {
    let probe: SweepConfiguration['probe'];
    let axis = resolveStart(definition.axis, 0);
    if (definition.axis.mode === 'search' && definition.axis.startLoad === 'probe') {
      const offered = { kind: 'concurrency' as const, value: PROBE_CONCURRENCY };
      const context: PointContext = { configuration: config.label, offered, repeat: 0, probe: true };
      const { entry, replayed } = await run(probeKey(config.label), probeSpec(config.spec), context);
      probe = { concurrency: PROBE_CONCURRENCY, throughputRps: entry.point.throughputRps, p95Ms: entry.point.p95Ms };
      axis = resolveStart(definition.axis, entry.point.throughputRps);
      publish({ type: 'probe-done', configuration: config.label, point: entry.point, replayed });
    }
    if (axis.kind === 'rps' && axis.mode === 'search') {
      const found = await searchCapacity({
        config,
        startRps: axis.startLoad,
        ...(axis.bracketSteps !== undefined ? { bracketSteps: axis.bracketSteps } : {}),
        sla: definition.sla,
        budgetS: (definition.budgetS - capacitySpentS) / (definition.configurations.length - index),
        maxRuns: axis.maxPoints,
        targetPrecisionPct: definition.targetPrecisionPct,
        run,
        publish,
      });
      capacityRuns.push(...found.runs.map((r) => r.figures));
      capacitySpentS += found.search.spentS;
      const best = bestPoint(found.points) ?? found.points[0];
      configurations.push({
        label: config.label,
        params: config.params,
        spec: best ? pointSpec(config.spec, 'rps', best.offered.value) : config.spec,
        points: found.points,
        maxThroughputAtSlaRps: maxThroughputAtSlaRps(found.points),
        ...(probe ? { probe } : {}),
        ...(found.capacity ? { capacity: found.capacity } : {}),
        search: found.search,
      });
      continue;
    }
    const points: CurvePoint[] = [];
    await searchCurve(axis, async (load) => {
      const offered = { kind: definition.axis.kind, value: load };
      const seeds: (number | undefined)[] = [];
      let allReplayed = true;
      const runs = await measureRepeats(definition.repeats, async (repeat) => {
        const spec = pointSpec(config.spec, offered.kind, load, repeat);
        seeds.push(spec.load.kind === 'poisson' ? spec.load.seed : undefined);
        const { entry, replayed } = await run(pointKey(config.label, load, repeat), spec, { configuration: config.label, offered, repeat });
        allReplayed &&= replayed;
        return entry.point;
      });
      const point = combineRepeats(runs, seeds, definition.repeats);
      points.push(point);
      publish({ type: 'point-done', configuration: config.label, offered, point, replayed: allReplayed });
      return { load, throughputRps: point.throughputRps, meetsSla: point.meetsSla };
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
      ...(probe ? { probe } : {}),
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
  if (capacityRuns.length > 0) {
    result.budgetS = definition.budgetS;
    result.targetPrecisionPct = definition.targetPrecisionPct;
    result.interference = interferenceSummary(configurations, capacityRuns);
    const busy = interferenceWarning(result.interference);
    result.warnings = [...(busy ? [busy] : []), ...precisionWarnings(configurations, definition.targetPrecisionPct)];
  }
  // Cold start for scaling decisions: the slowest model load seen (more instances load longer).
  if (loadTimes.length > 0) result.coldStartMs = Math.max(...loadTimes);
  return result;
}

function pointKey(configuration: string, load: number, repeat = 0): string {
  return `${configuration}\u0000${load}\u0000${repeat}`;
}

function probeKey(configuration: string): string {
  return `${configuration}\u0000probe`;
}
