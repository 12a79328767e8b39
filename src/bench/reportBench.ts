import { existsSync } from 'node:fs';
import type { MeasurementWindow, ProfileResult } from '../schema/profileResult.js';
import { DocumentStore } from '../server/report/documentStore.js';
import { LiveRunHub, type LiveEvent } from '../server/report/liveRuns.js';
import { startReportServer } from '../server/report/server.js';

/**
 * The web report in Chromium (Debian's /usr/bin/chromium, or $CHROMIUM_PATH; playwright-core is a
 * dev dependency, as the bench is):
 *   reportRenderMs   the profile page of a one-hour run (1,800 two-second windows) from navigation
 *                    to every chart drawn (the app's body[data-ready]); median of 3 loads
 *   liveEventToDomMs p95, over 60 window events, from publishing a run event to the live page's
 *                    DOM showing it (a MutationObserver in the page stamps each id's arrival)
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WINDOWS = 1800;

export interface ReportBenchFigures {
  reportRenderMs: number;
  liveEventToDomMs: number;
  renderRunsMs: number[];
  liveEvents: number;
}

export async function benchReport(which: 'render' | 'live'): Promise<ReportBenchFigures> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium)`);
  const { chromium } = await import('playwright-core');
  const store = new DocumentStore();
  const hub = new LiveRunHub({ store });
  const doc = oneHourProfile();
  store.add('one-hour', 'one-hour.json', '0'.repeat(64), doc);
  const server = await startReportServer({ store, host: '127.0.0.1', port: 0, hub });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const renderRunsMs: number[] = [];
    if (which === 'render') {
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await page.goto(new URL('/profile/one-hour?sla=p95%3C%3D100ms', server.url).href);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
        renderRunsMs.push(performance.now() - start);
      }
    }
    let liveEventToDomMs = Number.NaN;
    let liveEvents = 0;
    if (which === 'live') {
      const listeners = new Set<(e: LiveEvent) => void>();
      hub.start({ runId: 'bench', kind: 'profile', name: 'bench' }, { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) });
      await page.goto(new URL('/live/bench', server.url).href);
      await page.waitForSelector('body[data-live-id="1"]');
      await page.evaluate(() => {
        // Runs in the page; typed by hand (this package compiles without the DOM library).
        type Observer = new (callback: () => void) => { observe(target: unknown, options: unknown): void };
        const g = globalThis as unknown as { seenAt: Record<string, number>; MutationObserver: Observer; document: { body: { dataset: Record<string, string> } } };
        g.seenAt = {};
        new g.MutationObserver(() => {
          g.seenAt[g.document.body.dataset.liveId!] = Date.now();
        }).observe(g.document.body, { attributes: true, attributeFilter: ['data-live-id'] });
      });
      const sentAt: Record<string, number> = {};
      for (let i = 0; i < 60; i++) {
        const window = doc.measurement.windows[i]!;
        sentAt[String(i + 2)] = Date.now();
        for (const l of listeners) l({ type: 'window', runId: 'bench', atMs: window.startMs + window.durationMs, window, stable: false, note: 'bench' });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await page.waitForSelector('body[data-live-id="61"]');
      const seenAt: Record<string, number> = await page.evaluate(() => (globalThis as unknown as { seenAt: Record<string, number> }).seenAt);
      const delays = Object.keys(sentAt)
        .filter((id) => seenAt[id] !== undefined)
        .map((id) => seenAt[id]! - sentAt[id]!)
        .sort((a, b) => a - b);
      liveEvents = delays.length;
      liveEventToDomMs = delays[Math.min(delays.length - 1, Math.ceil(delays.length * 0.95) - 1)] ?? Number.NaN;
    }
    const sorted = [...renderRunsMs].sort((a, b) => a - b);
    return { reportRenderMs: sorted[1] ?? Number.NaN, liveEventToDomMs, renderRunsMs, liveEvents };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** A profile document of a one-hour run: 1,800 two-second windows with plausible, varying figures. */
export function oneHourProfile(): ProfileResult {
  const windows: MeasurementWindow[] = Array.from({ length: WINDOWS }, (_, index) => {
    const wave = Math.sin(index / 40);
    const p50Ms = 40 + 5 * wave;
    return {
      index,
      startMs: 2000 + index * 2000,
      durationMs: 2000,
      completed: 360,
      failed: index % 97 === 0 ? 1 : 0,
      dropped: 0,
      throughputRps: 180 + 10 * wave,
      latency: { count: 360, meanMs: p50Ms + 2, minMs: 10, p50Ms, p90Ms: p50Ms * 1.6, p95Ms: p50Ms * 1.9, p99Ms: p50Ms * 2.6, maxMs: p50Ms * 4 },
      cpuUtilPct: 60 + 5 * wave,
      hostCpuUtilPct: 70 + 5 * wave,
      rssMiB: 500,
    };
  });
  const summary = { count: 648_000, meanMs: 42, minMs: 10, p50Ms: 40, p90Ms: 64, p95Ms: 76, p99Ms: 104, maxMs: 180 };
  return {
    schemaVersion: 2,
    kind: 'profile-result',
    name: 'one-hour',
    createdAt: '2026-01-01T00:00:00.000Z',
    provenance: { kind: 'measured', tool: 'capacity-plan bench' },
    environment: { hostname: 'bench', platform: 'linux', arch: 'x64', cpuModel: 'cpu', cpuCores: 4, memoryGiB: 16, nodeVersion: process.version, gpus: [], recordedAt: '2026-01-01T00:00:00.000Z' },
    measurement: { stable: true, stabilityNote: 'last 3 windows within 10%', warmupS: 2, measuredS: 3600, windows },
    throughputRps: 180,
    latency: {
      endToEnd: summary,
      endToEndHistogram: null,
      distribution: [0, 50, 90, 95, 99, 99.9, 100].map((percentile, i) => ({ percentile, latencyMs: [10, 40, 64, 76, 104, 150, 180][i]! })),
    },
    stages: [{ name: 'infer', ...summary, meanMs: 30, sharePct: 71.4 }],
    batches: { meanBatchSize: 4, sizeCounts: { '4': 162_000 } },
    requests: { completed: 648_000, failed: 19, dropped: 0, failures: [{ reason: 'bench', count: 19 }] },
    utilization: { cpuPct: 60, rssMiB: { mean: 500, max: 500 } },
    coldStart: { modelLoadMs: 900 },
    costExtras: [],
    warnings: [],
  };
}
