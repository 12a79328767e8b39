import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A local endpoint speaking CloudWatch's wire protocol as @aws-sdk/client-cloudwatch >= 3.1000
 * does (../shared/research/anchors-rightsizing.md section 3): AWS JSON 1.0 with query
 * compatibility. POST /, content-type application/x-amz-json-1.0, x-amz-target
 * GraniteServiceVersion20100801.<Operation>, x-amzn-query-mode: true, SigV4 scoped to
 * `monitoring`; timestamps are epoch seconds both ways; bodies of 10 KB or more arrive gzipped.
 * Errors are 4xx with {"__type", "message"} and x-amzn-query-error: <Code>;Sender. Lists with
 * nothing in them are left out of answers, as AWS does, so callers must cope with undefined.
 *
 * Serves GetMetricData from canned series (paged by `pageSize` datapoints with NextToken),
 * DescribeAlarms (paged by MaxRecords) and PutMetricAlarm (an upsert, recorded); PutMetricData
 * is accepted and recorded. Anything else gets a clear 400.
 */

export interface FakeSeries {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  /** [epoch seconds, value], any order. */
  points: [number, number][];
}

export interface RecordedCall {
  operation: string;
  headers: IncomingMessage['headers'];
  /** The request body arrived gzipped (content-encoding: gzip). */
  gzipped: boolean;
  body: Record<string, unknown>;
}

export interface FakeCloudWatchOptions {
  series?: FakeSeries[];
  /** Datapoints per GetMetricData answer before a NextToken (default 100,800, AWS's own cap). */
  pageSize?: number;
  /** DescribeAlarms answers at most this many alarms a page, whatever MaxRecords asks (default 100). */
  alarmPageSize?: number;
  /** Answer this many requests with Throttling before serving. */
  throttleFirst?: number;
  /** Answer every request with this error. */
  alwaysFail?: { code: string; status: number; message: string };
}

export interface FakeCloudWatch {
  url: string;
  calls: RecordedCall[];
  /** Alarms by name, as stored by PutMetricAlarm. */
  alarms: Map<string, Record<string, unknown>>;
  /** Calls of one operation. */
  callsOf(operation: string): RecordedCall[];
  close(): Promise<void>;
}

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';

class WireError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<{ text: string; gzipped: boolean }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const gzipped = req.headers['content-encoding'] === 'gzip';
  return { text: (gzipped ? gunzipSync(raw) : raw).toString('utf8'), gzipped };
}

