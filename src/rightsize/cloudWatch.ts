import {
  CloudWatchClient,
  paginateDescribeAlarms,
  paginateGetMetricData,
  PutMetricAlarmCommand,
  type GetMetricDataCommandInput,
  type MetricAlarm,
  type MetricDataQuery,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { describeAwsError, type AwsService } from '../aws/awsErrors.js';
import type { Fleet } from '../schema/fleet.js';
import { METRIC_RECORDING_SCHEMA_VERSION, type MetricRecording } from '../schema/metricRecording.js';
import { CapacityPlanError, RemoteError } from '../util/errors.js';
import { ALARM_PREFIX, type AlarmSpec } from './alarms.js';
import { metricQueries, PERIOD_S } from './metricQueries.js';

/**
 * The CloudWatch edge of rightsize/: GetMetricData for a fleet's metrics, DescribeAlarms and
 * PutMetricAlarm for its alarms. Everything else in rightsize/ is pure.
 */

/** GetMetricData's limits without a Metrics Insights query. */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/** AWS's per-service endpoint variable wins over the global one, as in the SDKs' own configuration. */
export function cloudWatchEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_CLOUDWATCH || env.AWS_ENDPOINT_URL || undefined;
}

export function createCloudWatchClient(options: { region: string; env: NodeJS.ProcessEnv; maxAttempts?: number }): CloudWatchClient {
  const endpoint = cloudWatchEndpointFromEnv(options.env);
  return new CloudWatchClient({
    region: options.region,
    ...(endpoint ? { endpoint } : {}),
    // The SDK's standard retry strategy backs off and retries throttling and transient errors itself.
    maxAttempts: options.maxAttempts ?? 4,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}

export function cloudWatchService(endpoint: string, permissions = 'cloudwatch:GetMetricData'): AwsService {
  return {
    name: 'CloudWatch',
    endpoint,
    endpointVariables: 'AWS_ENDPOINT_URL_CLOUDWATCH / AWS_ENDPOINT_URL',
    permissions,
    stillWorks: '--metrics-from <recording.json> analyses a recording with no AWS at all',
  };
}

export interface FetchRequest {
  fleet: Fleet;
  /** Aligned to the minute; the window is [start, start + minutes). */
  startEpochS: number;
  minutes: number;
  recordedAt: string;
  endpointLabel: string;
  signal?: AbortSignal;
}

/**
 * Reads the fleet's per-minute metrics with plain MetricStat queries: as many queries per call as
 * fit 100,800 datapoints (5 for 14 days of minutes), each call followed through its NextToken
 * pages. Returns them as a recording (CloudWatch's units), dense per minute.
 */
export async function fetchFleetMetrics(client: CloudWatchClient, request: FetchRequest): Promise<MetricRecording> {
  const queries = metricQueries(request.fleet);
  const { startEpochS, minutes } = request;
  const perCall = Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / minutes)));
  const values = new Map<string, (number | null)[]>(queries.map((q) => [q.id, new Array<number | null>(minutes).fill(null)]));
  try {
    for (let i = 0; i < queries.length; i += perCall) {
      const batch = queries.slice(i, i + perCall);
      const metricDataQueries: MetricDataQuery[] = batch.map((q) => ({
        Id: q.id,
        MetricStat: {
          Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: q.dimensions.map((d) => ({ Name: d.name, Value: d.value })) },
          Period: PERIOD_S,
          Stat: q.stat,
          // No Unit: one that differs from the published unit returns no data at all.
        },
        ReturnData: true,
      }));
      const input: GetMetricDataCommandInput = {
        MetricDataQueries: metricDataQueries,
        StartTime: new Date(startEpochS * 1000),
        EndTime: new Date((startEpochS + minutes * 60) * 1000),
        ScanBy: 'TimestampAscending',
        MaxDatapoints: MAX_DATAPOINTS_PER_CALL,
      };
      // The paginator writes NextToken into the input object it is given: hand it a fresh copy.
      const pages = paginateGetMetricData({ client }, structuredClone(input), request.signal ? { abortSignal: request.signal } : {});
      for await (const page of pages) {
        for (const result of page.MetricDataResults ?? []) {
          if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
            const message = result.Messages?.map((m) => m.Value).join('; ') || 'no message';
            throw new RemoteError(`CloudWatch at ${request.endpointLabel} answered ${result.StatusCode} for query '${result.Id}': ${message}`, 'the credentials need cloudwatch:GetMetricData');
          }
          const series = values.get(result.Id ?? '');
          if (!series) continue;
          const timestamps = result.Timestamps ?? [];
          const found = result.Values ?? [];
          for (let k = 0; k < timestamps.length; k++) {
            const index = Math.round((timestamps[k]!.getTime() / 1000 - startEpochS) / PERIOD_S);
            const value = found[k];
            if (index >= 0 && index < minutes && value !== undefined) series[index] = value;
          }
        }
      }
    }
  } catch (error) {
    if (error instanceof CapacityPlanError) throw error;
    throw describeAwsError(error, cloudWatchService(request.endpointLabel));
  }
  return {
    schemaVersion: METRIC_RECORDING_SCHEMA_VERSION,
    kind: 'metric-recording',
    fleet: request.fleet.name,
    region: request.fleet.region,
    recordedAt: request.recordedAt,
    startEpochS,
    periodS: PERIOD_S,
    minutes,
    origin: `CloudWatch GetMetricData, ${request.fleet.region}`,
    series: queries.map((q) => ({ id: q.id, namespace: q.namespace, metricName: q.metricName, dimensions: q.dimensions, stat: q.stat, values: values.get(q.id)! })),
  };
}

