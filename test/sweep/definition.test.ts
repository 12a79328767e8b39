import { describe, expect, it } from 'vitest';
import { ProfileSpec, type ProfileSpecInput } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { buildDefinition, definitionHash, DEFAULT_RPS_REPEATS, type DefinitionInput } from '../../src/sweep/definition.js';
import { configurationSpec, pointSpec } from '../../src/sweep/pointSpec.js';
import { parseVary } from '../../src/sweep/vary.js';
import { UsageError } from '../../src/util/errors.js';

const spec = (input: ProfileSpecInput = {}): ProfileSpec => ProfileSpec.parse({ model: { source: 'tiny' }, ...input });
const triton = spec({ batching: { policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8, 16], maxQueueDelayUs: 1000 } });
const sla = parseSla('p95<=100ms');
const input = (over: Partial<DefinitionInput> = {}): DefinitionInput => ({ baseSpec: spec(), vary: parseVary([]), sla, maxPoints: 12, ...over });

describe('configuration and point specs', () => {
  it('applies triton parameters, dropping preset preferred sizes above a varied maxBatchSize', () => {
    const s = configurationSpec(triton, { maxBatchSize: 8 }, 'x');
    expect(s.batching).toEqual({ policy: 'triton', maxBatchSize: 8, preferredBatchSizes: [4, 8], maxQueueDelayUs: 1000 });
    expect(configurationSpec(triton, { preferredBatchSizes: 'none', maxQueueDelayUs: 0 }, 'x').batching).toEqual({
      policy: 'triton',
      maxBatchSize: 16,
      preferredBatchSizes: [],
      maxQueueDelayUs: 0,
    });
  });

  it('switches batching none to the policy the varied parameter belongs to, like the flags do', () => {
    expect(configurationSpec(spec(), { maxQueueDelayUs: 500 }, 'x').batching).toEqual({ policy: 'triton', maxBatchSize: 8, preferredBatchSizes: [], maxQueueDelayUs: 500 });
    expect(configurationSpec(spec(), { maxBatchDelayMs: 'none' }, 'x').batching).toEqual({ policy: 'torchserve', batchSize: 8, maxBatchDelayMs: null });
    expect(configurationSpec(spec(), { batchSize: 4, maxBatchDelayMs: 5 }, 'x').batching).toEqual({ policy: 'torchserve', batchSize: 4, maxBatchDelayMs: 5 });
  });

  it('sets instances and leaves everything else as in the base spec', () => {
    const s = configurationSpec(triton, { instances: 3 }, 'x');
    expect(s).toEqual({ ...triton, engine: { ...triton.engine, instances: 3 } });
  });

  it('rejects mixing policies and preferred sizes above maxBatchSize', () => {
    expect(() => configurationSpec(triton, { batchSize: 4 }, 'x')).toThrow(/torchserve batching settings on a triton spec/);
    expect(() => configurationSpec(spec(), { maxBatchSize: 4, batchSize: 4 }, 'x')).toThrow(UsageError);
    expect(() => configurationSpec(triton, { maxBatchSize: 4, preferredBatchSizes: [8] }, 'mbs4')).toThrow(/configuration 'mbs4'.*preferredBatchSizes/);
  });

  it('sets the load: closed-loop for concurrency; rps keeps an open model (seed, maxInFlight) or becomes Poisson', () => {
    expect(pointSpec(spec(), 'concurrency', 12).load).toEqual({ kind: 'closed-loop', concurrency: 12 });
    expect(pointSpec(spec(), 'rps', 25).load).toEqual({ kind: 'poisson', rps: 25, seed: 1, maxInFlight: 1024 });
    // Repeat r of a point: seed + r.
    expect(pointSpec(spec(), 'rps', 25, 2).load).toEqual({ kind: 'poisson', rps: 25, seed: 3, maxInFlight: 1024 });
    const constant = spec({ load: { kind: 'constant-rate', rps: 5 } });
    expect(pointSpec(constant, 'rps', 25, 1).load).toEqual({ kind: 'constant-rate', rps: 25, maxInFlight: 1024 });
    const poisson = spec({ load: { kind: 'poisson', rps: 5, seed: 7, maxInFlight: 64 } });
    expect(pointSpec(poisson, 'rps', 40).load).toEqual({ kind: 'poisson', rps: 40, seed: 7, maxInFlight: 64 });
    expect(pointSpec(poisson, 'rps', 40, 1).load).toEqual({ kind: 'poisson', rps: 40, seed: 8, maxInFlight: 64 });
    expect(pointSpec(poisson, 'concurrency', 2).load).toEqual({ kind: 'closed-loop', concurrency: 2 });
  });
});

