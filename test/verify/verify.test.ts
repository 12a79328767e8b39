import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyCommand, type TrialRunner, type VerifyFlags } from '../../src/cli/verify.js';
import { runCli, type Register } from '../../src/cli/program.js';
import type { Runtime } from '../../src/cli/runtime.js';
import { candidatesFromDocument, type PlanDocument } from '../../src/plan/candidates.js';
import { buildPlan } from '../../src/plan/planner.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { ProfileResult, ProfileResultDocument } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { BusinessHoursTraffic } from '../../src/schema/traffic.js';
import { Verification } from '../../src/schema/verification.js';
import { ExitCode } from '../../src/util/errors.js';
import { createLatencyHistogram, encodeHistogram, recordMs } from '../../src/profile/core/histogram.js';
import { profileDoc } from '../support/samples.js';
import { RATES, sweepDoc as sweepV3 } from '../support/sweepV3.js';
import { FAKE_ENVIRONMENT } from '../sweep/syntheticServer.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const traffic = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 300, offPeakRps: 300 });
const spec = ProfileSpec.parse({ name: 'tiny-triton', model: { source: 'tiny' }, batching: { policy: 'triton', maxBatchSize: 8 } });

/** A sweep of one configuration whose capacity at p95<=100ms is 100 req/s (rps axis). */
function sweepDoc(): SweepResult {
  const point = (value: number, p95Ms: number) => ({ offered: { kind: 'rps' as const, value }, throughputRps: value, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms, failed: 0, dropped: 0, stable: true, meetsSla: p95Ms <= 100 });
  return SweepResult.parse({
    schemaVersion: 2, kind: 'sweep-result', name: 'tiny-triton', createdAt: NOW.toISOString(), sla: { percentile: 'p95', maxLatencyMs: 100 },
    environment: FAKE_ENVIRONMENT,
    configurations: [{ label: 'default', params: {}, spec, points: [point(50, 40), point(100, 90), point(200, 400)], maxThroughputAtSlaRps: 100 }],
  });
}

function planOf(documents: PlanDocument[], utilization = 0.8) {
  return buildPlan({
    createdAt: NOW.toISOString(), documents: documents.map((d) => d.path), sla: { percentile: 'p95', maxLatencyMs: 100 }, utilization, minInstances: 1,
    region: 'us-east-1', traffic, demandRps: weeklyDemandRps(traffic, NOW), candidates: documents.flatMap((d) => candidatesFromDocument(d)), prices: new PriceBook(snapshotCatalog()),
  });
}

/**
 * A trial result whose p95 is p95BySeed[seed] (default 50 ms): 10 s at the offered rate, 90% of
 * requests at half the p95 and 10% at the p95 itself, kept in its histogram as a real run's are.
 * So a trial over the 100 ms bound has exactly 10% of its requests over it.
 */
function fakeRunner(p95BySeed: Record<number, number>, seen: ProfileSpec[] = []): TrialRunner {
  return async (trialSpec) => {
    seen.push(trialSpec);
    const seed = trialSpec.load.kind === 'poisson' ? trialSpec.load.seed : -1;
    const rps = trialSpec.load.kind === 'poisson' ? trialSpec.load.rps : 0;
    const p95Ms = p95BySeed[seed] ?? 50;
    const n = Math.round(rps * 10);
    const h = createLatencyHistogram();
    for (let i = 0; i < n; i++) recordMs(h, i < n * 0.9 ? p95Ms / 2 : p95Ms);
    const doc = profileDoc({ name: 't', spec: trialSpec });
    return ProfileResult.parse({
      ...doc,
      measurement: { stable: true, stabilityNote: 'n', warmupS: 2, measuredS: 10, windows: [] },
      latency: {
        ...doc.latency,
        endToEnd: { count: n, meanMs: p95Ms / 2, minMs: 1, p50Ms: p95Ms / 2, p90Ms: p95Ms * 0.9, p95Ms, p99Ms: p95Ms * 1.3, maxMs: p95Ms * 2 },
        endToEndHistogram: encodeHistogram(h),
      },
      requests: { completed: n, failed: 0, dropped: 0, failures: [] },
    });
  };
}

