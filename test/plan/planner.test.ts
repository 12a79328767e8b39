import { describe, expect, it } from 'vitest';
import { candidatesFromDocument } from '../../src/plan/candidates.js';
import { explainPlan } from '../../src/plan/explain.js';
import { renderPlan } from '../../src/plan/formatPlan.js';
import { buildPlan, type PlanRequest } from '../../src/plan/planner.js';
import { readPlanDocument } from '../../src/plan/readPlanDocument.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { mergePriceCache } from '../../src/pricing/cache.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { BusinessHoursTraffic, type TrafficModel } from '../../src/schema/traffic.js';
import { InputError, UsageError } from '../../src/util/errors.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { curveCandidate, profileDoc } from '../support/samples.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const snapshot = new PriceBook(snapshotCatalog());
const flat = (rps: number): TrafficModel => BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: rps, offPeakRps: rps });
// 45 business hours at 200 req/s, 75 weekday off-peak hours at 50, 48 weekend hours at 10.
const officeHours = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 200, offPeakRps: 50, weekendRps: 10 });

function request(overrides: Partial<PlanRequest>): PlanRequest {
  const traffic = overrides.traffic ?? flat(60);
  return {
    createdAt: NOW.toISOString(),
    documents: [],
    sla: { percentile: 'p95', maxLatencyMs: 100 },
    utilization: 0.8,
    minInstances: 1,
    region: 'us-east-1',
    traffic,
    demandRps: weeklyDemandRps(traffic, NOW),
    candidates: [],
    prices: snapshot,
    ...overrides,
  };
}

const g5 = curveCandidate('g5-triton', 'g5.xlarge', [[60, 40], [100, 80], [140, 160]]);
const g4dn = curveCandidate('g4dn-triton', 'g4dn.xlarge', [[30, 50], [50, 90], [70, 200]]);

describe('buildPlan: the article figures', () => {
  it('gives 2 x g4dn.xlarge at $802.96 for TorchServe and 1 x at $383.98 for Triton, saving $418.98 (52%)', async () => {
    const paths = ['profiles/imported/article-torchserve-g4dn.json', 'profiles/imported/article-triton-g4dn.json'];
    const docs = await Promise.all(paths.map((p) => readPlanDocument(p, REPO_ROOT)));
    const plan = buildPlan(
      request({
        documents: paths,
        sla: { percentile: 'p95', maxLatencyMs: 400 },
        candidates: docs.flatMap((d) => candidatesFromDocument(d)),
        compare: true,
      }),
    );
    const [triton, torchserve] = plan.candidates;
    // TorchServe: 47 x 0.8 = 37.6 req/s; ceil(60 / 37.6) = 2; 2 x 0.526 x 730 = 767.96; + 35 = 802.96
    expect(torchserve).toMatchObject({ profile: 'article-torchserve-g4dn', peakInstances: 2, usdPerMonthInstances: 767.96, usdPerMonth: 802.96, usdPerMonthScheduled: 802.96, meetsSla: true, rank: 2 });
    // Triton: 183 x 0.8 = 146.4 req/s; ceil(60 / 146.4) = 1; 1 x 0.526 x 730 = 383.98
    expect(triton).toMatchObject({ profile: 'article-triton-g4dn', peakInstances: 1, usdPerMonth: 383.98, usdPerMonthScheduled: 383.98, meetsSla: true, rank: 1 });
    expect(torchserve?.extras).toEqual([{ item: 'request logging to S3', usdPerMonth: 35 }]);
    expect(plan.recommended).toBe('article-triton-g4dn');
    expect(plan.comparison).toEqual([
      {
        from: 'article-torchserve-g4dn',
        to: 'article-triton-g4dn',
        fromUsdPerMonth: 802.96,
        toUsdPerMonth: 383.98,
        savesUsdPerMonth: 418.98,
        savesPct: 52.18,
        toMeetsSla: true,
        sentence: 'switching from article-torchserve-g4dn to article-triton-g4dn saves $418.98/month (52%)',
      },
    ]);
    expect(plan.warnings.filter((w) => w.includes('imported from "Triton vs TorchServe'))).toHaveLength(2);
    expect(plan.warnings.filter((w) => w.includes('single measured point'))).toHaveLength(2);
    expect(plan.prices.used).toEqual([{ kind: 'snapshot', sourceId: 'karpenter-pricing-us-east-1', date: '2026-07-20' }]);
    // 60 req/s x 3600 x 730 = 157.68 M requests; 802.96 / 157.68 = 5.0923
    expect(torchserve?.usdPerMillionRequests).toBe(5.0923);
  });
});

