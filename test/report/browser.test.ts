import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Findings } from '../../src/schema/findings.js';
import { findingsEvidence } from '../../src/schema/findingsText.js';
import { compareProfiles } from '../../src/schema/profileComparison.js';
import { ProfileResultDocument } from '../../src/schema/profileResult.js';
import { loadDocuments } from '../../src/server/report/documentStore.js';
import { renderReportHtml } from '../../src/server/report/exportHtml.js';
import { DocumentStore } from '../../src/server/report/documentStore.js';
import { LiveRunHub } from '../../src/server/report/liveRuns.js';
import { startReportServer, type ReportServer } from '../../src/server/report/server.js';
import { fakeSource } from './fakeSource.js';
import { chartData, launch, ready, requireChromiumOrSkip, watchedPage, type WatchedPage } from './browserHarness.js';

/**
 * The pages in Chromium: the charts hold exactly the documents' numbers, nothing is fetched off
 * loopback, no console or page error, hostile names stay text, and the exported file draws the
 * same data offline. With CAPACITY_PLAN_SCREENSHOTS=<dir> it also writes the README's screenshots.
 */
// The page functions run in the browser; this file is typechecked without the DOM library.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Canvas = any;

const run = requireChromiumOrSkip();
const SCREENSHOTS = process.env.CAPACITY_PLAN_SCREENSHOTS;
const FIXTURES = ['profiles/imported', 'test/fixtures/report', 'test/fixtures/report-measured', 'test/fixtures/report-verification', 'test/fixtures/report-findings'];
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe.runIf(run)('report pages in Chromium', () => {
  let browser: Browser;
  let server: ReportServer;
  let w: WatchedPage;
  let dir: string;

  beforeAll(async () => {
    const { store } = await loadDocuments(FIXTURES, process.cwd());
    server = await startReportServer({ store, host: '127.0.0.1', port: 0, sla: { percentile: 'p99', maxLatencyMs: 250 } });
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'cp-browser-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, options: { offline?: boolean } = {}): Promise<WatchedPage> {
    w = await watchedPage(browser, options);
    await w.page.goto(path.startsWith('file:') ? path : new URL(path, server.url).href);
    await ready(w.page);
    return w;
  }

  async function finish(shot?: string): Promise<void> {
    if (SCREENSHOTS && shot) {
      mkdirSync(resolve(SCREENSHOTS), { recursive: true });
      await w.page.screenshot({ path: join(resolve(SCREENSHOTS), `${shot}.png`), fullPage: false });
    }
    await w.context.close();
    expect(w.problems).toEqual([]);
  }

  it('profile: per-window charts equal the document, the SLA is drawn, a hostile name stays text', async () => {
    const doc = json('test/fixtures/report/unstable-run.json');
    const { page } = await open('/profile/unstable-run?sla=p95%3C%3D100ms');
    const latency = await chartData(page, 'latency');
    expect(latency.datasets.map((d) => d.label)).toEqual(['p50', 'p95', 'p99', 'SLA p95 ≤ 100 ms']);
    // The real time axis: a step from the first window's start through each window's end.
    type Win = { startMs: number; durationMs: number; throughputRps: number; latency: Record<string, number> };
    const wins = doc.measurement.windows as Win[];
    for (const [i, key] of ['p50Ms', 'p95Ms', 'p99Ms'].entries()) {
      expect(latency.datasets[i]!.data).toEqual([{ x: wins[0]!.startMs / 1000, y: wins[0]!.latency[key] }, ...wins.map((win) => ({ x: (win.startMs + win.durationMs) / 1000, y: win.latency[key] }))]);
    }
    const throughput = await chartData(page, 'throughput');
    expect((throughput.datasets[0]!.data as { y: number }[]).map((p) => p.y).slice(1)).toEqual(wins.map((win) => win.throughputRps));
    // Unstable, with dropped and failed requests: the banner leads with its caveat, never ✓.
    expect(await page.locator('.verdict .sentence').textContent()).toMatch(/^⚠ Read with care: /);
    // The name is text: shown literally, no element made from it.
    expect(await page.locator('h1').textContent()).toBe('Profile: unstable <script>alert(1)</script>');
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(2);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    // Accessible: each canvas is an image named by its finding, with its data table beside it.
    const img = page.getByRole('img', { name: /Latency per window.*1 of 4 windows over the SLA/ });
    await expect(img.count()).resolves.toBe(1);
    expect(await page.locator('canvas:not([role="img"])').count()).toBe(0);
    expect(await page.locator('canvas').count()).toBe(await page.locator('figure.chart details table').count());
    // "Detected ..." links jump to their sections.
    const links = await page.locator('.detected a').evaluateAll((as: Canvas[]): string[] => as.map((a) => a.getAttribute('href')));
    for (const href of links) expect(await page.locator(href).count()).toBe(1);
    await finish();
  });

  it('sweep: every point of every configuration is on the capacity chart', async () => {
    const doc = json('test/fixtures/report/sweep.json');
    const { page } = await open('/sweep/sweep');
    const capacity = await chartData(page, 'capacity');
    for (const [i, c] of doc.configurations.entries()) {
      expect(capacity.datasets[i]!.data).toEqual(c.points.map((p: { throughputRps: number; p95Ms: number }) => ({ x: p.throughputRps, y: p.p95Ms })));
    }
    expect(await page.locator('.verdict').textContent()).toContain('batch 8 / 2 ms sustains 183.0 req/s');
    await finish('sweep');
  });

  it('plan: the week and the cost bars come from the plan document', async () => {
    const doc = json('test/fixtures/report/business-hours-plan.json');
    const { page } = await open('/plan/business-hours-plan');
    const week = await chartData(page, 'week');
    const rec = doc.candidates.find((c: { id: string }) => c.id === doc.recommended);
    expect((week.datasets[0]!.data as { y: number }[]).map((p) => p.y)).toEqual(rec.hourly.demandRps);
    const cost = await chartData(page, 'cost');
    expect(cost.labels).toEqual(doc.candidates.map((c: { id: string }) => c.id));
    expect(cost.datasets[0]!.data).toEqual(doc.candidates.map((c: { usdPerMonthInstances: number }) => c.usdPerMonthInstances));
    expect(await page.locator('table caption', { hasText: 'Instances per hour' }).count()).toBe(1);
    await finish('plan');
  });

  it('compare: the article table, with the imported warnings', async () => {
    const { page } = await open('/compare?ids=article-torchserve-g4dn,article-triton-g4dn');
    const row = page.locator('tr', { has: page.locator('th', { hasText: /^throughput$/ }) });
    expect(await row.locator('td').allTextContents()).toEqual(['47.0 req/s', '183.0 req/s', '+136.0 req/s (+289.4%)', '3.89×', 'article-triton-g4dn ↑ (no per-window figures: not tested)']);
    expect(await page.locator('.warnings li').count()).toBe(2);
    // Imported figures on both sides: a warned result, so no success mark.
    expect(await page.locator('.verdict .sentence').textContent()).toMatch(/^⚠ Read with care: article-triton-g4dn gives 3\.89x the throughput/);
    await finish();
  });

  it('measured profile (the demo\'s documents): the HDR plot and the stage bar are the document\'s', async () => {
    const doc = json('test/fixtures/report-measured/triton-dynamic.json');
    const { page } = await open('/profile/triton-dynamic?sla=p95%3C%3D2000ms');
    const distribution = await chartData(page, 'distribution');
    expect(distribution.datasets[0]!.data).toEqual(
      doc.latency.distribution
        .filter((r: { percentile: number }) => r.percentile < 100)
        .map((r: { percentile: number; latencyMs: number }) => ({ x: Math.round((1 / (1 - r.percentile / 100)) * 1e6) / 1e6, y: r.latencyMs })),
    );
    const stages = await chartData(page, 'stages');
    expect(stages.datasets.map((d) => [d.label, d.data])).toEqual(doc.stages.map((st: { name: string; meanMs: number }) => [st.name, [st.meanMs]]));
    await finish('profile');
  });

  it('compare two measured runs: Welch on per-window throughput decides the "better" column', async () => {
    const { page } = await open('/compare?ids=torchserve-default,triton-dynamic');
    const row = page.locator('tr', { has: page.locator('th', { hasText: /^throughput$/ }) });
    expect(await row.locator('td').last().textContent()).toMatch(/^triton-dynamic ↑ \(p = 0\.\d{3}\)$/);
    // The same sentence the terminal prints (formatComparison), under a caveat: both runs are UNSTABLE.
    const [a, b] = ['torchserve-default', 'triton-dynamic'].map((n) => ProfileResultDocument.parse(json(`test/fixtures/report-measured/${n}.json`)));
    const terminal = compareProfiles(a!, b!).throughput.sentence;
    expect(await page.locator('.verdict .sentence').first().textContent()).toBe(`⚠ Read with care: ${terminal}`);
    await finish('compare');
  });

  it('without ?sla= a page draws the server\'s SLA (serve --sla)', async () => {
    const { page } = await open('/profile/unstable-run');
    const latency = await chartData(page, 'latency');
    expect(latency.datasets.at(-1)!.label).toBe('SLA p99 ≤ 250 ms');
    expect(await page.locator('.verdict .sentence').textContent()).toContain('SLA p99 ≤ 250 ms ✓ met');
    await finish();
  });

  it('verification: the trials against the SLA, and no success mark when a trial did not hold', async () => {
    const doc = json('test/fixtures/report-verification/verify-tiny-triton.json');
    const { page } = await open('/verification/verify-tiny-triton');
    expect(await page.locator('h1').textContent()).toBe('Verification: verify tiny-triton/default');
    expect(await page.locator('.verdict .sentence').textContent()).toBe(`⚠ Read with care: ${doc.verdict}`);
    const trials = await chartData(page, 'trials');
    expect(trials.datasets[0]!.data).toEqual(doc.trials.map((t: { latencyAtSlaMs: number }, i: number) => ({ x: i + 1, y: t.latencyAtSlaMs })));
    await finish('verification');
  });

  it('findings: the terminal\'s evidence line, the week as a heat map, each finding with its figures, no success mark', async () => {
    const doc = Findings.parse(json('test/fixtures/report-findings/defect-classifier-findings.json'));
    const { page } = await open('/findings/defect-classifier-findings');
    expect(await page.locator('h1').textContent()).toBe(`Findings: rightsize ${doc.fleet.name}`);
    // An over-provisioned fleet is something to act on: the banner leads with its caveat.
    expect(await page.locator('.verdict .sentence').textContent()).toBe(`⚠ Read with care: ${doc.summary.verdict}`);
    expect(await page.locator('p.evidence').textContent()).toBe(findingsEvidence(doc));
    // The 7x24 needs, cell for cell (– where the window has no such hour), shaded by value.
    const week = page.locator('.table-wrap').filter({ hasText: 'Instances needed per hour of the week' });
    const cells = await week.locator('tbody td').allTextContents();
    expect(cells).toEqual(doc.weekly.recommendedInstances.map((n) => (n === null ? '–' : String(n))));
    expect(await week.locator('tbody td.heat').count()).toBe(doc.weekly.recommendedInstances.filter((n) => n !== null).length);
    expect(await week.locator('tbody th').allTextContents()).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    // One card per finding, its figures as recorded.
    const cards = page.locator('section.finding');
    expect(await cards.count()).toBe(doc.findings.length);
    const first = doc.findings[0]!;
    expect(await cards.first().getAttribute('data-finding')).toBe(first.finding);
    expect(await cards.first().locator('tbody th').allTextContents()).toEqual(Object.keys(first.evidence.figures));
    expect(await cards.first().locator('tbody td').allTextContents()).toEqual(Object.values(first.evidence.figures).map((v) => (v === null ? '–' : String(v))));
    await finish('findings');
  });

  it('index: lists every document', async () => {
    const { page } = await open('/');
    expect(await page.locator('table.documents tbody tr').count()).toBe(10);
    await finish();
  });

  it('an unknown document shows a one-line error, not a blank page', async () => {
    w = await watchedPage(browser);
    await w.page.goto(new URL('/profile/nope', server.url).href);
    await ready(w.page);
    expect(await w.page.locator('[role="alert"]').textContent()).toBe("Could not show this report: no document with id 'nope'; GET /api/documents lists them");
    // The failed fetch logs a console error by design; nothing else may.
    expect(w.problems.filter((p) => !/404/.test(p))).toEqual([]);
    await w.context.close();
  });

  it('the exported file opens offline and draws the same data as the served page', async () => {
    const { store } = await loadDocuments(FIXTURES, process.cwd());
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml({ entries: store.list(), sla: { percentile: 'p95', maxLatencyMs: 100 } }));
    const served = await open('/profile/unstable-run?sla=p95%3C%3D100ms');
    const servedCharts = await Promise.all(['latency', 'throughput', 'distribution', 'batches', 'utilisation', 'stages'].map((id) => chartData(served.page, id)));
    await finish();
    const exported = await open(pathToFileURL(file).href, { offline: true });
    const scope = '[data-doc="unstable-run"]';
    const exportedCharts = await Promise.all(['latency', 'throughput', 'distribution', 'batches', 'utilisation', 'stages'].map((id) => chartData(exported.page, id, scope)));
    expect(exportedCharts).toEqual(servedCharts);
    // Every document and the comparison are in the one file, every canvas drawn.
    const counts = await exported.page.evaluate(() => {
      const canvases: Canvas[] = [...document.querySelectorAll('canvas')];
      const g = globalThis as unknown as { Chart: { getChart(c: Canvas): unknown } };
      return { canvases: canvases.length, drawn: canvases.filter((c) => g.Chart.getChart(c)).length, pages: document.querySelectorAll('article.page').length };
    });
    expect(counts.drawn).toBe(counts.canvases);
    // 9 documents (a verification among them) and the comparison of the 4 profiles.
    expect(counts.pages).toBe(11);
    await finish();
  });
});