describe('capacity-plan verify', () => {
  let cwd: string;
  let out: string;
  let err: string;
  const rt = (): Runtime => ({
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd,
    home: join(cwd, 'home'),
    now: () => NOW,
    signal: new AbortController().signal,
  });
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'capacity-plan-verify-'));
    out = '';
    err = '';
    await writeFile(join(cwd, 'sweep.json'), JSON.stringify(sweepDoc()));
    await writeFile(join(cwd, 'plan.json'), JSON.stringify(planOf([{ kind: 'sweep-result', path: 'sweep.json', doc: sweepDoc() }])));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const verify = (flags: VerifyFlags, runner: TrialRunner, planPath = 'plan.json'): Promise<number> => {
    const register: Register = (program, r) => {
      program.command('verify').argument('<plan>').action(async (p: string) => void (await verifyCommand(p, { out: 'v.json', quiet: true, ...flags }, r, runner)));
    };
    return runCli(['verify', planPath], rt(), [register]);
  };

  it('exits 0 when the SLA held in every trial, with one seed per trial at the per-instance rate', async () => {
    const seen: ProfileSpec[] = [];
    expect(await verify({}, fakeRunner({}, seen)), err).toBe(ExitCode.ok);
    // 100 req/s capacity x utilisation 0.8 = 80 req/s per instance; seeds 1..5.
    expect(seen.map((s) => s.load)).toEqual([1, 2, 3, 4, 5].map((seed) => ({ kind: 'poisson', rps: 80, seed, maxInFlight: 8 * 128 })));
    expect(seen[0]!.model.source).toBe('tiny');
    // 5 x 800 requests, none over 100 ms: meets.
    expect(out).toMatch(/^tiny-triton\/default at 80\.0 req\/s meets p95<=100ms: p95 50\.0 ms \(90% interval 50\.0–50\.0 ms\), 0 of 4000 requests over 100 ms or failed \(0%; 90% interval 0%–0\.\d+%, 5% allowed\); held in 5 of 5 trials$/m);
    const doc = Verification.parse(JSON.parse(await readFile(join(cwd, 'v.json'), 'utf8')));
    expect(doc).toMatchObject({ kind: 'verification', schemaVersion: 2, candidate: 'tiny-triton/default', rateFrom: 'perInstanceRps', rateRps: 80, held: 5, holds: true, decision: 'meets' });
    expect(doc.trials.map((t) => [t.requests, t.exceedances])).toEqual([1, 2, 3, 4, 5].map(() => [800, 0]));
    expect(doc.advice).toBeUndefined();
    // An old (version 2) sweep: no interval to compare with.
    expect(doc.agreement).toEqual({ kind: 'no-interval', sentence: "the plan's capacity, 100 req/s, came from a sweep without an interval (a document from before intervals): there is no interval to compare with" });
    expect(doc.trials.map((t) => [t.seed, t.achievedRps, t.held])).toEqual([1, 2, 3, 4, 5].map((s) => [s, 80, true]));
  });

  it('says on stderr what it verifies and each trial as it ends, read off its events', async () => {
    expect(await verify({ quiet: false, trials: 2 }, fakeRunner({ 2: 130 }))).toBe(ExitCode.measurement);
    const lines = err.trim().split('\n');
    expect(lines[0]).toMatch(/^verify tiny-triton\/default: 2 trial\(s\) of \d+ s of Poisson arrivals at 80\.00 req\/s \(per instance, utilisation 0\.8\), SLA p95<=100ms$/);
    expect(lines[1]).toMatch(/^trial 1\/2 \(seed 1\): achieved 80\.0 req\/s, p50 [\d.]+ ms, p95 50\.0 ms, p99 [\d.]+ ms, 0 dropped: held$/);
    expect(lines[2]).toMatch(/^trial 2\/2 \(seed 2\): achieved 80\.0 req\/s, .*p95 130\.0 ms, .*: did not hold \(p95 130\.0 ms > 100 ms\)$/);
    expect(lines.at(-1)).toMatch(/^error: /);
  });

  it('one trial of five missing is undecided, not a miss: exit 5, advising more trials, and still writes the document', async () => {
    // Trial 3 has 80 of its 800 requests over 100 ms, the others none: 80 of 4000 (2%) pooled, but
    // the trials disagree so much (design effect about 55) that the interval spans the 5% allowed.
    expect(await verify({}, fakeRunner({ 3: 130 }))).toBe(ExitCode.measurement);
    const line = err.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^error: tiny-triton\/default at 80\.0 req\/s undecided on p95<=100ms: .*80 of 4000 requests over 100 ms or failed \(2%; .*; held in 4 of 5 trials \(the trials are too few to decide at 80 req\/s: run more trials \(--trials 10\); trials in /);
    expect(out).toMatch(/^\s+3\s+3\s+80\.0\s+80\.0\s+65\.0\s+130\.0\s+169\.0\s+0\s+0\s+no: p95 130\.0 ms > 100 ms$/m);
    const doc = Verification.parse(JSON.parse(await readFile(join(cwd, 'v.json'), 'utf8')));
    expect(doc).toMatchObject({ held: 4, holds: false, decision: 'undecided', advice: 'the trials are too few to decide at 80 req/s: run more trials (--trials 10)' });
    expect(doc.judgement).toMatchObject({ runs: 5, requests: 4000, exceedances: 80 });
  });

  it('every trial missing is a miss; with an old sweep the advice is to sweep again with intervals', async () => {
    // 5 x 80 of 800 over: 10% pooled, the trials agree (design effect 8/6 = 1.33), interval well above 5%.
    expect(await verify({ trials: 5 }, fakeRunner({ 1: 130, 2: 130, 3: 130, 4: 130, 5: 130 }))).toBe(ExitCode.measurement);
    const doc = Verification.parse(JSON.parse(await readFile(join(cwd, 'v.json'), 'utf8')));
    expect(doc).toMatchObject({ decision: 'misses', held: 0, holds: false });
    expect(doc.judgement?.designEffect).toBeCloseTo(4 / 3, 9);
    expect(doc.advice).toBe('the sweep predates capacity intervals: sweep again with this version, which estimates the capacity with an interval, and plan on its lower end');
  });

  it('a plan on a sweep interval: trials that miss at its lower end disagree with it, and the advice says to sweep again on this host', async () => {
    const v3 = sweepV3(RATES, {});
    await writeFile(join(cwd, 'sweep3.json'), JSON.stringify(v3));
    await writeFile(join(cwd, 'plan3.json'), JSON.stringify(planOf([{ kind: 'sweep-result', path: 'sweep3.json', doc: v3 }])));
    // Planned on 36.5 (the lower end) x 0.8 = 29.2 req/s; every trial 10% over 100 ms: misses.
    expect(await verify({}, fakeRunner({ 1: 130, 2: 130, 3: 130, 4: 130, 5: 130 }), 'plan3.json')).toBe(ExitCode.measurement);
    const doc = Verification.parse(JSON.parse(await readFile(join(cwd, 'v.json'), 'utf8')));
    expect(doc.rateRps).toBeCloseTo(29.2, 9);
    expect(doc).toMatchObject({ decision: 'misses', capacityInterval: { estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90, plannedOn: 'lower' } });
    expect(doc.agreement).toEqual({ kind: 'disagrees', sentence: "29.2 req/s is at or under its lower end (the sweep's 90% interval 36.5–45 req/s), yet the trials missed the SLA: the interval did not hold here" });
    expect(out).toContain(doc.agreement!.sentence);
    expect(err).toContain(
      "(the sweep's interval (36.5–45 req/s) did not hold here: the host may differ from where it was swept (the same host, host (cpu, 4 cores): it may have been busier during the trials than during the sweep, or the other way round); sweep again on this host with more --budget; trials in ",
    );
  });

  it('--at-capacity drives the unscaled capacity; --trials sets the count; --json prints only the document', async () => {
    const seen: ProfileSpec[] = [];
    expect(await verify({ atCapacity: true, trials: 2, json: true }, fakeRunner({}, seen))).toBe(ExitCode.ok);
    expect(seen.map((s) => s.load.kind === 'poisson' && s.load.rps)).toEqual([100, 100]);
    expect(Verification.parse(JSON.parse(out))).toMatchObject({ rateFrom: 'capacity', rateRps: 100, held: 2 });
  });

  it('a candidate the plan does not have is a usage error listing the ones it has', async () => {
    expect(await verify({ candidate: 'nope' }, fakeRunner({}))).toBe(ExitCode.usage);
    expect(err).toBe("error: plan 'plan.json' has no candidate 'nope' (candidates: tiny-triton/default)\n");
  });

  it('an imported profile cannot be rebuilt: one line, exit 3', async () => {
    const imported = ProfileResultDocument.parse(JSON.parse(await readFile('profiles/imported/article-triton-g4dn.json', 'utf8')));
    await writeFile(join(cwd, 'imported.json'), JSON.stringify(imported));
    await writeFile(join(cwd, 'plan2.json'), JSON.stringify(planOf([{ kind: 'profile-result', path: 'imported.json', doc: imported }])));
    expect(await verify({}, fakeRunner({}), 'plan2.json')).toBe(ExitCode.input);
    expect(err).toMatch(/^error: cannot verify article-triton-g4dn: its figures were imported from a publication, so there is no spec to rebuild \(.*\)\n$/);
  });

  it('a profile of a remote server needs --target: one line, exit 3', async () => {
    const remote = ProfileResult.parse({ ...profileDoc({ name: 'remote', spec }), transport: { kind: 'http', url: 'http://10.0.0.5:8000', protocol: 'raw', server: 'remote', connections: 8 } });
    await writeFile(join(cwd, 'remote.json'), JSON.stringify(remote));
    await writeFile(join(cwd, 'plan3.json'), JSON.stringify(planOf([{ kind: 'profile-result', path: 'remote.json', doc: remote }])));
    expect(await verify({}, fakeRunner({}), 'plan3.json')).toBe(ExitCode.input);
    expect(err).toBe('error: cannot verify remote in process: it was measured against the remote server http://10.0.0.5:8000 (pass --target http://10.0.0.5:8000 to verify against that server)\n');
  });
});