describe('buildPlan: the article figures on SageMaker real-time endpoints', () => {
  const paths = ['profiles/imported/article-torchserve-g4dn.json', 'profiles/imported/article-triton-g4dn.json'];
  const planOn = async (platform: 'sagemaker' | 'both') => {
    const docs = await Promise.all(paths.map((p) => readPlanDocument(p, REPO_ROOT)));
    return buildPlan(
      request({ documents: paths, sla: { percentile: 'p95', maxLatencyMs: 400 }, candidates: docs.flatMap((d) => candidatesFromDocument(d)), compare: true, platform }),
    );
  };

  it('prices the same capacity as ml.g4dn.xlarge: 2 x at $1,075.14 + $35 for TorchServe, 1 x at $537.57 for Triton', async () => {
    const plan = await planOn('sagemaker');
    const [triton, torchserve] = plan.candidates;
    // TorchServe: 47 x 0.8 = 37.6 req/s per instance; ceil(60 / 37.6) = ceil(1.5957) = 2;
    //   2 x 0.7364 x 730 = 1.4728 x 730 = 1075.144 -> $1,075.14; + $35 logging = 1110.144 -> $1,110.14
    expect(torchserve).toMatchObject({
      instanceType: 'ml.g4dn.xlarge',
      platform: 'sagemaker',
      measuredOn: 'g4dn.xlarge',
      usdPerHour: 0.7364,
      peakInstances: 2,
      usdPerMonthInstances: 1075.14,
      usdPerMonth: 1110.14,
      meetsSla: true,
      rank: 2,
    });
    // Triton: 183 x 0.8 = 146.4 req/s; ceil(60 / 146.4) = 1; 1 x 0.7364 x 730 = 537.572 -> $537.57
    expect(triton).toMatchObject({ instanceType: 'ml.g4dn.xlarge', peakInstances: 1, usdPerMonth: 537.57, rank: 1 });
    // 1110.144 - 537.572 = 572.572 -> $572.57; / 1110.144 = 51.58%
    expect(plan.comparison?.[0]).toMatchObject({ savesUsdPerMonth: 572.57, savesPct: 51.58 });
    expect(plan.inputs.platform).toBe('sagemaker');
    expect(plan.prices.used).toEqual([{ kind: 'snapshot', sourceId: 'fmbench-pricing-yml', date: '2025-01-26' }]);
    expect(plan.prices.statement).toBe(
      'SageMaker real-time endpoint (Hosting) On-Demand prices for us-east-1 from embedded snapshot (fmbench-pricing-yml, 2025-01-26); month = 730 h',
    );
    expect(plan.warnings).toContain(
      "article-torchserve-g4dn: measured on g4dn.xlarge and priced as ml.g4dn.xlarge, the same hardware behind a SageMaker real-time endpoint; SageMaker's own per-request overhead (its OverheadLatency metric) is not in these figures",
    );
    expect(renderPlan(plan)).toContain('Recommended: article-triton-g4dn on SageMaker real-time endpoints: 1 x ml.g4dn.xlarge in us-east-1, $537.57/month static');
    expect(renderPlan(plan)).toMatch(/^Plan for .* on SageMaker real-time endpoints in us-east-1/);
    expect(explainPlan(plan).join('\n')).toContain('instances = 2 x $0.7364/h x 730 h = $1,075.14/month');
  });

  it('--platform both ranks each candidate on either platform side by side', async () => {
    const plan = await planOn('both');
    expect(plan.candidates.map((c) => [c.id, c.instanceType, c.usdPerMonth])).toEqual([
      ['article-triton-g4dn@ec2', 'g4dn.xlarge', 383.98],
      ['article-triton-g4dn@sagemaker', 'ml.g4dn.xlarge', 537.57],
      ['article-torchserve-g4dn@ec2', 'g4dn.xlarge', 802.96],
      ['article-torchserve-g4dn@sagemaker', 'ml.g4dn.xlarge', 1110.14],
    ]);
    expect(plan.recommended).toBe('article-triton-g4dn@ec2');
    // Triton: 537.57 - 383.98 = 153.59 (+40%); TorchServe: 1110.14 - 802.96 = 307.18 (+38%)
    expect(plan.platformComparison?.map((p) => [p.ec2, p.sagemaker, p.differenceUsdPerMonth])).toEqual([
      ['article-torchserve-g4dn@ec2', 'article-torchserve-g4dn@sagemaker', 307.18],
      ['article-triton-g4dn@ec2', 'article-triton-g4dn@sagemaker', 153.59],
    ]);
    expect(renderPlan(plan)).toContain(
      'article-triton-g4dn on SageMaker real-time endpoints costs $153.59/month more than on EC2 (+40%): 1 x ml.g4dn.xlarge against 1 x g4dn.xlarge',
    );
    expect(renderPlan(plan)).toContain('Recommended: article-triton-g4dn@ec2 on EC2: 1 x g4dn.xlarge in us-east-1, $383.98/month static');
    expect(plan.prices.statement).toBe(
      'On-Demand Linux prices for us-east-1 from embedded snapshot (karpenter-pricing-us-east-1, 2026-07-20); ' +
        'SageMaker real-time endpoint (Hosting) On-Demand prices for us-east-1 from embedded snapshot (fmbench-pricing-yml, 2025-01-26); month = 730 h',
    );
  });

  it('a type with no SageMaker price: an error alone, a warning beside EC2', async () => {
    const g6 = curveCandidate('g6-triton', 'g6.xlarge', [[60, 40]]);
    expect(() => buildPlan(request({ candidates: [g6], platform: 'sagemaker' }))).toThrow(
      /no SageMaker Hosting price for ml.g6.xlarge in us-east-1 in the embedded snapshot/,
    );
    const both = buildPlan(request({ candidates: [g6], platform: 'both' }));
    expect(both.candidates.map((c) => c.id)).toEqual(['g6-triton@ec2']);
    expect(both.warnings.some((w) => w.includes("no SageMaker Hosting price for ml.g6.xlarge") && w.includes('prices refresh --platform sagemaker --region us-east-1 --instance-types ml.g6.xlarge'))).toBe(true);
  });
});

