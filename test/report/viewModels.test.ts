import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareView } from '../../web/lib/compareView.js';
import { indexView } from '../../web/lib/indexView.js';
import { planView } from '../../web/lib/planView.js';
import { profileView } from '../../web/lib/profileView.js';
import { sweepView } from '../../web/lib/sweepView.js';
import { chartConfig } from '../../web/lib/chartConfig.js';
import { toCsv } from '../../web/lib/csv.js';
import { parseSla } from '../../web/lib/sla.js';
import type { Dataset } from '../../web/lib/types.js';
import { PlanDocument } from '../../src/schema/plan.js';
import { ProfileResultDocument } from '../../src/schema/profileResult.js';
import { SweepResult } from '../../src/schema/sweepResult.js';


/** Golden documents -> view models, exact values. The documents are parsed as the server parses them. */
const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const torchserve = ProfileResultDocument.parse(json('profiles/imported/article-torchserve-g4dn.json'));
const triton = ProfileResultDocument.parse(json('profiles/imported/article-triton-g4dn.json'));
const articlePlan = PlanDocument.parse(json('test/fixtures/report/article-plan.json'));
const unstable = ProfileResultDocument.parse(json('test/fixtures/report/unstable-run.json'));
const sweep = SweepResult.parse(json('test/fixtures/report/sweep.json'));

describe('profileView: the article profiles (imported, version 1 upgraded)', () => {
  it('states the verdict, KPIs and the SLA finding from the summary percentiles', () => {
    const vm = profileView(triton, { sla: { percentile: 'p95', maxLatencyMs: 100 } });
    expect(vm.imported).toBe(true);
    expect(vm.verdict.sentence).toBe('183.0 req/s at p95 98.0 ms on g4dn.xlarge (NVIDIA T4); SLA p95 ≤ 100 ms ✓ met; imported figures: stability not known.');
    // Met, but imported: its stability is not known, so the banner carries no success mark.
    expect(vm.verdict.status).toBe('warn');
    expect(vm.verdict.detected).toEqual([]);
    expect(vm.kpis.find((k) => k.id === 'throughput')).toMatchObject({ value: 183, text: '183.0 req/s' });
    expect(vm.kpis.find((k) => k.id === 'gpu')).toMatchObject({ value: 81, text: '81 %' });
    expect(vm.kpis.find((k) => k.id === 'coldStart')).toMatchObject({ value: 12100, text: '12100 ms' });
    // No histogram in an imported document: the plot falls back to the summary percentiles, and says so.
    expect(vm.distribution.fromSummary).toBe(true);
    expect(vm.charts.distribution.datasets[0]!.data).toEqual([
      { x: 1, y: 0 },
      { x: 2, y: 52 },
      { x: 10, y: 98 },
      { x: 20, y: 98 },
      { x: 100, y: 98 },
    ]);
    expect(vm.distribution.slaSharePct).toBe(100);
    expect(vm.charts.latency.datasets.every((d: { data: unknown[] }) => d.data.length === 0)).toBe(true);
  });

  it('misses the SLA with ✗ and names it', () => {
    const vm = profileView(torchserve, { sla: { percentile: 'p95', maxLatencyMs: 100 } });
    expect(vm.verdict.sentence).toBe('47.0 req/s at p95 340 ms on g4dn.xlarge (NVIDIA T4); SLA p95 ≤ 100 ms ✗ missed; imported figures: stability not known.');
    expect(vm.verdict.slaMet).toBe(false);
    expect(vm.verdict.status).toBe('warn');
    // p50 is 170 ms: only the minimum (0, a filled-in figure) is within 100 ms.
    expect(vm.distribution.slaSharePct).toBe(0);
  });
});