export interface AlarmsResult {
  put: string[];
  unchanged: string[];
}

/**
 * Puts the alarms that are missing or differ from what DescribeAlarms shows (PutMetricAlarm is an
 * upsert that overwrites, so an unchanged alarm is left alone and keeps its state history quiet).
 */
export async function ensureAlarms(
  client: CloudWatchClient,
  fleet: Fleet,
  specs: AlarmSpec[],
  request: { endpointLabel: string; signal?: AbortSignal },
): Promise<AlarmsResult> {
  const options = request.signal ? { abortSignal: request.signal } : {};
  const result: AlarmsResult = { put: [], unchanged: [] };
  try {
    const existing = new Map<string, MetricAlarm>();
    const pages = paginateDescribeAlarms({ client }, { AlarmNamePrefix: `${ALARM_PREFIX}/${fleet.name}/`, MaxRecords: 100 }, options);
    for await (const page of pages) {
      for (const alarm of page.MetricAlarms ?? []) if (alarm.AlarmName) existing.set(alarm.AlarmName, alarm);
    }
    for (const spec of specs) {
      const current = existing.get(spec.input.AlarmName);
      if (current && sameAlarm(spec.input, current)) {
        result.unchanged.push(spec.input.AlarmName);
        continue;
      }
      await client.send(new PutMetricAlarmCommand(spec.input as PutMetricAlarmCommandInput), options);
      result.put.push(spec.input.AlarmName);
    }
  } catch (error) {
    if (error instanceof CapacityPlanError) throw error;
    throw describeAwsError(error, cloudWatchService(request.endpointLabel, 'cloudwatch:DescribeAlarms and cloudwatch:PutMetricAlarm'));
  }
  return result;
}

/** Whether the described alarm already has every field the spec sets (fields it does not set are AWS's). */
export function sameAlarm(spec: AlarmSpec['input'], current: MetricAlarm): boolean {
  return JSON.stringify(normalise(spec)) === JSON.stringify(normalise(projectLike(spec, current)));
}

/** `actual` cut down to the shape of `wanted`: the keys it has, recursively. */
function projectLike(wanted: unknown, actual: unknown): unknown {
  if (Array.isArray(wanted)) {
    const items = Array.isArray(actual) ? actual : [];
    if (items.length !== wanted.length) return items;
    return wanted.map((w, i) => projectLike(w, items[i]));
  }
  if (wanted && typeof wanted === 'object') {
    if (!actual || typeof actual !== 'object') return actual;
    return Object.fromEntries(Object.keys(wanted).map((k) => [k, projectLike((wanted as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k])]));
  }
  return actual;
}

/** Dimensions in name order, absent lists as empty ones: AWS may answer either way. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalise);
    const isDimensions = items.every((d) => d && typeof d === 'object' && 'Name' in d && 'Value' in d && Object.keys(d).length === 2);
    return isDimensions ? [...items].sort((a, b) => String((a as { Name: string }).Name).localeCompare(String((b as { Name: string }).Name))) : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === undefined && /Actions$|Dimensions$/.test(k) ? [] : normalise(v)]));
  }
  return value;
}