describe('buildPlan: static fleet against scheduled scaling', () => {
  const plan = buildPlan(request({ traffic: officeHours, demandRps: weeklyDemandRps(officeHours, NOW), candidates: [g5, g4dn] }));
  const byId = Object.fromEntries(plan.candidates.map((c) => [c.id, c]));

  it('sizes each candidate from the highest curve point that meets the SLA', () => {
    expect(byId['g5-triton']?.capacity).toEqual({ from: 'sweep-curve', percentile: 'p95', latencyMs: 80, throughputRps: 100, utilization: 0.8, perInstanceRps: 80 });
    expect(byId['g4dn-triton']?.capacity.perInstanceRps).toBe(40);
  });

  it('costs the static fleet at peak and the schedule hour by hour (worked by hand)', () => {
    // g5: ceil(200/80) = 3 at peak, 1 otherwise: 45 x 3 + 123 x 1 = 258 instance-hours a week
    expect(byId['g5-triton']).toMatchObject({
      peakInstances: 3,
      scheduledInstances: { min: 1, max: 3, mean: 1.5357 },
      usdPerMonth: 2203.14, // 3 x 1.006 x 730
      usdPerMonthScheduled: 1127.8, // 258 / 168 x 1.006 x 730 = 1127.7979
    });
    // g4dn: ceil(200/40) = 5, ceil(50/40) = 2, weekends 1: 45 x 5 + 75 x 2 + 48 x 1 = 423
    expect(byId['g4dn-triton']).toMatchObject({
      peakInstances: 5,
      usdPerMonth: 1919.9, // 5 x 0.526 x 730
      usdPerMonthScheduled: 966.81, // 423 / 168 x 0.526 x 730 = 966.8068
    });
    // mean demand (45 x 200 + 75 x 50 + 48 x 10) / 168 = 78.75 req/s -> 206.955 M requests a month
    expect(plan.inputs.traffic.requestsPerMonth).toBeCloseTo(206_955_000, 3);
    expect(byId['g4dn-triton']?.usdPerMillionRequests).toBe(9.2769); // 1919.90 / 206.955
  });

  it('ranks by static monthly cost among candidates that meet the SLA', () => {
    expect(plan.candidates.map((c) => [c.id, c.rank])).toEqual([['g4dn-triton', 1], ['g5-triton', 2]]);
    expect(plan.recommended).toBe('g4dn-triton');
  });

  it('notes the profiled cold start when scheduled scaling steps up', () => {
    expect(plan.warnings).toContain(
      'g5-triton: scheduled scaling must start instances ahead of each step up: the profiled cold start is 8.0 s (model load), plus EC2 launch time not measured here',
    );
    expect(plan.warnings.some((w) => w.includes('single measured point'))).toBe(false);
  });

  it('adds and itemises extra monthly costs, which can change the ranking', () => {
    const withLogging = { ...g4dn, extras: [{ item: 'request logging to S3', usdPerMonth: 300 }] };
    const p = buildPlan(request({ traffic: officeHours, demandRps: weeklyDemandRps(officeHours, NOW), candidates: [g5, withLogging] }));
    expect(p.candidates.map((c) => c.id)).toEqual(['g5-triton', 'g4dn-triton']);
    expect(p.candidates[1]).toMatchObject({ usdPerMonthInstances: 1919.9, extrasUsdPerMonth: 300, usdPerMonth: 2219.9, usdPerMonthScheduled: 1266.81 });
  });
});

