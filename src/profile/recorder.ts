import type { LatencySummary } from '../schema/profileResult.js';
import { STAGE_NAMES, type StageName } from '../schema/profileSpec.js';
import { createLatencyHistogram, mergeHistograms, recordMs, summarize, type LatencyHistogram } from './core/histogram.js';
import type { RequestOutcome } from '../serving/pipeline.js';

/**
 * Collects one measurement window: an HDR histogram per stage and end to end, counts, failure
 * reasons and batch sizes. Windows are merged before percentiles are taken (never averaged).
 */
export class WindowRecorder {
  readonly endToEnd: LatencyHistogram = createLatencyHistogram();
  /** HTTP only: the server's own total per request. */
  readonly server: LatencyHistogram = createLatencyHistogram();
  readonly stages = new Map<StageName, LatencyHistogram>();
  completed = 0;
  failed = 0;
  dropped = 0;
  readonly failures = new Map<string, number>();
  readonly batchSizes = new Map<number, number>();
  hasServer = false;

  constructor(readonly startMs: number) {}

  record(outcome: RequestOutcome): void {
    if (!outcome.ok) {
      this.failed += 1;
      const reason = outcome.failure ? `${outcome.failure.stage}: ${outcome.failure.reason}` : 'unknown';
      this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
      return;
    }
    this.completed += 1;
    recordMs(this.endToEnd, outcome.endToEndMs);
    if (outcome.serverTotalMs !== undefined) {
      this.hasServer = true;
      recordMs(this.server, outcome.serverTotalMs);
    }
    for (const name of STAGE_NAMES) {
      const ms = outcome.stageMs[name];
      if (ms === undefined) continue;
      let h = this.stages.get(name);
      if (!h) this.stages.set(name, (h = createLatencyHistogram()));
      recordMs(h, ms);
    }
  }

  recordFailure(reason: string): void {
    this.failed += 1;
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  recordBatch(size: number): void {
    this.batchSizes.set(size, (this.batchSizes.get(size) ?? 0) + 1);
  }
}

export interface MergedWindows {
  endToEnd: LatencySummary;
  /** The merged end-to-end histogram itself: encoded into the document, and read for its distribution. */
  endToEndHistogram: LatencyHistogram;
  server?: LatencySummary;
  stages: { name: StageName; summary: LatencySummary }[];
  completed: number;
  failed: number;
  dropped: number;
  failures: { reason: string; count: number }[];
  batchSizes: Map<number, number>;
}

export function mergeWindows(windows: WindowRecorder[]): MergedWindows {
  const stages: MergedWindows['stages'] = [];
  for (const name of STAGE_NAMES) {
    const hs = windows.map((w) => w.stages.get(name)).filter((h): h is LatencyHistogram => h !== undefined);
    if (hs.length > 0) stages.push({ name, summary: summarize(mergeHistograms(hs)) });
  }
  const failures = new Map<string, number>();
  const batchSizes = new Map<number, number>();
  for (const w of windows) {
    for (const [reason, count] of w.failures) failures.set(reason, (failures.get(reason) ?? 0) + count);
    for (const [size, count] of w.batchSizes) batchSizes.set(size, (batchSizes.get(size) ?? 0) + count);
  }
  const hasServer = windows.some((w) => w.hasServer);
  const endToEndHistogram = mergeHistograms(windows.map((w) => w.endToEnd));
  return {
    endToEnd: summarize(endToEndHistogram),
    endToEndHistogram,
    server: hasServer ? summarize(mergeHistograms(windows.map((w) => w.server))) : undefined,
    stages,
    completed: windows.reduce((n, w) => n + w.completed, 0),
    failed: windows.reduce((n, w) => n + w.failed, 0),
    dropped: windows.reduce((n, w) => n + w.dropped, 0),
    failures: [...failures].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    batchSizes,
  };
}
