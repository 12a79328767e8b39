import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla, type Sla } from '../../src/schema/sla.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { SweepCheckpoint, checkpointPathFor } from '../../src/sweep/checkpoint.js';
import { buildDefinition, type SweepDefinition } from '../../src/sweep/definition.js';
import { formatSweep } from '../../src/sweep/format.js';
import { runSweep, type MeasurePoint } from '../../src/sweep/runSweep.js';
import { parseVary } from '../../src/sweep/vary.js';
import { InterruptedError, UsageError } from '../../src/util/errors.js';
import { syntheticMeasure } from './syntheticServer.js';
import { createRunEventBus } from '../../src/profile/events.js';
import { sweepProgressLines } from '../../src/sweep/progressLines.js';
import { ManualClock } from '../../src/util/clock.js';

const NOW = new Date('2026-02-03T04:05:06.000Z');
const sla = parseSla('p95<=100ms');

function definition(varyArgs = ['instances=1,2'], s: Sla = sla): SweepDefinition {
  // The closed loop, explicitly: the synthetic server is worked by hand per concurrency.
  return buildDefinition({ baseSpec: ProfileSpec.parse({ name: 'synthetic', model: { source: 'tiny' } }), vary: parseVary([...varyArgs, 'concurrency=auto']), sla: s, maxPoints: 12 });
}

// Worked by hand (syntheticServer.ts, p95<=100ms):
//   instances=1: 1, 2, 4, 8 pass; 16 misses (p95 170); 12 passes (90); 14, 13 miss -> max 400 req/s
//   instances=2: knee at 16; 1..16 pass; 32 misses (330) -> [16, 32]; 24 misses (170); 20 passes (90);
//                22 (130) and 21 (110) miss -> max 800 req/s
const VISITS = [
  ...[1, 2, 4, 8, 16, 12, 14, 13].map((c) => `instances=1@${c}`),
  ...[1, 2, 4, 8, 16, 32, 24, 20, 22, 21].map((c) => `instances=2@${c}`),
];

