import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/server/report/documentStore.js';
import { renderReportHtml } from '../../src/server/report/exportHtml.js';
import { beyondNoiseText } from '../../src/schema/whatifText.js';
import { waterfallBars } from '../../web/lib/whatifView.js';
import { fakeWhatif } from '../whatif/fakeTarget.js';
import { chartData, launch, ready, requireChromiumOrSkip, watchedPage } from './browserHarness.js';

// The page runs in the browser; this file is typechecked without the DOM library.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const run = requireChromiumOrSkip();
const cents = (x: number): number => Math.round(x * 100);

describe('waterfall view model', () => {
  it('bars go from the current bill to the thin bill; with only the ends measured an interaction bar closes the gap', async () => {
    for (const path of ['full', 'ends'] as const) {
      const doc = await fakeWhatif(path);
      const bars = waterfallBars(doc)!;
      expect(bars[0]).toMatchObject({ label: 'current', to: doc.current.usdPerMonth });
      expect(bars.at(-1)).toMatchObject({ label: 'all thin', to: doc.thin.usdPerMonth });
      const changes = bars.slice(1, -1);
      expect(cents(changes.reduce((s, b) => s + b.usd, 0))).toBe(cents(doc.path.total.usd!));
      expect(changes.at(-1)!.to).toBeCloseTo(doc.thin.usdPerMonth!, 6);
      if (path === 'ends') expect(changes.at(-1)!.label).toBe('interaction');
    }
  });
});

describe.runIf(run)('whatif report in Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'cp-whatif-'));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the exported report opens with the waterfall: bars labelled, their sum the table\'s current minus thin bill', async () => {
    const doc = await fakeWhatif('full');
    const docPath = join(dir, 'whatif-torchserve-default.json');
    writeFileSync(docPath, JSON.stringify(doc));
    const { store } = await loadDocuments([docPath], dir);
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml({ entries: store.list() }));

    const w = await watchedPage(browser, { offline: true });
    await w.page.goto(pathToFileURL(file).href);
    await ready(w.page);
    // The first page of the report is the what-if, and its first figure the waterfall.
    expect(await w.page.locator('article').first().getAttribute('class')).toBe('page whatif');
    expect(await w.page.evaluate(() => document.querySelector('canvas').dataset.chart)).toBe('waterfall');

    const chart = await chartData(w.page, 'waterfall');
    expect(chart.labels).toEqual(['current', 'payload spool', 'request log', 'batching', 'config load', 'instances', 'all thin']);
    // Stacked bars: an invisible offset, the two bills, and what each setting saved on top of the offset.
    expect(chart.datasets.map((d) => d.label)).toEqual(['offset', 'bill', 'saved']);
    const [offset, bill, saved] = chart.datasets.map((d) => d.data as (number | null)[]);
    expect(bill![0]).toBe(doc.current.usdPerMonth);
    expect(bill!.at(-1)).toBe(doc.thin.usdPerMonth);
    const stepSum = saved!.reduce<number>((s, x) => s + (x ?? 0), 0);
    expect(cents(stepSum)).toBe(cents(doc.current.usdPerMonth! - doc.thin.usdPerMonth!));
    // Each saving bar starts where the previous one ended: the offset plus the bar is the bill before it.
    let level = doc.current.usdPerMonth!;
    for (let i = 1; i < saved!.length - 1; i++) {
      expect(cents(offset![i]! + saved![i]!)).toBe(cents(level));
      level -= saved![i]!;
    }

    // The settings table beside it shows each setting's dollars; the path's bars match the steps.
    const rows = await w.page.locator('#d-whatif-torchserve-default-settings table tbody tr').allTextContents();
    expect(rows.length).toBe(doc.rows.length);
    expect(rows[0]).toMatch(/payload spool temp-file → memory/);
    // The noise verdict in the terminal's words, the repeat's capacity with it.
    const verdicts = await w.page.locator('#d-whatif-torchserve-default-settings table tbody tr td:last-child').allTextContents();
    expect(verdicts).toEqual(doc.rows.map(beyondNoiseText));
    expect(verdicts[0]).toBe('yes (again 76.9)');
    const stageRows = await w.page.locator('#d-whatif-torchserve-default-stages table tbody tr').allTextContents();
    expect(stageRows).toEqual(['payloadSpool40.0%', 'infer10.0%']);
    await w.context.close();
    expect(w.problems).toEqual([]);
  });
});