describe('buildPlan: when nothing meets the SLA', () => {
  it('shows the closest candidate and by how much it misses', () => {
    const plan = buildPlan(request({ sla: { percentile: 'p95', maxLatencyMs: 30 }, candidates: [g4dn, g5] }));
    expect(plan.recommended).toBeNull();
    // g5's best point is 40 ms (10 ms, 33.33% over); g4dn's is 50 ms (20 ms over)
    expect(plan.closest).toEqual({ id: 'g5-triton', byMs: 10, byPct: 33.33 });
    expect(plan.candidates.map((c) => [c.id, c.meetsSla, c.slaMiss?.byMs])).toEqual([['g5-triton', false, 10], ['g4dn-triton', false, 20]]);
  });

  it('puts candidates that meet the SLA before cheaper ones that do not', () => {
    const cheapButSlow = curveCandidate('cheap', 'g4dn.xlarge', [[1000, 500]]);
    const plan = buildPlan(request({ candidates: [cheapButSlow, g5] }));
    expect(plan.candidates.map((c) => [c.id, c.meetsSla])).toEqual([['g5-triton', true], ['cheap', false]]);
  });

  it('says when switching costs more, and that the target misses the SLA', () => {
    // slow: 1 x 0.526 x 730 = 383.98; g5: ceil(60/80) = 1 x 1.006 x 730 = 734.38; 350.40 is 91% of 383.98, 48% of 734.38
    const slow = { ...curveCandidate('slow', 'g4dn.xlarge', [[1000, 500]]), document: 'slow.json' };
    const fast = { ...g5, document: 'fast.json' };
    const plan = buildPlan(request({ documents: ['slow.json', 'fast.json'], candidates: [slow, fast], compare: true }));
    expect(plan.comparison?.[0]?.sentence).toBe('switching from slow to g5-triton costs $350.40/month more (91%)');
    const reverse = buildPlan(request({ documents: ['fast.json', 'slow.json'], candidates: [slow, fast], compare: true }));
    expect(reverse.comparison?.[0]?.sentence).toBe('switching from g5-triton to slow saves $350.40/month (48%), but slow misses the SLA by 400 ms');
  });
});

describe('buildPlan: prices', () => {
  it('uses the live cache over the snapshot and says so', () => {
    const cache = mergePriceCache(undefined, [{ region: 'us-east-1', instanceType: 'g4dn.xlarge', usdPerHour: 0.6, fetchedAt: '2026-11-23T10:00:00.000Z' }]);
    const plan = buildPlan(request({ candidates: [g4dn], prices: new PriceBook(snapshotCatalog(), cache) }));
    // ceil(60/40) = 2 x 0.6 x 730 = 876
    expect(plan.candidates[0]).toMatchObject({ usdPerHour: 0.6, usdPerMonth: 876, price: { kind: 'cache', fetchedAt: '2026-11-23T10:00:00.000Z' } });
    expect(plan.prices.statement).toContain('live Price List cache, fetched 2026-11-23T10:00:00.000Z');
  });

  it('rejects an unknown region, an unknown instance type and a type with no price in the region', () => {
    expect(() => buildPlan(request({ region: 'xx-nowhere-1', candidates: [g4dn] }))).toThrow(UsageError);
    expect(() => buildPlan(request({ candidates: [curveCandidate('x', 'g9z.huge', [[10, 10]])] }))).toThrow(/unknown instance type 'g9z.huge'/);
    expect(() => buildPlan(request({ region: 'eu-west-1', candidates: [curveCandidate('x', 'g6.xlarge', [[10, 10]])] }))).toThrow(InputError);
  });
});