function seriesKey(namespace: string, metricName: string, dimensions: Record<string, string>, stat: string): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}|${stat}`;
}

interface MetricDataQueryBody {
  Id: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] }; Period: number; Stat: string; Unit?: string };
  Expression?: string;
}

export async function startFakeCloudWatch(options: FakeCloudWatchOptions = {}): Promise<FakeCloudWatch> {
  const calls: RecordedCall[] = [];
  const alarms = new Map<string, Record<string, unknown>>();
  const series = new Map<string, [number, number][]>();
  for (const s of options.series ?? []) series.set(seriesKey(s.namespace, s.metricName, s.dimensions, s.stat), [...s.points].sort((a, b) => a[0] - b[0]));
  let throttles = options.throttleFirst ?? 0;
  const pageSize = options.pageSize ?? 100_800;

  const getMetricData = (body: Record<string, unknown>): unknown => {
    const queries = (body.MetricDataQueries ?? []) as MetricDataQueryBody[];
    if (queries.length === 0 || queries.length > 500) throw new WireError(400, 'InvalidParameterValue', 'MetricDataQueries must hold 1 to 500 queries');
    const start = body.StartTime;
    const end = body.EndTime;
    if (typeof start !== 'number' || typeof end !== 'number') throw new WireError(400, 'InvalidParameterValue', 'StartTime and EndTime must be epoch seconds');
    const descending = body.ScanBy !== 'TimestampAscending';
    const maxDatapoints = Math.min(pageSize, typeof body.MaxDatapoints === 'number' ? body.MaxDatapoints : 100_800);
    // Every point of every query in answer order; NextToken is the offset into that list.
    const all: { id: string; t: number; v: number }[] = [];
    for (const q of queries) {
      if (!/^[a-z][A-Za-z0-9_]*$/.test(q.Id)) throw new WireError(400, 'InvalidParameterValue', `The value ${q.Id} for parameter MetricDataQueries.member.Id is not valid`);
      if (!q.MetricStat) throw new WireError(400, 'InvalidParameterValue', 'this fake serves MetricStat queries only');
      const { Metric, Period, Stat } = q.MetricStat;
      if (Period % 60 !== 0) throw new WireError(400, 'InvalidParameterValue', 'Period must be a multiple of 60');
      const dims = Object.fromEntries((Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      // A Unit that differs from the published one returns no data, as on AWS: this fake publishes none.
      const points = q.MetricStat.Unit ? [] : (series.get(seriesKey(Metric.Namespace, Metric.MetricName, dims, Stat)) ?? []);
      const inWindow = points.filter(([t]) => t >= start && t < end);
      if (descending) inWindow.reverse();
      if (q.ReturnData !== false) for (const [t, v] of inWindow) all.push({ id: q.Id, t, v });
    }
    const offset = typeof body.NextToken === 'string' ? Number(body.NextToken.replace('page-', '')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new WireError(400, 'InvalidNextToken', 'The service cannot find the NextToken');
    const page = all.slice(offset, offset + maxDatapoints);
    const next = offset + maxDatapoints < all.length ? `page-${offset + maxDatapoints}` : undefined;
    const remaining = new Set(all.slice(offset + maxDatapoints).map((p) => p.id));
    const results = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const mine = page.filter((p) => p.id === q.Id);
        return {
          Id: q.Id,
          Label: q.MetricStat?.Metric.MetricName,
          // Empty lists are left out, as AWS answers.
          ...(mine.length > 0 ? { Timestamps: mine.map((p) => p.t), Values: mine.map((p) => p.v) } : {}),
          StatusCode: remaining.has(q.Id) ? 'PartialData' : 'Complete',
        };
      });
    return { MetricDataResults: results, ...(next ? { NextToken: next } : {}) };
  };

  const describeAlarms = (body: Record<string, unknown>): unknown => {
    const prefix = typeof body.AlarmNamePrefix === 'string' ? body.AlarmNamePrefix : undefined;
    const names = Array.isArray(body.AlarmNames) ? (body.AlarmNames as string[]) : undefined;
    if (prefix !== undefined && names !== undefined) throw new WireError(400, 'InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be used together');
    const matching = [...alarms.values()].filter((a) => {
      const name = a.AlarmName as string;
      return (prefix === undefined || name.startsWith(prefix)) && (names === undefined || names.includes(name));
    });
    const max = Math.min(options.alarmPageSize ?? 100, typeof body.MaxRecords === 'number' ? body.MaxRecords : 50);
    const offset = typeof body.NextToken === 'string' ? Number(body.NextToken.replace('alarms-', '')) : 0;
    const page = matching.slice(offset, offset + max);
    const next = offset + max < matching.length ? `alarms-${offset + max}` : undefined;
    return { ...(page.length > 0 ? { MetricAlarms: page } : {}), ...(next ? { NextToken: next } : {}) };
  };

  const putMetricAlarm = (body: Record<string, unknown>): unknown => {
    if (typeof body.AlarmName !== 'string') throw new WireError(400, 'MissingParameter', 'The parameter AlarmName is required.');
    const single = body.MetricName !== undefined;
    if (single === (body.Metrics !== undefined)) throw new WireError(400, 'InvalidParameterCombination', 'give either MetricName or Metrics');
    if (body.Metrics !== undefined && (body.Metrics as { ReturnData?: boolean }[]).filter((m) => m.ReturnData !== false).length !== 1) {
      throw new WireError(400, 'ValidationError', 'exactly one element of Metrics must have ReturnData true');
    }
    // An upsert: the new configuration replaces the old, the state stays.
    const previous = alarms.get(body.AlarmName);
    alarms.set(body.AlarmName, {
      ...body,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${body.AlarmName}`,
      StateValue: previous?.StateValue ?? 'INSUFFICIENT_DATA',
      AlarmConfigurationUpdatedTimestamp: Math.floor(Date.now() / 1000),
    });
    return {};
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetMetricData: getMetricData,
    // Accepted and recorded only: what the SDK sends (gzipped from 10 KB) is what tests look at.
    PutMetricData: () => ({}),
    DescribeAlarms: describeAlarms,
    PutMetricAlarm: putMetricAlarm,
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then(({ text, gzipped }) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      const send = (status: number, payload: unknown, queryError?: string): void => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': `req-${calls.length}`,
          ...(queryError ? { 'x-amzn-query-error': `${queryError};Sender` } : {}),
        });
        res.end(JSON.stringify(payload));
      };
      const fail = (error: WireError): void => send(error.status, { __type: `com.amazonaws.cloudwatch#${error.code}`, message: error.message }, error.code);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text || '{}') as Record<string, unknown>;
      } catch {
        fail(new WireError(400, 'SerializationException', 'the body is not JSON'));
        return;
      }
      calls.push({ operation, headers: req.headers, gzipped, body });
      try {
        if (req.method !== 'POST' || req.url !== '/') throw new WireError(400, 'InvalidAction', `expected POST /, got ${req.method} ${req.url}`);
        if (req.headers['content-type'] !== 'application/x-amz-json-1.0') {
          throw new WireError(400, 'InvalidAction', `this fake speaks AWS JSON 1.0 only (content-type ${req.headers['content-type']})`);
        }
        if (!target.startsWith(TARGET_PREFIX)) throw new WireError(400, 'InvalidAction', `unknown x-amz-target '${target}'`);
        if (req.headers['x-amzn-query-mode'] !== 'true') throw new WireError(400, 'InvalidAction', 'x-amzn-query-mode: true is missing');
        if (!/\/monitoring\/aws4_request/.test(String(req.headers.authorization ?? ''))) throw new WireError(403, 'InvalidClientTokenId', 'SigV4 scope is not monitoring');
        if (options.alwaysFail) throw new WireError(options.alwaysFail.status, options.alwaysFail.code, options.alwaysFail.message);
        if (throttles > 0) {
          throttles -= 1;
          throw new WireError(400, 'Throttling', 'Rate exceeded');
        }
        const handler = operations[operation];
        if (!handler) throw new WireError(400, 'InvalidAction', `this fake does not serve ${operation}`);
        send(200, handler(body));
      } catch (error) {
        if (error instanceof WireError) fail(error);
        else fail(new WireError(500, 'InternalServiceError', (error as Error).message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    alarms,
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
