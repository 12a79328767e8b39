import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * Chromium for the browser tests: Debian's /usr/bin/chromium (or $CHROMIUM_PATH). Without it the
 * tests skip with one line saying how to install it; under CI=true a missing browser fails.
 */
// The page functions run in the browser; this file is typechecked without the DOM library.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Canvas = any;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
export const INSTALL_HINT = `no Chromium at ${CHROMIUM_PATH}: browser tests skipped (install it: apt-get install -y --no-install-recommends chromium)`;

export function requireChromiumOrSkip(): boolean {
  if (HAVE_CHROMIUM) return true;
  if (process.env.CI === 'true') throw new Error(`${INSTALL_HINT.replace('skipped', 'cannot run')}; CI needs it`);
  process.stderr.write(`${INSTALL_HINT}\n`);
  return false;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
}

/**
 * A page whose every problem is collected: a request off loopback (aborted: no CDN, no phoning
 * home), a console error, an uncaught page error. Tests end with expect(problems).toEqual([]).
 */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
}

export async function watchedPage(browser: Browser, options: { offline?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  if (options.offline) await context.setOffline(true);
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'file:' || url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1' || url.hostname === 'localhost';
    if (local) return route.continue();
    problems.push(`request off loopback: ${url.href}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, context, problems };
}

/** Waits until the app says it has drawn (body[data-ready]). */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
}

/** The data chart.js holds for the canvas data-chart=<id> (inside `scope` when given). */
export function chartData(page: Page, chartId: string, scope = ''): Promise<{ labels?: unknown[]; datasets: { label: string; data: unknown[] }[] }> {
  return page.evaluate(
    ([id, sc]) => {
      const canvas: Canvas = document.querySelector(`${sc} canvas[data-chart="${id}"]`);
      if (!canvas) throw new Error(`no canvas ${id}`);
      const chart = (globalThis as unknown as { Chart: { getChart(c: Canvas): { data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } } | undefined } }).Chart.getChart(canvas);
      if (!chart) throw new Error(`canvas ${id} has no chart`);
      return JSON.parse(JSON.stringify({ labels: chart.data.labels, datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) }));
    },
    [chartId, scope] as const,
  );
}