describe('candidates from documents', () => {
  it('takes one candidate per sweep configuration, sized from its curve', () => {
    const spec = ProfileSpec.parse({});
    const pt = (throughputRps: number, p95Ms: number) => ({ offered: { kind: 'concurrency' as const, value: 8 }, throughputRps, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 2, stable: true, meetsSla: true });
    const sweep = SweepResult.parse({
      schemaVersion: 1,
      kind: 'sweep-result',
      name: 'resnet-sweep',
      createdAt: NOW.toISOString(),
      sla: { percentile: 'p95', maxLatencyMs: 100 },
      environment: ProfileResult.shape.environment.parse(profileDoc({ name: 'x' }).environment),
      configurations: [
        { label: 'batch-4', params: { maxBatchSize: 4 }, spec, points: [pt(100, 40), pt(150, 90)], maxThroughputAtSlaRps: 150 },
        { label: 'batch-16', params: { maxBatchSize: 16 }, spec, points: [pt(120, 60), pt(260, 95), pt(300, 180)], maxThroughputAtSlaRps: 260 },
      ],
      coldStartMs: 9000,
    });
    const candidates = candidatesFromDocument({ kind: 'sweep-result', path: 'sweep.json', doc: sweep });
    const plan = buildPlan(request({ candidates, sla: { percentile: 'p90', maxLatencyMs: 100 } }));
    expect(plan.candidates.map((c) => [c.id, c.capacity.throughputRps, c.configuration])).toEqual([
      ['resnet-sweep/batch-16', 260, 'batch-16'],
      ['resnet-sweep/batch-4', 150, 'batch-4'],
    ]);
    expect(plan.warnings).toContain('resnet-sweep/batch-16: p90 was not measured; p95 (never lower) stands in for it');
  });

  it('takes the instance type from the document, else from --instance-type, else asks for it', () => {
    const bare = ProfileResult.parse(profileDoc({ name: 'bare' }));
    delete bare.environment.instanceType;
    const d = { kind: 'profile-result' as const, path: 'bare.json', doc: bare };
    expect(candidatesFromDocument(d, 'g5.2xlarge')[0]).toMatchObject({ instanceType: 'g5.2xlarge', instanceTypeField: '--instance-type' });
    expect(() => candidatesFromDocument(d)).toThrow(/profile 'bare.json': environment.instanceType is not recorded/);
    const ec2 = ProfileResult.parse(profileDoc({ name: 'ec2' }));
    ec2.environment = { ...ec2.environment, instanceType: undefined, ec2: { instanceType: 'inf2.xlarge' } };
    expect(candidatesFromDocument({ kind: 'profile-result', path: 'e.json', doc: ec2 })[0]?.instanceType).toBe('inf2.xlarge');
  });
});

describe('explainPlan', () => {
  it('shows each step of the arithmetic', () => {
    const plan = buildPlan(request({ candidates: [{ ...g4dn, extras: [{ item: 'request logging to S3', usdPerMonth: 35 }] }] }));
    const text = explainPlan(plan).join('\n');
    expect(text).toContain('requests per month = 60 req/s x 3600 s x 730 h = 157.68 M');
    expect(text).toContain('capacity per instance = 50 req/s x 0.8 = 40 req/s');
    expect(text).toContain('static fleet = max(1, ceil(60 / 40)) = max(1, ceil(1.5)) = 2 instance(s)');
    expect(text).toContain('instances = 2 x $0.526/h x 730 h = $767.96/month');
    expect(text).toContain('static total = $767.96 + request logging to S3 $35.00 = $802.96/month');
  });
});