describe.runIf(run)('live page in Chromium', () => {
  it('follows a run, shows the whole history after a reload with no duplicates, and becomes the report on the end', async () => {
    const doc = json('test/fixtures/report-measured/triton-dynamic.json');
    const store = new DocumentStore();
    const hub = new LiveRunHub({ store });
    const live = await startReportServer({ store, host: '127.0.0.1', port: 0, hub });
    const browser = await launch();
    try {
      const source = fakeSource('run-7');
      hub.start({ runId: 'run-7', kind: 'profile', name: doc.name }, source);
      source.publish({ type: 'phase', phase: 'measure', message: 'measuring' }, 1000);
      const windows = doc.measurement.windows;
      const publishWindow = (i: number) => source.publish({ type: 'window', window: windows[i], stable: false, note: 'not yet' }, windows[i].startMs + windows[i].durationMs);
      publishWindow(0);
      const w = await watchedPage(browser);
      await w.page.goto(new URL('/live/run-7', live.url).href);
      await w.page.waitForSelector('body[data-live-id="3"]');
      publishWindow(1);
      await w.page.waitForSelector('body[data-live-id="4"]');
      // Without the leading point at the first window's start: one point per window.
      const points = async () => ((await chartData(w.page, 'latency')).datasets[1]!.data as { y: number }[]).map((p) => p.y).slice(1);
      expect(await points()).toEqual([windows[0].latency.p95Ms, windows[1].latency.p95Ms]);
      // Reload mid-run: the new page gets the whole history once.
      await w.page.reload();
      await w.page.waitForSelector('body[data-live-id="4"]');
      expect(await points()).toEqual([windows[0].latency.p95Ms, windows[1].latency.p95Ms]);
      source.publish({ type: 'progress', elapsedMs: 8000, totalMs: 10000, completed: 260, failed: 0, dropped: 0 }, 8000);
      publishWindow(2);
      await w.page.waitForSelector('body[data-live-id="6"]');
      expect(await points()).toEqual(windows.map((x: { latency: { p95Ms: number } }) => x.latency.p95Ms));
      if (SCREENSHOTS) await w.page.screenshot({ path: join(resolve(SCREENSHOTS), 'live.png') });
      // The end: the same page becomes the report, no reload (the marker survives).
      await w.page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
      hub.finish('run-7', [{ name: 'triton-dynamic.json', path: 'triton-dynamic.json', sha256: '0'.repeat(64), document: doc }]);
      await w.page.waitForSelector('body[data-report="true"]');
      expect(await w.page.evaluate(() => (globalThis as unknown as { marker: number }).marker)).toBe(42);
      expect(await w.page.locator('h1').first().textContent()).toBe(`Profile: ${doc.name}`);
      const latency = await chartData(w.page, 'latency');
      expect((latency.datasets[1]!.data as { y: number }[]).map((p) => p.y).slice(1)).toEqual(windows.map((x: { latency: { p95Ms: number } }) => x.latency.p95Ms));
      await w.context.close();
      expect(w.problems).toEqual([]);
    } finally {
      await browser.close();
      await live.close();
    }
  });
});