describe('profileView: an unstable run', () => {
  const vm = profileView(unstable, { sla: { percentile: 'p95', maxLatencyMs: 100 } });

  it('detects instability, dropped and failed requests, the stage gap and the warnings, each linked to its chart', () => {
    expect(vm.verdict.status).toBe('warn');
    expect(vm.verdict.detected).toEqual([
      { text: 'Detected an unstable run: throughput varied 40.0% over the last 3 windows', target: 'latency' },
      { text: 'Detected 7 dropped request(s): the load could not be issued on time', target: 'throughput' },
      { text: 'Detected 3 failed request(s)', target: 'failures' },
      { text: 'Detected stage means summing to 36.8 ms, 20.0% below the end-to-end mean 46.0 ms', target: 'stages' },
    ]);
    expect(vm.stages).toMatchObject({ sumMeanMs: 36.8, referenceMeanMs: 46, offByPct: -20, reference: 'end-to-end' });
  });

  it('draws stages in pipeline order with fixed colours', () => {
    expect(vm.stages.rows.map((r: { name: string; colour: string }) => [r.name, r.colour])).toEqual([
      ['deserialize', '#999999'],
      ['preprocess', '#56B4E9'],
      ['infer', '#0072B2'],
    ]);
  });

  it('plots every window over the time it took, the SLA as a dashed line, and says how many windows are over it', () => {
    const latency = vm.charts.latency;
    expect(latency.datasets.map((d: { label: string }) => d.label)).toEqual(['p50', 'p95', 'p99', 'SLA p95 ≤ 100 ms']);
    // Windows of 2 s starting at 2, 4, 6, 8 s: a step line from the first start (2 s) through each
    // window's end (4, 6, 8, 10 s), each step holding that window's value; the axis ends at 10 s.
    expect(latency.datasets[1]!.data).toEqual([
      { x: 2, y: 80 },
      { x: 4, y: 80 },
      { x: 6, y: 85 },
      { x: 8, y: 140 },
      { x: 10, y: 82 },
    ]);
    expect(latency.datasets[1]!.stepped).toBe(true);
    expect(latency.datasets[1]!.dash).toEqual([6, 4]);
    expect(latency.datasets[3]).toMatchObject({ data: [{ x: 2, y: 100 }, { x: 10, y: 100 }], dash: [10, 5], reference: true });
    // Windows are numbered from 1, as the terminal numbers them.
    expect(latency.finding).toBe('p99 per window peaks at 260 ms in window 3; 1 of 4 windows over the SLA p95 ≤ 100 ms.');
    expect(latency.table.rows.map((row) => row.slice(0, 3))).toEqual([
      ['1', '2.0', '4.0'],
      ['2', '4.0', '6.0'],
      ['3', '6.0', '8.0'],
      ['4', '8.0', '10.0'],
    ]);
    const throughput = vm.charts.throughput;
    expect(throughput.datasets[2]!.data.map((p) => (p as { y: number }).y)).toEqual([0, 0, 1, 2.5, 0]);
  });

  it('reads the share within the SLA off the distribution table, and batches as % of batches and requests', () => {
    expect(vm.distribution.fromSummary).toBe(false);
    expect(vm.distribution.slaSharePct).toBe(95);
    expect(vm.charts.distribution.finding).toBe('At least 95% of requests within the SLA p95 ≤ 100 ms; p99 180 ms.');
    expect(vm.charts.batches.datasets.map((d) => d.data)).toEqual([
      [66.67, 33.33],
      [50, 50],
    ]);
  });

  it('keeps hostile names as plain text (the DOM layer renders text nodes only) and in CSV quotes', () => {
    expect(vm.title).toBe('unstable <script>alert(1)</script>');
    expect(vm.subtitle).toBe('</script><img src=x onerror=alert(2)> on c7i.xlarge, cpu');
    expect(toCsv(vm.failures)).toBe('reason,count\r\ninfer: <b>out of memory</b>,3\r\n');
    expect(toCsv({ columns: ['a'], rows: [['x,"y"']] })).toBe('a\r\n"x,""y"""\r\n');
  });

  it('hands chart.js exactly the view model points, undecimated', () => {
    const config = chartConfig(vm.charts.latency);
    expect(config.data.datasets[1]!.data).toBe(vm.charts.latency.datasets[1]!.data);
    expect(config.options.animation).toBe(false);
    expect(config.options.parsing).toBe(false);
  });
});

describe('sweepView', () => {
  const vm = sweepView(sweep);
  it('ranks by capacity at the SLA, misses last, with the verdict ratio', () => {
    expect(vm.verdict).toBe('Of 3 configuration(s) (8 points), batch 8 / 2 ms sustains 183.0 req/s at p95 ≤ 100 ms, 3.89× batch 1.');
    expect(vm.rankedLabels).toEqual(['batch 8 / 2 ms', 'batch 1', 'slow']);
    expect(vm.ranked.rows[2]).toEqual(['3', 'slow', 'maxBatchSize=2', 'none', '180 ms', 'n/a', '✓ yes', '✗ misses by 80.0 ms']);
  });
  it('shows every point, unstable ones hollow, the SLA dashed and the capacity starred', () => {
    const [b8, b1, slow, slaLine, capacity] = vm.charts.capacity.datasets as [Dataset, Dataset, Dataset, Dataset, Dataset];
    expect(b8.data).toEqual([
      { x: 40, y: 25 },
      { x: 120, y: 45 },
      { x: 183, y: 98 },
      { x: 190, y: 160 },
    ]);
    expect(b8.hollow).toEqual([false, false, false, true]);
    expect(b1.data).toHaveLength(3);
    expect(slow.data).toHaveLength(1);
    expect(slaLine).toMatchObject({ data: [{ x: 0, y: 100 }, { x: 190, y: 100 }], dash: [10, 5] });
    expect(capacity.data).toEqual([
      { x: 183, y: 98 },
      { x: 47, y: 90 },
    ]);
  });
});

