import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCapacity } from '../../src/schema/capacityText.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { loadDocuments } from '../../src/server/report/documentStore.js';
import { startReportServer, type ReportServer } from '../../src/server/report/server.js';
import { formatSweep } from '../../src/sweep/format.js';
import { capacityChart } from '../../web/lib/capacityView.js';
import { sweepView } from '../../web/lib/sweepView.js';
import { chartData, launch, ready, requireChromiumOrSkip, watchedPage } from './browserHarness.js';

const FIXTURE = 'test/fixtures/report-capacity/capacity-sweep.json';
const doc = SweepResult.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')));
const config = doc.configurations[0]!;

describe('capacityChart', () => {
  it('draws every run, each rate with its interval, the SLA, and the capacity star between its interval lines', () => {
    const chart = capacityChart(doc)!;
    const runs = config.points.reduce((n, p) => n + p.repeats!.length, 0);
    const byLabel = new Map(chart.datasets.map((d) => [d.label, d]));
    expect(byLabel.get('default: each run')!.data).toHaveLength(runs);
    expect(byLabel.get('default: pooled p95')!.data).toEqual(config.points.map((p) => ({ x: p.offered.value, y: p.judgement!.latencyMs.estimate })));
    expect(byLabel.get('default: capacity')!.data).toEqual([{ x: config.capacity!.estimateRps, y: 1000 }]);
    expect(byLabel.get('default: capacity interval (lower)')!.data[0]).toEqual({ x: config.capacity!.lowerRps, y: 0 });
    expect(byLabel.get('SLA p95 ≤ 1000 ms')).toBeDefined();
    // The page and the terminal quote the capacity in the same words.
    expect(chart.finding).toBe(`default: ${formatCapacity(config.capacity!)}`);
    expect(formatSweep(doc)).toContain(formatCapacity(config.capacity!));
    expect(chart.table.rows).toHaveLength(config.points.length);
    expect(chart.table.rows[0]!.slice(0, 4)).toEqual(['default', config.points[0]!.offered.value.toFixed(2), String(config.points[0]!.judgement!.runs), String(config.points[0]!.judgement!.requests)]);
  });
  it('is absent for sweeps without a capacity estimate (versions 1 and 2, closed loops)', () => {
    expect(capacityChart({ sla: doc.sla, configurations: doc.configurations.map((c) => ({ ...c, capacity: undefined })) })).toBeUndefined();
  });
  it('leads the sweep banner with the caveats, never a success mark, when the host was busy', () => {
    const vm = sweepView(doc);
    expect(vm.status).not.toBe('ok');
    expect(vm.verdict).toBe(`Of 1 configuration(s) (${config.points.length} points), default's capacity at p95 ≤ 1000 ms is ${formatCapacity(config.capacity!)}.`);
    expect(vm.detected.map((d) => d.text)).toEqual((doc.warnings ?? []).map((w) => `Detected: ${w}`));
  });
});

const run = requireChromiumOrSkip();
describe.runIf(run)('sweep page: capacity with its interval, in Chromium', () => {
  let browser: Browser;
  let server: ReportServer;
  beforeAll(async () => {
    const { store } = await loadDocuments(['test/fixtures/report-capacity'], process.cwd());
    server = await startReportServer({ store, host: '127.0.0.1', port: 0 });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the capacity chart from the document and warns in the banner', async () => {
    const w = await watchedPage(browser);
    await w.page.goto(new URL('/sweep/capacity-sweep', server.url).href);
    await ready(w.page);
    const chart = await chartData(w.page, 'capacity-estimate');
    const star = chart.datasets.find((d) => d.label === 'default: capacity')!;
    expect(star.data).toEqual([{ x: config.capacity!.estimateRps, y: 1000 }]);
    const banner = w.page.locator('.verdict').first();
    expect(await banner.getAttribute('data-status')).not.toBe('ok');
    expect(await banner.textContent()).toContain('the host was busy');
    await w.context.close();
    expect(w.problems).toEqual([]);
  });
});