describe('sweep definition', () => {
  it('skips cross-product combinations the spec rejects and keeps the rest, in order', () => {
    const def = buildDefinition(input({ baseSpec: triton, vary: parseVary(['maxBatchSize=4,16', 'preferredBatchSizes=4|8,16']) }));
    expect(def.configurations.map((c) => c.label)).toEqual([
      'maxBatchSize=4 preferredBatchSizes=4',
      'maxBatchSize=16 preferredBatchSizes=4',
      'maxBatchSize=16 preferredBatchSizes=8,16',
    ]);
    expect(def.skipped.map((s) => s.label)).toEqual(['maxBatchSize=4 preferredBatchSizes=8,16']);
  });

  it('fails when no combination is valid', () => {
    expect(() => buildDefinition(input({ baseSpec: triton, vary: parseVary(['batchSize=4,8']) }))).toThrow(UsageError);
  });

  it('defaults the load axis to open-loop capacity: an rps search from a probe, 3 repeats a point', () => {
    const def = buildDefinition(input());
    expect(def.axis).toEqual({ kind: 'rps', mode: 'search', startLoad: 'probe', maxPoints: 12 });
    expect(def.repeats).toBe(DEFAULT_RPS_REPEATS);
    expect(buildDefinition(input({ repeats: 5 })).repeats).toBe(5);
  });

  it('keeps the closed loop with --vary concurrency=auto: from 1 or --concurrency, one run a point', () => {
    const def = buildDefinition(input({ vary: parseVary(['concurrency=auto']) }));
    expect(def.axis).toEqual({ kind: 'concurrency', mode: 'search', startLoad: 1, maxPoints: 12 });
    expect(def.repeats).toBe(1);
    expect(buildDefinition(input({ vary: parseVary(['concurrency=auto']), startConcurrency: 4, maxPoints: 5 })).axis).toEqual({ kind: 'concurrency', mode: 'search', startLoad: 4, maxPoints: 5 });
  });

  it("searches rps for an open load model, from its rps; rps=auto on a closed loop starts at --rps or a probe", () => {
    const open = spec({ load: { kind: 'constant-rate', rps: 30 } });
    expect(buildDefinition(input({ baseSpec: open })).axis).toEqual({ kind: 'rps', mode: 'search', startLoad: 30, maxPoints: 12 });
    expect(buildDefinition(input({ vary: parseVary(['rps=auto']) })).axis).toMatchObject({ kind: 'rps', startLoad: 'probe' });
    expect(buildDefinition(input({ vary: parseVary(['rps=auto']), startRps: 12.345 })).axis).toMatchObject({ kind: 'rps', startLoad: 12.35 });
    expect(buildDefinition(input({ vary: parseVary(['concurrency=2,1']) })).axis).toEqual({ kind: 'concurrency', mode: 'list', loads: [1, 2] });
  });

  it('refuses to sweep a schedule load unless the load is varied', () => {
    const schedule = spec({ load: { kind: 'schedule', steps: [{ rps: 5, durationS: 1 }] } });
    expect(() => buildDefinition(input({ baseSpec: schedule }))).toThrow(/schedule/);
    expect(buildDefinition(input({ baseSpec: schedule, vary: parseVary(['concurrency=auto']) })).axis.kind).toBe('concurrency');
  });

  it('hashes the same definition to the same value, and any change in spec, vary, axis or SLA to another', () => {
    const base = definitionHash(buildDefinition(input({ vary: parseVary(['instances=1,2']) })));
    expect(definitionHash(buildDefinition(input({ vary: parseVary(['instances=1,2']) })))).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const changed = [
      input({ vary: parseVary(['instances=1,3']) }),
      input({ vary: parseVary(['instances=1,2', 'concurrency=1,2']) }),
      input({ vary: parseVary(['instances=1,2']), sla: parseSla('p99<=100ms') }),
      input({ vary: parseVary(['instances=1,2']), maxPoints: 11 }),
      input({ vary: parseVary(['instances=1,2']), repeats: 2 }),
      input({ vary: parseVary(['instances=1,2']), baseSpec: spec({ measurement: { durationS: 2 } }) }),
    ].map((i) => definitionHash(buildDefinition(i)));
    expect(new Set([base, ...changed]).size).toBe(1 + changed.length);
  });
});
