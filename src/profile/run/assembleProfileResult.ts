import {
  PROFILE_SCHEMA_VERSION,
  type Environment,
  type LatencySummary,
  type MeasurementWindow,
  type ModelInfo,
  type ProfileResult,
  type StageSummary,
} from '../../schema/profileResult.js';
import type { ProfileSpec, StageName } from '../../schema/profileSpec.js';
import type { TransportInfo } from '../../schema/transport.js';
import { distributionOf, encodeHistogram, type LatencyHistogram } from '../core/histogram.js';
import { percentileInterval } from '../core/percentileInterval.js';
import { tooManyFailed, type StabilityAssessment } from '../core/stability.js';
import { mergeWindows, type WindowRecorder } from '../recorder.js';
import type { TelemetryOverall } from '../telemetry/telemetry.js';

/**
 * The ProfileResult document from what a run measured. Pure: everything it needs (the environment,
 * the model file's digest, the time) was collected before.
 */
export interface ProfileResultParts {
  spec: ProfileSpec;
  createdAt: Date;
  environment: Environment;
  model?: ModelInfo;
  transport?: TransportInfo;
  /** Every measurement window, in order, with their summaries (same order). */
  windows: readonly WindowRecorder[];
  summaries: MeasurementWindow[];
  stability: StabilityAssessment;
  coldStart: ProfileResult['coldStart'];
  utilization: TelemetryOverall;
  /** In the order the document lists them. */
  warnings: string[];
}

export function assembleProfileResult(parts: ProfileResultParts): ProfileResult {
  const { spec, stability, summaries } = parts;
  const m = spec.measurement;
  // Figures come from the stable windows when there are, else (or for a full-duration run) from every window measured.
  const lastOnly = stability.stable && !m.fullDuration;
  const used = lastOnly ? parts.windows.slice(-m.stableWindows) : parts.windows;
  const usedSummaries = lastOnly ? summaries.slice(-m.stableWindows) : summaries;
  const merged = mergeWindows([...used]);
  const measuredMs = usedSummaries.reduce((t, w) => t + w.durationMs, 0);
  const batchCount = [...merged.batchSizes.values()].reduce((a, b) => a + b, 0);
  const batchItems = [...merged.batchSizes].reduce((a, [size, count]) => a + size * count, 0);
  // Failures are not capacity: however steady the windows, a run with too many is never stable.
  const failedNote = tooManyFailed(merged);
  const commonest = [...merged.failures].sort((a, b) => b.count - a.count)[0];
  const warnings = failedNote
    ? [
        ...parts.warnings,
        `${failedNote}${commonest ? `, most often with '${commonest.reason}'` : ''}: the throughput is not a capacity, and plan refuses this profile unless --allow-failures`,
      ]
    : parts.warnings;
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    kind: 'profile-result',
    name: spec.name,
    createdAt: parts.createdAt.toISOString(),
    provenance: { kind: 'measured', tool: 'capacity-plan profile' },
    spec,
    environment: parts.environment,
    model: parts.model,
    transport: parts.transport,
    measurement: {
      stable: stability.stable && failedNote === undefined,
      stabilityNote: failedNote ? `${failedNote}; ${stability.note}` : stability.note,
      warmupS: m.warmupS,
      measuredS: measuredMs / 1000,
      windows: summaries,
    },
    throughputRps: (merged.completed * 1000) / measuredMs,
    latency: {
      endToEnd: merged.endToEnd,
      server: merged.server,
      endToEndHistogram: encodeHistogram(merged.endToEndHistogram),
      distribution: distributionOf(merged.endToEndHistogram),
      endToEndIntervals: endToEndIntervals(merged.endToEndHistogram, merged.completed + merged.failed + merged.dropped),
    },
    stages: stageSummaries(merged.stages, merged.endToEnd.meanMs),
    batches: {
      meanBatchSize: batchCount > 0 ? batchItems / batchCount : 0,
      sizeCounts: sizeCountsRecord(merged.batchSizes),
    },
    requests: {
      completed: merged.completed,
      failed: merged.failed,
      dropped: merged.dropped,
      failures: merged.failures,
    },
    utilization: parts.utilization,
    coldStart: parts.coldStart,
    costExtras:
      spec.pipeline.requestLog.usdPerMonth !== undefined && spec.pipeline.requestLog.mode !== 'off'
        ? [{ item: `request logging (${spec.pipeline.requestLog.mode})`, usdPerMonth: spec.pipeline.requestLog.usdPerMonth }]
        : [],
    warnings,
  };
}

/** Each stage with its share of the mean end-to-end time. */
export function stageSummaries(stages: readonly { name: StageName; summary: LatencySummary }[], endToEndMeanMs: number): StageSummary[] {
  return stages.map(({ name, summary }) => ({
    name,
    ...summary,
    sharePct: endToEndMeanMs > 0 ? (summary.meanMs / endToEndMeanMs) * 100 : 0,
  }));
}

/** batch size -> count, as the document writes it: string keys in ascending size. */
export function sizeCountsRecord(batchSizes: ReadonlyMap<number, number>): Record<string, number> {
  return Object.fromEntries([...batchSizes].sort((a, b) => a[0] - b[0]).map(([size, count]) => [String(size), count]));
}

/** p90, p95 and p99 with their 90% intervals, from one run (the prior design effect). */
function endToEndIntervals(h: LatencyHistogram, requests: number): NonNullable<ProfileResult['latency']['endToEndIntervals']> {
  const interval = (level: number) => {
    const { lower, upper } = percentileInterval(h, level, requests);
    return { lowerMs: lower, upperMs: upper };
  };
  return { p90: interval(0.9), p95: interval(0.95), p99: interval(0.99) };
}