describe('planView: the article plan', () => {
  const vm = planView(articlePlan);
  it('recommends Triton at $383.98 and carries the comparison sentence', () => {
    expect(vm.recommendation).toBe(
      'Run article-triton-g4dn on 1 × g4dn.xlarge (us-east-1) for $383.98/month static or $383.98/month with scheduled scaling, at p95 ≤ 400 ms (146.4 req/s per instance at 80% utilisation).',
    );
    expect(vm.comparisons).toEqual(['switching from article-torchserve-g4dn to article-triton-g4dn saves $418.98/month (52%)']);
    expect(vm.candidates.rows.map((r: string[]) => [r[1], r[7], r[8]])).toEqual([
      ['article-triton-g4dn', '1', '$383.98'],
      ['article-torchserve-g4dn', '2', '$802.96'],
    ]);
  });
  it('draws the week: 168 hours of demand against capacity, and a 7×24 instance table', () => {
    expect(vm.week.available).toBe(true);
    expect(vm.week.table!.rows).toHaveLength(7);
    expect(vm.week.table!.rows[0]).toEqual(['Mon', ...Array(24).fill('1')]);
    expect(vm.charts.week!.datasets[0]!.data).toHaveLength(168);
    expect(vm.charts.week!.datasets[1]!.data[0]).toEqual({ x: 0, y: 146.4 });
  });
  it('stacks extras on the cost bars: TorchServe $767.96 + $35 logging', () => {
    const cost = vm.charts.cost;
    expect(cost.labels).toEqual(['article-triton-g4dn', 'article-torchserve-g4dn']);
    expect(cost.datasets.map((d) => [d.label, d.data])).toEqual([
      ['static: instances', [383.98, 767.96]],
      ['static: extras', [0, 35]],
      ['scheduled: instances', [383.98, 767.96]],
      ['scheduled: extras', [0, 35]],
    ]);
  });
  it('opens a version-1 plan with the week marked unavailable', () => {
    const v1 = JSON.parse(JSON.stringify(json('test/fixtures/report/article-plan.json'))) as { schemaVersion: number; candidates: Record<string, unknown>[] };
    v1.schemaVersion = 1;
    for (const c of v1.candidates) delete c.hourly;
    const upgraded = planView(PlanDocument.parse(v1));
    expect(upgraded.week.available).toBe(false);
    expect(upgraded.charts.week).toBeUndefined();
  });
});

describe('compareView', () => {
  it('the article pair: A | B | Δ | × | better, untested without windows, with the imported warnings', () => {
    const vm = compareView([torchserve, triton]);
    const pair = vm.pairs[0]!;
    expect(pair.table.columns).toEqual(['figure', 'article-torchserve-g4dn', 'article-triton-g4dn', 'Δ', '×', 'better']);
    expect(pair.table.rows[0]).toEqual(['throughput', '47.0 req/s', '183.0 req/s', '+136.0 req/s (+289.4%)', '3.89×', 'article-triton-g4dn ↑ (no per-window figures: not tested)']);
    expect(pair.table.rows.find((r: string[]) => r[0] === 'p95 latency')).toEqual(['p95 latency', '340.00 ms', '98.00 ms', '-242.00 ms (-71.2%)', '0.29×', 'article-triton-g4dn ↓ (no per-window figures: not tested)']);
    // Imported on both sides: never a success mark.
    expect(pair.status).toBe('warn');
    expect(pair.warnings).toEqual([
      'article-torchserve-g4dn is imported from a publication, not measured by capacity-plan.',
      'article-triton-g4dn is imported from a publication, not measured by capacity-plan.',
    ]);
  });

  it('names a winner only when Welch says significant and the difference is above 5%', () => {
    const withThroughput = (name: string, tps: number[]) => ({
      ...unstable,
      name,
      throughputRps: tps.reduce((x, y) => x + y, 0) / tps.length,
      measurement: { ...unstable.measurement, windows: unstable.measurement.windows.map((w, i) => ({ ...w, throughputRps: tps[i]! })) },
    });
    const a = withThroughput('a', [100, 102, 98, 101]);
    const far = withThroughput('far', [110, 111, 109, 112]);
    const near = withThroughput('near', [103, 101, 99, 104]);
    const [farPair, nearPair] = compareView([a, far, near]).pairs;
    const farRow = farPair!.rows.find((r) => r.id === 'throughput')!;
    expect(farRow.better).toBe('far');
    expect(farRow.verdict?.kind === 'winner' && farRow.verdict.pValue).toBeLessThan(0.05);
    const nearRow = nearPair!.rows.find((r) => r.id === 'throughput')!;
    expect(nearRow.better).toBeNull();
    expect(nearRow.betterText).toMatch(/^within noise \(±\d+\.\d%, p = 0\.\d{3}\)$/);
  });
});

