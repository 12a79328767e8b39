import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunEventBus, type RunEvent } from '../../src/profile/events.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { checkpointPathFor } from '../../src/sweep/checkpoint.js';
import { buildDefinition } from '../../src/sweep/definition.js';
import { sweepProgressLines } from '../../src/sweep/progressLines.js';
import { runSweep, type MeasurePoint } from '../../src/sweep/runSweep.js';
import { parseVary } from '../../src/sweep/vary.js';
import { ManualClock } from '../../src/util/clock.js';
import { syntheticMeasure } from './syntheticServer.js';

/** A sweep's events: point-start before each point measured, point-done after each point used. */

const NOW = new Date('2026-02-03T04:05:06.000Z');
const sla = parseSla('p95<=100ms');
const definition = buildDefinition({
  baseSpec: ProfileSpec.parse({ name: 'synthetic', model: { source: 'tiny' } }),
  vary: parseVary(['concurrency=1,2']),
  sla,
  maxPoints: 12,
});

describe('runSweep events', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-sweep-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const label = (e: RunEvent): string =>
    e.type === 'point-start' ? `start ${e.offered.value}` : e.type === 'point-done' ? `done ${e.offered.value}${e.replayed ? ' (replayed)' : ''} ${e.point.throughputRps}` : e.type;

  it('point-start, what the measurement publishes, point-done; a replayed point gets only point-done', async () => {
    const checkpointPath = checkpointPathFor(join(dir, 'sweep.json'));
    const clock = new ManualClock();
    const bus = createRunEventBus({ runId: 'sweep-1', clock });
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const inner = syntheticMeasure(sla);
    // As the CLI's measurement does: the point's profile run publishes on the same bus.
    const measure: MeasurePoint = async (spec, context) => {
      bus.publish({ type: 'phase', phase: 'measure', message: 'measuring' });
      return inner(spec, context);
    };
    await runSweep({ definition, checkpointPath, measure, now: () => NOW, events: bus });
    expect(events.map(label)).toEqual(['sweep-start', 'start 1', 'phase', 'done 1 50', 'start 2', 'phase', 'done 2 100']);
    expect(events.every((e) => e.runId === 'sweep-1')).toBe(true);

    // The same sweep again, its points all in the checkpoint: nothing measured, every point replayed.
    const first = events.find((e) => e.type === 'point-done');
    events.length = 0;
    const checkpointed = join(dir, 'again.json');
    const againPath = checkpointPathFor(checkpointed);
    await runSweep({ definition, checkpointPath: againPath, measure: inner, now: () => NOW });
    await runSweep({ definition, checkpointPath: againPath, measure: inner, now: () => NOW, events: bus });
    expect(events.map(label)).toEqual(['sweep-start', 'done 1 (replayed) 50', 'done 2 (replayed) 100']);
    expect(events[0]).toMatchObject({ type: 'sweep-start', resumedPoints: 2, checkpointPath: againPath });
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('says which configurations it leaves out, and why, before it measures', async () => {
    const bus = createRunEventBus({ runId: 'skips', clock: new ManualClock() });
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const skipping = { ...definition, skipped: [{ label: 'maxBatchSize=4 preferredBatchSizes=8,16', reason: 'a preferred batch size above maxBatchSize' }] };
    await runSweep({ definition: skipping, checkpointPath: checkpointPathFor(join(dir, 'skips.json')), measure: syntheticMeasure(sla), now: () => NOW, events: bus });
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['sweep-start', 'configuration-skipped']);
    expect(sweepProgressLines(events[1]!, sla)).toEqual(['skipping maxBatchSize=4 preferredBatchSizes=8,16: a preferred batch size above maxBatchSize']);
  });
});
