import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFleet, unmetPlan, type PlanInput } from '../../src/app/plan.js';
import { profileModel, unusableProfile } from '../../src/app/profile.js';
import type { AppRuntime } from '../../src/app/runtime.js';
import { readTraffic } from '../../src/app/traffic.js';
import { createRunEventBus, type RunEvent } from '../../src/profile/events.js';
import { PROFILE_SCHEMA_VERSION, ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { realClock } from '../../src/util/clock.js';
import { readDocument } from '../../src/util/documents.js';
import { InputError, MeasurementError, UsageError } from '../../src/util/errors.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';

/**
 * The use-cases without any front end: plain inputs, a runtime, a bus; no terminal, no flags.
 * What the CLI prints from them is tested with the commands.
 */
describe('use-cases, called without a front end', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let rt: AppRuntime;
  beforeAll(async () => {
    dir = await makeTempDir('capacity-plan-app-');
    rt = { env: { AWS_EC2_METADATA_DISABLED: 'true' }, cwd: REPO_ROOT, home: dir.dir, now: () => new Date('2026-12-07T12:00:00.000Z'), signal: new AbortController().signal };
  });
  afterAll(async () => dir.remove());

  it('profile: one run on the given bus, written as one result document', async () => {
    const events: RunEvent[] = [];
    const bus = createRunEventBus({ runId: 'app-profile', clock: realClock });
    bus.subscribe((e) => events.push(e));
    const spec = ProfileSpec.parse({ name: 'app', model: { source: 'tiny' }, load: { kind: 'closed-loop', concurrency: 2 }, measurement: { durationS: 2, warmupS: 0.5, windowS: 0.5 } });
    const out = join(dir.dir, 'app.json');
    const { result, path } = await profileModel({ spec, transport: { kind: 'inprocess' }, transportWarnings: [], instanceType: undefined, out }, rt, bus);
    expect(path).toBe(out);
    expect(await readDocument(out, ProfileResult, 'profile', PROFILE_SCHEMA_VERSION)).toEqual(result);
    expect(events.at(-1)).toMatchObject({ type: 'done', runId: 'app-profile' });
    expect(events.some((e) => e.type === 'window')).toBe(true);
    expect(result.requests.completed).toBeGreaterThan(0);
    expect(unusableProfile(result, path)).toBeUndefined();
    // Nothing succeeded: kept on disk by the caller, but no capacity figure.
    const failing = { ...result, requests: { ...result.requests, completed: 0, failed: 7, failures: [{ reason: 'timeout', count: 7 }] } };
    const error = unusableProfile(failing, path);
    expect(error).toBeInstanceOf(MeasurementError);
    expect(error?.oneLine()).toBe(`no request succeeded: 7 failed, most often with 'timeout' (the document lists every failure: ${path})`);
  });

  const planInput = (over: Partial<PlanInput> = {}): PlanInput => ({
    documents: ['test/fixtures/sweep/tiny-interval-v3.json'],
    sla: parseSla('p95<=100ms'),
    utilization: 0.8,
    minInstances: 1,
    region: 'us-east-1',
    regionFrom: '--region',
    traffic: { kind: 'business-hours', peakRps: 100, offPeakRps: 100, businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09-18' }, timeZone: 'UTC', growthFactor: 1 },
    platform: 'ec2',
    compare: false,
    capacity: 'lower',
    purchase: 'ondemand',
    spot: false,
    instanceType: undefined,
    allowFailures: false,
    strict: false,
    ...over,
  });

  it('plan: documents, prices and traffic into one plan; no candidate meeting the SLA is the error its front end ends with', async () => {
    const plan = await planFleet(planInput(), rt);
    expect(plan.recommended).not.toBeNull();
    expect(plan.inputs.documents).toEqual(['test/fixtures/sweep/tiny-interval-v3.json']);
    expect(unmetPlan(plan)).toBeUndefined();
    const tight = await planFleet(planInput({ documents: ['test/fixtures/report-measured/torchserve-default.json'], instanceType: 'g4dn.xlarge', sla: parseSla('p95<=1ms') }), rt);
    expect(unmetPlan(tight)?.message).toMatch(/^no candidate meets p95<=1ms: the closest, .+, misses by [\d.]+ ms \([\d.]+%\)$/);
    await expect(planFleet(planInput({ documents: ['test/fixtures/sweep/missing.json'] }), rt)).rejects.toBeInstanceOf(InputError);
  });

  it('traffic: one source at a time, each error naming what to pass', async () => {
    await expect(readTraffic({ peakRps: 5, traffic: 'x.csv', businessHours: '09-18', tz: 'UTC' }, rt)).rejects.toThrow(UsageError);
    await expect(readTraffic({ peakRps: 5, traffic: 'x.csv', businessHours: '09-18', tz: 'UTC' }, rt)).rejects.toThrow('--traffic cannot be combined with --peak-rps/--offpeak-rps/--weekend-rps');
    await expect(readTraffic({ businessHours: '09-18', tz: 'UTC' }, rt)).rejects.toThrow('no traffic given');
    await expect(readTraffic({ traffic: 'nowhere.csv', businessHours: '09-18', tz: 'UTC' }, rt)).rejects.toThrow("cannot read traffic 'nowhere.csv': no such file");
    expect(await readTraffic({ peakRps: 60, offpeakRps: 10, businessHours: '08-20', tz: 'Europe/Berlin', growth: 1.2 }, rt)).toEqual({
      kind: 'business-hours',
      peakRps: 60,
      offPeakRps: 10,
      businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '08-20' },
      timeZone: 'Europe/Berlin',
      growthFactor: 1.2,
    });
  });
});
