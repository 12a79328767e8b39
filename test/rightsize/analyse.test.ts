import { describe, expect, it } from 'vitest';
import { percentile99 } from '../../src/rightsize/analyse.js';
import type { Findings } from '../../src/schema/findings.js';
import { renderFindings } from '../../src/rightsize/formatFindings.js';
import { analyseScenario, ARTICLE, fleet, IO_BOUND, NO_GPU_METRICS, OVER, TRITON, type Scenario } from './syntheticFleets.js';

const kinds = (f: Findings): string[] => f.findings.map((x) => `${x.finding}:${x.reasonCodes.join('+')}`);
const one = (f: Findings, kind: string) => {
  const found = f.findings.filter((x) => x.finding === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('analyseFleet on seeded synthetic fleets (expected findings worked by hand)', () => {
  it("the article's fleet: 2 x g4dn.xlarge at 47 req/s capacity carry a 60 req/s peak, right-sized", async () => {
    const f = await analyseScenario(ARTICLE);
    // Per instance: 47 x 0.8 = 37.6 req/s.
    // Peak hours: ceil(60 / 37.6) = ceil(1.596) = 2; off-peak: ceil(20 / 37.6) = 1, HA floor 2 -> 2.
    // Running 2 in every hour: nothing to save, nothing missing.
    expect(f.capacity.perInstanceRps).toBe(37.6);
    expect(f.summary).toMatchObject({ runningInstances: 2, peakDemandRps: 60, neededInstances: 2, staticSavingsUsdPerMonth: 0, scheduledSavingsUsdPerMonth: 0 });
    expect(f.summary.verdict).toBe('2 × g4dn.xlarge carry a peak of 60 req/s; 2 are needed at p95 ≤ 400 ms: the count is right');
    // GPU memory: 2400 / 15360 MiB = 15.6% < 40%. p95 300 ms < 400 ms: no SLA finding; 30 req/s per
    // instance is inside 47 +- 25%, and latency held, so no drift either.
    expect(kinds(f)).toEqual(['GPU_MEMORY_HEADROOM:GPUMemoryOverprovisioned']);
    expect(one(f, 'GPU_MEMORY_HEADROOM').evidence.figures.maxGpuMemoryPct).toBe(15.6);
    expect(f.weekly.recommendedInstances.every((n) => n === 2)).toBe(true);
    // Monday 09:00 UTC is hour-of-week 9.
    expect(f.weekly.peakRps[9]).toBe(60);
    expect(f.weekly.peakRps[8]).toBe(20);
  });

  it('the same traffic against the Triton profile with no HA floor: one instance, the article\'s $384/month saved', async () => {
    const f = await analyseScenario({
      ...ARTICLE,
      latencyMs: { peak: 60, offPeak: 50 },
      fleet: fleet({ capacity: TRITON, sla: 'p95<=100ms', minInstances: 1 }),
    });
    // 183 x 0.8 = 146.4 per instance; ceil(60 / 146.4) = 1; (2 - 1) x $0.526 x 730 h = $383.98.
    expect(f.summary.neededInstances).toBe(1);
    expect(one(f, 'OVER_PROVISIONED').estimatedMonthlySavings.value).toBe(383.98);
  });

  it('an over-provisioned fleet: 4 carry 95 req/s where 2 suffice (the issue\'s verdict)', async () => {
    const f = await analyseScenario(OVER);
    // 183 x 0.8 = 146.4 per instance; ceil(95 / 146.4) = 1 < HA floor 2 -> 2 "with the HA floor".
    // Saving: (4 - 2) x $0.526 x 730 = $767.96 a month, in every hour, so scheduled = static.
    expect(f.summary.verdict).toBe('4 × g4dn.xlarge carry a peak of 95 req/s; 2 suffice at p95 ≤ 100 ms with the HA floor, saving $767.96/month');
    // GPU peaked at 12% < half the profiled 81%: Compute Optimizer's GPUOverprovisioned too.
    expect(kinds(f)).toEqual(['OVER_PROVISIONED:CapacityOverprovisioned+GPUOverprovisioned']);
    const over = one(f, 'OVER_PROVISIONED');
    expect(over.estimatedMonthlySavings).toEqual({ currency: 'USD', value: 767.96 });
    expect(over.evidence.hourCount).toBe(168);
    // After the change the peak loads 95 / (2 x 183) = 26% of raw capacity: risk 0.
    expect(over.evidence.figures.loadOfCapacityAfter).toBe(0.26);
    expect(over.risk).toBe(0);
  });

  it('an I/O-bound fleet: p95 over the SLA at half capacity with the GPU near idle', async () => {
    const f = await analyseScenario(IO_BOUND);
    // Peak: 300 / 3 = 100 req/s per instance < 183. The profile ran its GPU at 81% for 183 req/s,
    // so at 100 req/s expect 81 x 100 / 183 = 44.3%; observed 15% < half of that (22.1%) -> IO_BOUND
    // in all 45 business hours, where p95 is 250 ms > 100 ms (SLA_AT_RISK, 45 / 168 = 26.8% of hours:
    // risk 4). Latency broke at 100 < 0.75 x 183 = 137.25 req/s: the profile overstates capacity.
    expect(kinds(f)).toEqual([
      'SLA_AT_RISK:LatencySLABreached',
      'IO_BOUND:GPUIdleLatencyHigh',
      'PROFILE_DRIFT:ProfileOverstatesCapacity',
      'OVER_PROVISIONED:OffPeakOverprovisioned',
    ]);
    const io = one(f, 'IO_BOUND');
    expect(io.evidence.hourCount).toBe(45);
    expect(io.evidence.figures).toMatchObject({ demandPerInstanceRps: 100, gpuUtilPct: 15, expectedGpuUtilPct: 44.3, latencyMs: 250 });
    expect(io.recommendation).toMatch(/stage breakdown/);
    expect(one(f, 'SLA_AT_RISK')).toMatchObject({ risk: 4, evidence: { hourCount: 45, figures: { shareOfHours: 0.268 } } });
    // The peak needs ceil(300 / 146.4) = 3 = running; the 123 off-peak hours need
    // ceil(100 / 146.4) = 1 -> floor 2: one spare instance 123 of 168 hours:
    // 123 / 168 x $383.98 = $281.13. Risk: 300 / (3 x 183) = 55% load -> 1, +1 for the SLA trouble.
    expect(f.summary).toMatchObject({ neededInstances: 3, staticSavingsUsdPerMonth: 0, scheduledSavingsUsdPerMonth: 281.13 });
    expect(one(f, 'OVER_PROVISIONED')).toMatchObject({ estimatedMonthlySavings: { value: 281.13 }, risk: 2 });
    expect(f.summary.verdict).toContain('(but see SLA_AT_RISK, IO_BOUND)');
  });

  it('a fleet without GPU metrics: INSUFFICIENT_DATA names each missing metric and its fix', async () => {
    const f = await analyseScenario(NO_GPU_METRICS);
    expect(kinds(f)).toEqual(['INSUFFICIENT_DATA:GroupMetricsDisabled', 'INSUFFICIENT_DATA:GPUMetricsMissing']);
    const gpu = f.findings[1]!;
    expect(gpu.summary).toContain('CWAgent nvidia_smi_utilization_gpu, CWAgent nvidia_smi_memory_used');
    expect(gpu.recommendation).toMatch(/CloudWatch agent with metrics_collected.nvidia_gpu/);
    expect(f.findings[0]!.recommendation).toBe(
      'enable group metrics: aws autoscaling enable-metrics-collection --auto-scaling-group-name defect-asg --granularity 1Minute',
    );
    // Instances fall back to the ALB's HealthyHostCount: still 2, so the count can be judged:
    // ceil(120 / 146.4) = 1 -> HA floor 2.
    expect(f.warnings.some((w) => w.includes('healthy hosts instead'))).toBe(true);
    expect(f.summary.verdict).toBe('2 × g4dn.xlarge carry a peak of 120 req/s; 2 are needed at p95 ≤ 100 ms with the HA floor: the count is right');
  });

  it('an under-provisioned fleet: the article\'s two instances at a 90 req/s peak', async () => {
    const f = await analyseScenario({ ...ARTICLE, peakRps: 90 });
    // ceil(90 / 37.6) = ceil(2.39) = 3 > 2 running in the 45 business hours; the peak loads
    // 90 / (2 x 47) = 95.7% of raw capacity (<= 100%: risk 3). A third instance all month: -$383.98.
    const under = one(f, 'UNDER_PROVISIONED');
    expect(under).toMatchObject({ risk: 3, estimatedMonthlySavings: { value: -383.98 }, evidence: { hourCount: 45 } });
    expect(under.evidence.figures.loadOfCapacity).toBe(0.957);
    expect(f.summary.verdict).toBe('2 × g4dn.xlarge carry a peak of 90 req/s; 3 are needed at p95 ≤ 400 ms (but see UNDER_PROVISIONED)');
  });

  it('an idle fleet: no requests outside business hours, none all weekend', async () => {
    // The window ends Monday 2026-11-09 00:00, so the longest run without a request is Friday
    // 18:00 to Sunday 24:00: 6 + 48 = 54 hours. Savings: the 2 instances for those hours,
    // 2 x 54 / 168 x $383.98 = $246.84.
    const f = await analyseScenario({ ...OVER, offPeakRps: 0, instances: 2 });
    const idle = one(f, 'IDLE');
    expect(idle.evidence.figures).toMatchObject({ idleHours: 54, from: '2026-11-06T18:00:00.000Z' });
    expect(idle.estimatedMonthlySavings.value).toBe(246.84);
  });

  it('a saturated GPU: 95% busy with p95 at 90 ms of a 100 ms SLA', async () => {
    // 2 x Triton at a 280 req/s peak: ceil(280 / 146.4) = 2 = running, 140 req/s each (inside
    // 183 +- 25%, and within the SLA): only the GPU warns, in the 45 business hours.
    const f = await analyseScenario({ ...OVER, instances: 2, peakRps: 280, latencyMs: { peak: 90, offPeak: 50 }, gpuUtilPct: { peak: 95, offPeak: 40 } });
    expect(kinds(f)).toEqual(['GPU_SATURATED:GPUUnderprovisioned']);
    expect(one(f, 'GPU_SATURATED')).toMatchObject({ risk: 3, evidence: { hourCount: 45, figures: { gpuUtilPct: 95, latencyMs: 90 } } });
  });

  it('profile drift: instances carry far more than the profile said, within the SLA', async () => {
    // TorchServe profile: 47 req/s. The fleet's 2 instances carry 150 req/s, 75 each, with p95
    // 300 ms <= 400 ms: 75 > 1.25 x 47 = 58.75, so the profile understates capacity (+60%). By the
    // profile, ceil(150 / 37.6) = 4 are needed: UNDER_PROVISIONED at 150 / (2 x 47) = 160% of
    // capacity (risk 4); re-running the sweep is what settles which figure is right.
    const f = await analyseScenario({ ...ARTICLE, peakRps: 150 });
    expect(kinds(f)).toEqual(['UNDER_PROVISIONED:CapacityUnderprovisioned', 'PROFILE_DRIFT:ProfileUnderstatesCapacity', 'GPU_MEMORY_HEADROOM:GPUMemoryOverprovisioned']);
    expect(one(f, 'PROFILE_DRIFT').evidence.figures).toMatchObject({ observedPerInstanceRps: 75, profiledRps: 47 });
    expect(one(f, 'PROFILE_DRIFT').summary).toContain('60% above the profiled 47 req/s');
    expect(one(f, 'UNDER_PROVISIONED')).toMatchObject({ risk: 4, evidence: { figures: { neededInstances: 4, loadOfCapacity: 1.596 } } });
  });

  it('no demand datapoints at all: INSUFFICIENT_DATA, and no saving is invented from zero demand', async () => {
    const f = await analyseScenario({ ...OVER, peakRps: 0, offPeakRps: 0 });
    expect(kinds(f)).toEqual(['INSUFFICIENT_DATA:DemandMetricMissing', 'INSUFFICIENT_DATA:LatencyMetricMissing']);
    expect(f.summary).toMatchObject({ staticSavingsUsdPerMonth: 0, scheduledSavingsUsdPerMonth: 0, runningInstances: 4 });
    expect(f.summary.verdict).toBe('4 × g4dn.xlarge running, but no demand data: nothing can be sized (see INSUFFICIENT_DATA)');
  });

  it('a SageMaker variant: instances from Invocations / InvocationsPerInstance, kept through hours without requests', async () => {
    // 3 instances, 100 req/s in business hours and none otherwise: InvocationsPerInstance has no
    // datapoint at night, so those hours keep the count of the hours around them (3). The peak needs
    // max(2, ceil(100 / 146.4)) = 2: one spare all week, (3 - 2) x $383.98 = $383.98.
    const f = await analyseScenario({
      ...OVER,
      fleet: fleet({ capacity: TRITON, sla: 'p95<=100ms', source: { kind: 'sagemaker', endpointName: 'defect', variantName: 'AllTraffic' } }),
      instances: 3,
      peakRps: 100,
      offPeakRps: 0,
      gpuUtilPct: { peak: 30, offPeak: 0 },
      gpuMemoryUsedMiB: 9216,
    });
    expect(f.window.instancesFrom).toBe('Invocations / InvocationsPerInstance');
    expect(f.hours.every((h) => h.runningInstances === 3)).toBe(true);
    expect(f.summary).toMatchObject({ runningInstances: 3, neededInstances: 2, staticSavingsUsdPerMonth: 383.98 });
    expect(f.findings.map((x) => x.finding)).toEqual(['OVER_PROVISIONED', 'IDLE']);
  });

  it('--peak p99 damps a one-minute spike that --peak max sizes for', async () => {
    // Noise 0.5 with a level of 300 req/s: each hour's max is exactly 300 (minute 30), the p99 of
    // its 60 minutes interpolates between the two highest and lands below it.
    const scenario = { ...OVER, peakRps: 300, noise: 0.5 };
    const max = await analyseScenario(scenario, 'max');
    const p99 = await analyseScenario(scenario, 'p99');
    expect(max.summary.peakDemandRps).toBe(300);
    expect(p99.summary.peakDemandRps).toBeLessThan(300);
    expect(p99.window.peakStat).toBe('p99');
  });
});

describe('percentile99', () => {
  it('interpolates between the two highest of an hour\'s minutes', () => {
    // 60 minutes: rank 0.99 x 59 = 58.41, between the 59th (index 58) and 60th values:
    // 280 + (300 - 280) x 0.41 = 288.2.
    expect(percentile99(300, 280, 60)).toBeCloseTo(288.2, 10);
    expect(percentile99(300, 0, 1)).toBe(300);
    // Two values: rank 0.99 -> 0.99 of the way from the lower to the higher.
    expect(percentile99(10, 0, 2)).toBeCloseTo(9.9, 10);
  });
});

describe('analyseFleet against a capacity with an interval (a version-3 sweep)', () => {
  // The sweep: capacity 41.2 req/s, 90% interval 36.5–45; at the fleet's 80% utilisation one
  // instance carries 36.5 x 0.8 = 29.2 req/s on the lower end and 45 x 0.8 = 36 on the upper.
  // Two g4dn.xlarge by default (HA floor 2), p95 <= 100 ms, latency well within it.
  const V3 = 'test/fixtures/sweep/tiny-interval-v3.json';
  const base: Scenario = {
    fleet: fleet({ capacity: V3, sla: 'p95<=100ms' }),
    peakRps: 65,
    offPeakRps: 20,
    instances: 2,
    latencyMs: { peak: 60, offPeak: 40 },
  };
  const overUnder = (f: Findings) => f.findings.filter((x) => x.finding === 'OVER_PROVISIONED' || x.finding === 'UNDER_PROVISIONED').map((x) => x.finding);

  it('states the interval and plans on its lower end', async () => {
    const f = await analyseScenario(base);
    expect(f.capacity).toMatchObject({ throughputRps: 36.5, perInstanceRps: 29.2, interval: { estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90 } });
    expect(renderFindings(f)).toContain('(tiny-triton/default, test/fixtures/sweep/tiny-interval-v3.json), the lower end of its 90% capacity interval 36.5–45 req/s (estimate 41.2); planned at 80% = 29.2 req/s');
  });

  it('demand per instance inside the interval: no finding, "within the capacity interval"', async () => {
    // 65 / 2 = 32.5 req/s per instance, between 29.2 and 36: on the lower end ceil(65 / 29.2 = 2.23) = 3 would be
    // needed, on the upper ceil(65 / 36 = 1.81) = 2 = running. The measurement cannot call 2 short.
    const f = await analyseScenario(base);
    expect(overUnder(f)).toEqual([]);
    expect(f.summary.verdict).toBe(
      '2 × g4dn.xlarge carry a peak of 65 req/s: 32.5 req/s per instance at the peak, within the capacity interval (29.2–36 req/s per instance at 80% of the 90% interval 36.5–45 req/s, estimate 41.2); 3 are needed on its lower end, so this count may be short',
    );
  });

  it('demand per instance above the interval: UNDER_PROVISIONED, stating the interval', async () => {
    // 80 / 2 = 40 req/s per instance > 36: even the upper end needs ceil(80 / 36 = 2.22) = 3 in the 45 business hours.
    const f = await analyseScenario({ ...base, peakRps: 80 });
    expect(overUnder(f)).toEqual(['UNDER_PROVISIONED']);
    const under = one(f, 'UNDER_PROVISIONED');
    expect(under.evidence.hourCount).toBe(45);
    expect(under.summary).toContain("and above the capacity interval's upper end (45 req/s each; 90% interval 36.5–45 req/s, estimate 41.2)");
  });

  it('demand per instance below the interval: OVER_PROVISIONED, sized on the lower end', async () => {
    // 4 running for a 50 req/s peak: 12.5 req/s per instance < 29.2. ceil(50 / 29.2 = 1.71) = 2 suffice;
    // (4 - 2) x $0.526 x 730 = $767.96 a month.
    const f = await analyseScenario({ ...base, peakRps: 50, instances: 4 });
    expect(overUnder(f)).toEqual(['OVER_PROVISIONED']);
    const over = one(f, 'OVER_PROVISIONED');
    expect(over.estimatedMonthlySavings.value).toBe(767.96);
    expect(over.summary).toContain("even on the capacity interval's lower end (36.5 req/s each; 90% interval 36.5–45 req/s, estimate 41.2)");
  });

  it('the lower end\'s own count: the count is right, with no claim about the interval', async () => {
    // 3 running for a flat 65: 21.7 per instance is under 29.2, yet 3 = ceil(65 / 29.2) and 2 would carry
    // 32.5 each, inside the interval: nothing to remove, and 21.7 is not "within" it, so the verdict does not say so.
    const f = await analyseScenario({ ...base, offPeakRps: 65, instances: 3 });
    expect(overUnder(f)).toEqual([]);
    expect(f.summary.verdict).toBe('3 × g4dn.xlarge carry a peak of 65 req/s; 3 are needed at p95 ≤ 100 ms: the count is right');
  });

  it('an old (version 2) sweep document still works, without an interval', async () => {
    const f = await analyseScenario({ ...ARTICLE });
    expect(f.capacity.interval).toBeUndefined();
  });
});
