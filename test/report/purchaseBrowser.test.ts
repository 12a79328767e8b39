import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/server/report/documentStore.js';
import { startReportServer, type ReportServer } from '../../src/server/report/server.js';
import { chartData, launch, ready, requireChromiumOrSkip, watchedPage } from './browserHarness.js';

/** The plan page's "How to buy it" section in Chromium: the stacked week and the option table are the plan document's. */
const run = requireChromiumOrSkip();
const FIXTURE = 'test/fixtures/report-purchase/weekday-purchase-plan.json';

describe.runIf(run)('plan page: how to buy it, in Chromium', () => {
  let browser: Browser;
  let server: ReportServer;

  beforeAll(async () => {
    const { store } = await loadDocuments(['test/fixtures/report-purchase'], process.cwd());
    server = await startReportServer({ store, host: '127.0.0.1', port: 0, sla: { percentile: 'p95', maxLatencyMs: 400 } });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('stacks committed, On-Demand and Spot hour by hour, and tables every option with no price shown', async () => {
    const doc = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const hourly = doc.candidates[0].hourly.instances as number[];
    const w = await watchedPage(browser);
    await w.page.goto(new URL('/plan/weekday-purchase-plan', server.url).href);
    await ready(w.page);
    const week = await chartData(w.page, 'purchase-week');
    expect(week.datasets.map((d) => d.label.split(' (')[0])).toEqual(['committed, in use', 'committed, paid but idle', 'On-Demand', 'Spot']);
    expect((week.datasets[0]!.data as { y: number }[]).map((p) => p.y)).toEqual(hourly.map((d) => Math.min(d, 2)));
    expect((week.datasets[3]!.data as { y: number }[]).map((p) => p.y)).toEqual(hourly.map((d) => d - 2));
    const section = w.page.locator('section', { has: w.page.locator('h2', { hasText: 'How to buy it' }) });
    expect(await section.locator('.purchase-sentence').textContent()).toContain('$403.88/month, -63.6% against On-Demand');
    const best = section.locator('tr', { has: w.page.locator('td, th', { hasText: 'ri-standard-3yr-all-upfront (best)' }) });
    expect(await best.count()).toBe(1);
    expect(await section.locator('tr', { hasText: 'sp-compute-1yr-no-upfront' }).locator('td').nth(0).textContent()).toBe('no price');
    await w.context.close();
    expect(w.problems).toEqual([]);
  });
});
