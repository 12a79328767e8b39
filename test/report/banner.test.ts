import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanDocument } from '../../src/schema/plan.js';
import { ProfileResultDocument, type ProfileResult } from '../../src/schema/profileResult.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { Verification } from '../../src/schema/verification.js';
import { compareView } from '../../web/lib/compareView.js';
import { planView } from '../../web/lib/planView.js';
import { profileView } from '../../web/lib/profileView.js';
import { bannerStatus, statusMark } from '../../web/lib/status.js';
import { sweepView } from '../../web/lib/sweepView.js';
import { verificationView } from '../../web/lib/verificationView.js';

/**
 * One rule on every page: a success mark (✓) only on a result that is decided, stable and free of
 * warnings; anything else leads its banner with the caveat in words.
 */
const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const measured = (name: string): ProfileResult => ProfileResultDocument.parse(json(`test/fixtures/report-measured/${name}.json`));
/** A measured run made clean: stable, no warnings (the fixture has neither drops nor failures). */
const clean = (doc: ProfileResult, throughputs?: number[]): ProfileResult => ({
  ...doc,
  warnings: [],
  measurement: {
    ...doc.measurement,
    stable: true,
    windows: throughputs ? throughputs.map((t, i) => ({ ...doc.measurement.windows[i % doc.measurement.windows.length]!, index: i, throughputRps: t })) : doc.measurement.windows,
  },
  ...(throughputs ? { throughputRps: throughputs.reduce((a, b) => a + b, 0) / throughputs.length } : {}),
});
const sla = { percentile: 'p95' as const, maxLatencyMs: 2000 };

describe('the banner rule', () => {
  it.each([
    [{ decided: true, stable: true, warnings: 0 }, 'ok'],
    [{ decided: true, stable: false, warnings: 0 }, 'warn'],
    [{ decided: true, stable: true, warnings: 1 }, 'warn'],
    [{ decided: false, stable: true, warnings: 0 }, 'insufficient'],
    [{ decided: false, stable: false, warnings: 3 }, 'insufficient'],
  ] as const)('%o -> %s', (facts, status) => {
    expect(bannerStatus(facts)).toBe(status);
  });

  it('marks: ✓ only for ok; the others lead with words, never a bare symbol', () => {
    expect(statusMark('ok')).toBe('✓');
    expect(statusMark('warn')).toBe('⚠ Read with care:');
    expect(statusMark('insufficient')).toBe('⚠ Undecided:');
  });
});

describe('no page shows a success mark for an undecided, unstable or warned result', () => {
  it('profile: ok only when stable, warning-free and within the SLA', () => {
    const run = clean(measured('triton-dynamic'));
    expect(profileView(run, { sla }).verdict.status).toBe('ok');
    expect(profileView({ ...run, measurement: { ...run.measurement, stable: false } }, { sla }).verdict.status).toBe('warn');
    expect(profileView({ ...run, warnings: ['CPU figures cannot stand for a GPU'] }, { sla }).verdict.status).toBe('warn');
    expect(profileView(run, { sla: { percentile: 'p95', maxLatencyMs: 1 } }).verdict.status).toBe('warn');
    const two = { ...run, measurement: { ...run.measurement, windows: run.measurement.windows.slice(0, 2) } };
    expect(profileView(two, { sla }).verdict.status).toBe('insufficient');
    // A document left with the default name is titled by what it measured, not "Profile: profile".
    expect(profileView({ ...run, name: 'profile' }).title).toBe(profileView(run).subtitle);
    // Imported figures: stability not known.
    expect(profileView(ProfileResultDocument.parse(json('profiles/imported/article-triton-g4dn.json')), { sla }).verdict.status).toBe('warn');
  });

  it('sweep: ok only when the best configuration stands on a stable point', () => {
    const sweep = SweepResult.parse(json('test/fixtures/report/sweep.json'));
    const vm = sweepView(sweep);
    expect(vm.status).toBe('ok');
    const unstableBest = {
      ...sweep,
      configurations: sweep.configurations.map((c) => ({ ...c, points: c.points.map((p) => (p.throughputRps === c.maxThroughputAtSlaRps ? { ...p, stable: false } : p)) })),
    };
    const warned = sweepView(unstableBest);
    expect(warned.status).toBe('warn');
    expect(warned.detected[0]!.text).toMatch(/did not stabilise \(UNSTABLE\)/);
  });

  it('plan: ok only with a recommendation and no warnings (CPU figures for a GPU, imported figures...)', () => {
    const plan = PlanDocument.parse(json('test/fixtures/report/article-plan.json'));
    expect(plan.warnings.length).toBeGreaterThan(0);
    expect(planView(plan).status).toBe('warn');
    expect(planView({ ...plan, warnings: [] }).status).toBe('ok');
    expect(planView({ ...plan, warnings: [], recommended: null }).status).toBe('insufficient');
  });

  it('compare: ok only for a decided verdict between stable runs with nothing unfair', () => {
    const a = clean(measured('triton-dynamic'), [99, 100, 101]);
    const b = { ...clean(measured('triton-dynamic'), [94.2, 95.2, 96.2]), name: 'b' };
    expect(compareView([a, b]).pairs[0]!.status).toBe('ok');
    // Within noise: undecided.
    const noisy = { ...clean(measured('triton-dynamic'), [80, 120, 100]), name: 'noisy' };
    expect(compareView([a, noisy]).pairs[0]!.status).toBe('insufficient');
    // Two windows: undecided.
    const short = { ...clean(measured('triton-dynamic'), [60, 61]), name: 'short' };
    expect(compareView([a, short]).pairs[0]!.status).toBe('insufficient');
    // Unstable side.
    expect(compareView([a, { ...b, measurement: { ...b.measurement, stable: false } }]).pairs[0]!.status).toBe('warn');
    // A difference that makes it unfair (another host).
    expect(compareView([a, { ...b, environment: { ...b.environment, hostname: 'elsewhere' } }]).pairs[0]!.status).toBe('warn');
  });

  it('verification: ok only when the SLA held in every trial', () => {
    const doc = Verification.parse(json('test/fixtures/report-verification/verify-tiny-triton.json'));
    expect(verificationView(doc).verdict.status).toBe('warn');
    expect(verificationView({ ...doc, holds: true, held: 3 }).verdict.status).toBe('ok');
  });
});