describe('indexView and parseSla', () => {
  it('lists every document with kind, model, instance type, provider, time and verdict', () => {
    const vm = indexView([
      { id: 'triton', doc: triton },
      { id: 'sweep', doc: sweep },
      { id: 'plan', doc: articlePlan },
    ]);
    expect(vm.rows.map((r) => [r.kind, r.href, r.instanceType, r.verdict])).toEqual([
      ['profile-result', '/profile/triton', 'g4dn.xlarge', '183.0 req/s, p95 98.0 ms, imported'],
      ['sweep-result', '/sweep/sweep', 'c7i.xlarge', 'batch 8 / 2 ms: 183.0 req/s at p95 ≤ 100 ms'],
      ['plan', '/plan/plan', 'g4dn.xlarge', 'article-triton-g4dn: 1 × g4dn.xlarge, $383.98/month'],
    ]);
    expect(vm.profileIds).toEqual(['triton']);
  });
  it('parses the CLI grammar of SLAs', () => {
    expect(parseSla('p99<=0.5s')).toEqual({ percentile: 'p99', maxLatencyMs: 500 });
    expect(parseSla('fast')).toBeNull();
  });
});

describe('compareView: the verdict sentence', () => {
  it('names the winner once, with the ratio and how it was judged', () => {
    const vm = compareView([torchserve, triton]);
    expect(vm.pairs[0]!.verdict).toBe('article-triton-g4dn gives 3.89x the throughput of article-torchserve-g4dn (183.0 vs 47.0 req/s, no per-window figures: not tested).');
  });
});

describe('profileView: per-window stages (documents that record them)', () => {
  it('stacks each window\'s stage means in pipeline order, as chart.js stacked areas', () => {
    const withStages = {
      ...unstable,
      measurement: {
        ...unstable.measurement,
        windows: unstable.measurement.windows.map((w, i) => ({
          ...w,
          stages: [
            { ...w.latency, name: 'infer' as const, meanMs: 20 + i, sharePct: 50 },
            { ...w.latency, name: 'preprocess' as const, meanMs: 10, sharePct: 25 },
          ],
        })),
      },
    };
    const vm = profileView(withStages);
    const chart = vm.charts.stagesPerWindow!;
    expect(chart.datasets.map((d) => d.label)).toEqual(['preprocess', 'infer']);
    expect(chart.datasets[1]!.data.map((p) => (p as { y: number }).y)).toEqual([20, 20, 21, 22, 23]);
    expect(chart.finding).toBe('In the last window infer takes the most: 23.0 ms of each request.');
    const config = chartConfig(chart);
    expect(config.options.scales.y.stacked).toBe(true);
    expect(config.data.datasets.map((d) => d.fill)).toEqual(['origin', '-1']);
    // Older documents have no per-window stages: no chart rather than an empty one.
    expect(profileView(unstable).charts.stagesPerWindow).toBeUndefined();
  });
});

describe('compareView: stages with per-window samples', () => {
  it('tests stage means with Welch when both runs record stages per window', () => {
    const measured = (p: string) => ProfileResultDocument.parse(json(`test/fixtures/report-measured/${p}.json`));
    const [a, b] = [measured('torchserve-default'), measured('triton-dynamic')];
    const row = compareView([a, b]).pairs[0]!.rows.find((r) => r.id === 'stage:configLoad')!;
    expect(row.verdict?.kind).toBe('winner');
    expect(row.betterText).toMatch(/^triton-dynamic ↓ \(p = 0\.\d{3}\)$/);
  });
});