describe.runIf(run)('live sweep page in Chromium', () => {
  it("shows the sweep's skipped configurations, its probe and the search's latest step, as they arrive", async () => {
    const store = new DocumentStore();
    const hub = new LiveRunHub({ store });
    const live = await startReportServer({ store, host: '127.0.0.1', port: 0, hub });
    const browser = await launch();
    try {
      const source = fakeSource('sweep-3');
      hub.start({ runId: 'sweep-3', kind: 'sweep', name: 'tiny', sla: { percentile: 'p95', maxLatencyMs: 100 } }, source);
      source.publish({ type: 'configuration-skipped', configuration: 'maxBatchSize=4 preferredBatchSizes=8', reason: 'preferred batch size 8 is above maxBatchSize 4' }, 0);
      const probe = { offered: { kind: 'concurrency', value: 1 }, throughputRps: 41.26, p50Ms: 10, p95Ms: 22.04, p99Ms: 30, stable: true, meetsSla: true, failed: 0, dropped: 0 };
      source.publish({ type: 'probe-done', configuration: 'default', point: probe, replayed: false }, 4000);
      source.publish({ type: 'search-step', configuration: 'default', rateRps: 39.2, why: 'bracketing upward' }, 4001);
      const w = await watchedPage(browser);
      await w.page.goto(new URL('/live/sweep-3', live.url).href);
      await w.page.waitForSelector('body[data-live-id="4"]');
      expect(await w.page.locator('ul.notes li').allTextContents()).toEqual([
        'skipped maxBatchSize=4 preferredBatchSizes=8: preferred batch size 8 is above maxBatchSize 4',
        'default: one-client probe 41.3 req/s, p95 22.0 ms; the rps search starts there',
      ]);
      expect(await w.page.locator('p.status').textContent()).toContain('default: next 39.2 req/s (bracketing upward)');
      await w.context.close();
      expect(w.problems).toEqual([]);
    } finally {
      await browser.close();
      await live.close();
    }
  });
});

describe.runIf(run)('live page for an unknown run', () => {
  it('says so instead of waiting forever', async () => {
    const { store } = await loadDocuments(['profiles/imported'], process.cwd());
    const hub = new LiveRunHub({ store });
    const live = await startReportServer({ store, host: '127.0.0.1', port: 0, hub });
    const browser = await launch();
    try {
      const w = await watchedPage(browser);
      await w.page.goto(new URL('/live/nope', live.url).href);
      await w.page.waitForSelector('body[data-live-error="true"]');
      expect(await w.page.locator('[role="alert"]').first().textContent()).toBe("No live run 'nope' on this server (it may have ended; its documents are on the index page).");
      await w.context.close();
      // The refused stream is the one expected console error.
      expect(w.problems.filter((p) => !/404/.test(p))).toEqual([]);
    } finally {
      await browser.close();
      await live.close();
    }
  });
});
