import { z } from 'zod';

/**
 * MetricRecording: the CloudWatch data `rightsize --record` fetched, as CloudWatch answered it
 * (its units: seconds, microseconds, counts), so `--metrics-from` replays it through the same
 * conversions with no AWS at all. Compact: one dense array per query, value i at
 * startEpochS + i x periodS, null where CloudWatch had no datapoint.
 */
export const METRIC_RECORDING_SCHEMA_VERSION = 1;

export const RecordedSeries = z
  .object({
    /** The GetMetricData query Id (see src/rightsize/metricQueries.ts). */
    id: z.string().regex(/^[a-z][A-Za-z0-9_]*$/),
    namespace: z.string(),
    metricName: z.string(),
    dimensions: z.array(z.object({ name: z.string(), value: z.string() }).strict()),
    stat: z.string(),
    values: z.array(z.number().nullable()),
  })
  .strict();
export type RecordedSeries = z.infer<typeof RecordedSeries>;

export const MetricRecording = z
  .object({
    schemaVersion: z.literal(METRIC_RECORDING_SCHEMA_VERSION),
    kind: z.literal('metric-recording'),
    /** The fleet it was recorded for (its name in the fleet file). */
    fleet: z.string(),
    region: z.string(),
    recordedAt: z.string(),
    /** Aligned to the period; the end is exclusive. */
    startEpochS: z.number().int().nonnegative(),
    periodS: z.literal(60),
    minutes: z.number().int().positive(),
    /** How it was made, e.g. "CloudWatch GetMetricData, us-east-1" or "synthetic (scripts/...)". */
    origin: z.string(),
    series: z.array(RecordedSeries),
  })
  .strict()
  .superRefine((r, ctx) => {
    r.series.forEach((s, i) => {
      if (s.values.length !== r.minutes) {
        ctx.addIssue({ code: 'custom', path: ['series', i, 'values'], message: `expected ${r.minutes} values (one per minute), got ${s.values.length}` });
      }
    });
  });
export type MetricRecording = z.infer<typeof MetricRecording>;