describe('runSweep', () => {
  let dir: string;
  let checkpointPath: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-sweep-'));
    checkpointPath = checkpointPathFor(join(dir, 'sweep.json'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const readCheckpointFile = async (): Promise<SweepCheckpoint> => SweepCheckpoint.parse(JSON.parse(await readFile(checkpointPath, 'utf8')));

  it('runs the search per configuration and gives sorted curves and the max throughput at the SLA', async () => {
    const calls: string[] = [];
    const result = await runSweep({ definition: definition(), checkpointPath, measure: syntheticMeasure(sla, calls), now: () => NOW });
    expect(calls).toEqual(VISITS);
    expect(SweepResult.parse(result)).toEqual(result);
    expect(result).toMatchObject({ schemaVersion: 3, kind: 'sweep-result', name: 'synthetic', createdAt: NOW.toISOString(), sla });
    const [one, two] = result.configurations;
    expect(one!.points.map((p) => p.offered.value)).toEqual([1, 2, 4, 8, 12, 13, 14, 16]);
    expect(one!.maxThroughputAtSlaRps).toBe(400);
    expect(two!.maxThroughputAtSlaRps).toBe(800);
    expect(two!.params).toEqual({ instances: 2 });
    // The stored spec reproduces the best point: the lowest load at the highest passing throughput.
    expect(one!.spec.load).toEqual({ kind: 'closed-loop', concurrency: 8 });
    expect(two!.spec.engine.instances).toBe(2);
    // The slowest model load (100 ms per instance in the fake).
    expect(result.coldStartMs).toBe(200);
    expect(result.environment.hostname).toBe('synthetic');
  });

  it('rewrites the checkpoint after every point, with the definition hash', async () => {
    const seenInCheckpoint: number[] = [];
    const inner = syntheticMeasure(sla);
    const measure: MeasurePoint = async (spec, context) => {
      seenInCheckpoint.push((await readCheckpointFile().catch(() => ({ points: [] }))).points.length);
      return inner(spec, context);
    };
    await runSweep({ definition: definition(), checkpointPath, measure, now: () => NOW });
    // Before the n-th measurement, the checkpoint holds n-1 points.
    expect(seenInCheckpoint).toEqual(VISITS.map((_, i) => i));
    const checkpoint = await readCheckpointFile();
    expect(checkpoint.points.map((p) => `${p.configuration}@${p.point.offered.value}`)).toEqual(VISITS);
  });

  it('stops on interruption without writing the cut-short point, and a re-run replays the checkpoint without measuring it again', async () => {
    const controller = new AbortController();
    const inner = syntheticMeasure(sla);
    let calls = 0;
    const interrupting: MeasurePoint = async (spec, context) => {
      calls += 1;
      if (calls === 11) {
        // As runProfile does on Ctrl-C: the signal aborts, the point throws, nothing is returned.
        controller.abort();
        throw new InterruptedError('profile interrupted: no document written');
      }
      return inner(spec, context);
    };
    const error = await runSweep({ definition: definition(), checkpointPath, measure: interrupting, now: () => NOW, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect((error as Error).message).toContain('10 finished point(s) kept in');
    const kept = await readCheckpointFile();
    expect(kept.points).toHaveLength(10);

    const resumedCalls: string[] = [];
    const lines: string[] = [];
    const bus = createRunEventBus({ runId: 'resumed', clock: new ManualClock() });
    bus.subscribe((event) => lines.push(...sweepProgressLines(event, sla)));
    const resumed = await runSweep({ definition: definition(), checkpointPath, measure: syntheticMeasure(sla, resumedCalls), now: () => NOW, events: bus });
    expect(lines[0]).toBe('sweep synthetic (model tiny): 2 configuration(s) [instances=1; instances=2] x concurrency search (closed loop) from 1 (at most 12 points each), SLA p95<=100ms');
    expect(lines[1]).toMatch(/^resuming: 10 points done/);
    // Only the 8 points after the checkpoint are measured.
    expect(resumedCalls).toEqual(VISITS.slice(10));
    const uninterrupted = await runSweep({ definition: definition(), checkpointPath: join(dir, 'other.checkpoint.json'), measure: syntheticMeasure(sla), now: () => NOW });
    expect(resumed).toEqual(uninterrupted);
  });

  it('replays checkpointed points as they were recorded, even if the server would now answer differently', async () => {
    await runSweep({ definition: definition(['instances=1']), checkpointPath, measure: syntheticMeasure(sla), now: () => NOW });
    const checkpoint = await readCheckpointFile();
    // A measure function that would fail every point: never called, since every point is checkpointed.
    let calls = 0;
    const never: MeasurePoint = async () => {
      calls += 1;
      throw new Error('should not measure');
    };
    const replayed = await runSweep({ definition: definition(['instances=1']), checkpointPath, measure: never, now: () => NOW });
    expect(calls).toBe(0);
    expect(replayed.configurations[0]!.points).toEqual([...checkpoint.points.map((p) => p.point)].sort((a, b) => a.offered.value - b.offered.value));
  });

  it('stops before the next point when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const measure: MeasurePoint = async (spec, context) => {
      calls += 1;
      return syntheticMeasure(sla)(spec, context);
    };
    await expect(runSweep({ definition: definition(), checkpointPath, measure, now: () => NOW, signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
    expect(calls).toBe(0);
  });

  it('refuses a checkpoint from a different definition with a UsageError naming the fix, measuring nothing', async () => {
    await runSweep({ definition: definition(['instances=1']), checkpointPath, measure: syntheticMeasure(sla), now: () => NOW });
    let calls = 0;
    const measure: MeasurePoint = async (spec, context) => {
      calls += 1;
      return syntheticMeasure(sla)(spec, context);
    };
    const other = definition(['instances=1'], parseSla('p95<=50ms'));
    const error = await runSweep({ definition: other, checkpointPath, measure, now: () => NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).oneLine()).toMatch(/belongs to a different sweep.*delete the checkpoint.*choose another --out/);
    expect(calls).toBe(0);
  });

  it('formats one table per configuration and names the best', async () => {
    const result = await runSweep({ definition: definition(['instances=1']), checkpointPath, measure: syntheticMeasure(sla), now: () => NOW });
    expect(formatSweep(result)).toBe(
      [
        'instances=1: max 400.0 req/s at p95<=100ms (concurrency 8)',
        'concurrency  throughput req/s  p50 ms  p95 ms  p99 ms  meets SLA  note',
        '          1              50.0    5.00   10.00   15.00  yes',
        '          2             100.0    5.00   10.00   15.00  yes',
        '          4             200.0    5.00   10.00   15.00  yes',
        '          8             400.0    5.00   10.00   15.00  yes',
        '         12             400.0   45.00   90.00  135.00  yes',
        '         13             400.0   55.00  110.00  165.00  no',
        '         14             400.0   65.00  130.00  195.00  no',
        '         16             400.0   85.00  170.00  255.00  no',
        '',
        'best: instances=1 — 400.0 req/s at p95<=100ms',
      ].join('\n'),
    );
  });
});
