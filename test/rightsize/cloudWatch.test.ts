import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alarmSpecs } from '../../src/rightsize/alarms.js';
import type { FleetCapacity } from '../../src/rightsize/capacity.js';
import { createCloudWatchClient, ensureAlarms, fetchFleetMetrics } from '../../src/rightsize/cloudWatch.js';
import { seriesFromRecording } from '../../src/rightsize/series.js';
import { Fleet } from '../../src/schema/fleet.js';
import { EnvironmentError, RemoteError } from '../../src/util/errors.js';
import { stubFakeCredentials, stubNoCredentials } from '../support/awsEnv.js';
import { startFakeCloudWatch, type FakeCloudWatch, type FakeSeries } from '../support/fakeCloudWatch.js';
import { ALB_SOURCE } from './syntheticFleets.js';

let server: FakeCloudWatch | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

const START = Date.UTC(2026, 10, 2, 9) / 1000;
const albFleet = Fleet.parse({ name: 'defect-classifier', region: 'us-east-1', instanceType: 'g4dn.xlarge', sla: 'p95<=100ms', capacity: 'x.json', source: ALB_SOURCE });
const smFleet = Fleet.parse({ ...albFleet, sla: 'p95<=100ms', source: { kind: 'sagemaker', endpointName: 'defect', variantName: 'AllTraffic' } });
const lbTg = { LoadBalancer: ALB_SOURCE.loadBalancer, TargetGroup: ALB_SOURCE.targetGroup };
const variant = { EndpointName: 'defect', VariantName: 'AllTraffic' };

function minutes(n: number, value: (i: number) => number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [START + i * 60, value(i)] as [number, number]);
}

const albSeries: FakeSeries[] = [
  { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: lbTg, stat: 'Sum', points: minutes(60, () => 3600) },
  // TargetResponseTime is in seconds.
  { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: lbTg, stat: 'p95', points: minutes(60, () => 0.087) },
  { namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: lbTg, stat: 'Minimum', points: minutes(60, () => 2) },
  { namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: { AutoScalingGroupName: 'defect-asg' }, stat: 'Average', points: minutes(60, () => 2) },
];

const capacity: FleetCapacity = {
  document: 'profiles/imported/article-triton-g4dn.json',
  id: 'article-triton-g4dn',
  from: 'profile-result',
  instanceType: 'g4dn.xlarge',
  sla: { percentile: 'p95', maxLatencyMs: 100 },
  throughputRps: 183,
  latencyMs: 98,
  meetsSla: true,
  gpuUtilPct: 81,
  topStages: [],
  notes: [],
};

describe('fetchFleetMetrics (real SDK, local CloudWatch endpoint)', () => {
  it('pages through NextToken, retries a throttle, converts seconds, and reports an empty series as missing', async () => {
    stubFakeCredentials();
    // 4 series x 60 points = 240 datapoints at 100 a page: 3 pages; the first request is throttled.
    server = await startFakeCloudWatch({ series: albSeries, pageSize: 100, throttleFirst: 1 });
    const client = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url } });
    const request = { fleet: albFleet, startEpochS: START, minutes: 60, recordedAt: '2026-11-02T10:00:00.000Z', endpointLabel: server.url };
    const recording = await fetchFleetMetrics(client, request);

    const calls = server.callsOf('GetMetricData');
    expect(calls.map((c) => c.body.NextToken ?? null)).toEqual([null, null, 'page-100', 'page-200']);
    for (const call of calls) {
      expect(call.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
      expect(call.headers['x-amzn-query-mode']).toBe('true');
      expect(call.headers['content-type']).toBe('application/x-amz-json-1.0');
      // Epoch seconds on the wire; 60 minutes x 7 queries fit one call.
      expect(call.body).toMatchObject({ StartTime: START, EndTime: START + 3600, ScanBy: 'TimestampAscending' });
      expect((call.body.MetricDataQueries as unknown[]).length).toBe(7);
    }
    expect((calls[0]!.body.MetricDataQueries as { MetricStat: { Stat: string; Unit?: string } }[])[1]!.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: ALB_SOURCE.loadBalancer }, { Name: 'TargetGroup', Value: ALB_SOURCE.targetGroup }] },
      Period: 60,
      Stat: 'p95',
    });

    // The paginator writes NextToken into the object it is given: a second fetch on the same client
    // must start from the first page again.
    await fetchFleetMetrics(client, request);
    expect(server.callsOf('GetMetricData')[4]!.body.NextToken).toBeUndefined();
    client.destroy();

    const series = seriesFromRecording(albFleet, recording, 1);
    expect(series.demandRps[0]).toBe(60);
    expect(series.latencyMs[59]).toBe(87);
    expect(series.instances[30]).toBe(2);
    expect(Number.isNaN(series.gpuUtilPct[0]!)).toBe(true);
    expect(series.missing.map((m) => m.metric)).toEqual(['CWAgent nvidia_smi_utilization_gpu', 'CWAgent nvidia_smi_memory_used']);
  });

  it('reads SageMaker latency in microseconds and instances as Invocations / InvocationsPerInstance', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({
      series: [
        { namespace: 'AWS/SageMaker', metricName: 'Invocations', dimensions: variant, stat: 'Sum', points: minutes(10, () => 6000) },
        { namespace: 'AWS/SageMaker', metricName: 'ModelLatency', dimensions: variant, stat: 'p95', points: minutes(10, () => 87_000) },
        { namespace: 'AWS/SageMaker', metricName: 'InvocationsPerInstance', dimensions: variant, stat: 'Sum', points: minutes(10, () => 2000) },
        // 0-100 x GPUs: 2 GPUs at 40% each.
        { namespace: '/aws/sagemaker/Endpoints', metricName: 'GPUUtilization', dimensions: variant, stat: 'Average', points: minutes(10, () => 80) },
      ],
    });
    const client = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL: server.url } });
    const recording = await fetchFleetMetrics(client, { fleet: smFleet, startEpochS: START, minutes: 10, recordedAt: 'x', endpointLabel: server.url });
    client.destroy();
    const series = seriesFromRecording(smFleet, recording, 2);
    expect(series.latencyMs[0]).toBe(87);
    expect(series.demandRps[0]).toBe(100);
    expect(series.instances[0]).toBe(3);
    expect(series.gpuUtilPct[0]).toBe(40);
    expect(series.missing.map((m) => m.metric)).toEqual(['/aws/sagemaker/Endpoints GPUMemoryUtilization']);
  });

  it('splits 14 days of minutes into calls of at most 100,800 datapoints', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({});
    const client = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url } });
    await fetchFleetMetrics(client, { fleet: albFleet, startEpochS: START, minutes: 14 * 1440, recordedAt: 'x', endpointLabel: server.url });
    client.destroy();
    // 20,160 points a series: 5 series a call (100,800), so 7 queries take 2 calls.
    expect(server.callsOf('GetMetricData').map((c) => (c.body.MetricDataQueries as unknown[]).length)).toEqual([5, 2]);
  });

  it('turns throttling that outlasts the retries into one RemoteError line', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({ throttleFirst: 10 });
    const client = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url }, maxAttempts: 2 });
    const failure = fetchFleetMetrics(client, { fleet: albFleet, startEpochS: START, minutes: 10, recordedAt: 'x', endpointLabel: server.url });
    await expect(failure).rejects.toBeInstanceOf(RemoteError);
    await expect(failure).rejects.toThrow(/^CloudWatch at http:\/\/127.0.0.1:\d+ kept throttling \(Throttling\w*, HTTP 400\) after 2 attempts/);
    expect(server.callsOf('GetMetricData')).toHaveLength(2);
    client.destroy();
  });

  it('reports an error answer, a refused connection and missing credentials on one line each', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({ alwaysFail: { code: 'AccessDenied', status: 403, message: 'User is not authorized to perform: cloudwatch:GetMetricData' } });
    const denied = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url }, maxAttempts: 1 });
    const failure = fetchFleetMetrics(denied, { fleet: albFleet, startEpochS: START, minutes: 10, recordedAt: 'x', endpointLabel: server.url });
    await expect(failure).rejects.toBeInstanceOf(RemoteError);
    await expect(failure).rejects.toThrow(/answered AccessDenied\w* \(HTTP 403\): User is not authorized/);
    denied.destroy();

    const closed = await startFakeCloudWatch({});
    await closed.close();
    const refused = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: closed.url }, maxAttempts: 1 });
    const unreachable = fetchFleetMetrics(refused, { fleet: albFleet, startEpochS: START, minutes: 10, recordedAt: 'x', endpointLabel: closed.url });
    await expect(unreachable).rejects.toBeInstanceOf(EnvironmentError);
    await expect(unreachable).rejects.toThrow(/cannot reach CloudWatch at http:\/\/127.0.0.1:\d+ \(ECONNREFUSED\)/);
    refused.destroy();

    stubNoCredentials();
    const anonymous = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url }, maxAttempts: 1 });
    const noCredentials = fetchFleetMetrics(anonymous, { fleet: albFleet, startEpochS: START, minutes: 10, recordedAt: 'x', endpointLabel: server.url });
    await expect(noCredentials).rejects.toBeInstanceOf(EnvironmentError);
    await expect(noCredentials).rejects.toThrow(/^no AWS credentials for CloudWatch/);
    anonymous.destroy();
  });

  it('receives request bodies of 10 KB or more gzipped, as the SDK sends them', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({});
    const client = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url } });
    const metricData = Array.from({ length: 400 }, (_, i) => ({ MetricName: `m${i}`, Value: i, Timestamp: new Date(START * 1000) }));
    await client.send(new PutMetricDataCommand({ Namespace: 'capacity-plan/test', MetricData: metricData }));
    await client.send(new PutMetricDataCommand({ Namespace: 'capacity-plan/test', MetricData: metricData.slice(0, 2) }));
    client.destroy();
    const calls = server.callsOf('PutMetricData');
    expect(calls.map((c) => c.gzipped)).toEqual([true, false]);
    expect((calls[0]!.body.MetricData as unknown[]).length).toBe(400);
  });
});

describe('ensureAlarms', () => {
  it('puts the alarms once: a second run finds them unchanged (DescribeAlarms paged)', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({ alarmPageSize: 3 });
    const client = createCloudWatchClient({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_CLOUDWATCH: server.url } });
    const specs = alarmSpecs(capacity, albFleet, { topicArn: 'arn:aws:sns:us-east-1:123456789012:capacity' });
    const first = await ensureAlarms(client, albFleet, specs, { endpointLabel: server.url });
    expect(first.put).toEqual([
      'capacity-plan/defect-classifier/sla-at-risk',
      'capacity-plan/defect-classifier/over-provisioned',
      'capacity-plan/defect-classifier/latency-sla',
      'capacity-plan/defect-classifier/no-capacity',
    ]);
    const second = await ensureAlarms(client, albFleet, specs, { endpointLabel: server.url });
    expect(second).toEqual({ put: [], unchanged: first.put });
    expect(server.callsOf('PutMetricAlarm')).toHaveLength(4);
    // 4 alarms at 3 a page: the second run read two pages.
    expect(server.callsOf('DescribeAlarms').map((c) => c.body.NextToken ?? null)).toEqual([null, null, 'alarms-3']);

    // A new capacity changes every description and the math: all four are put again.
    const changed = alarmSpecs({ ...capacity, throughputRps: 150 }, albFleet);
    const third = await ensureAlarms(client, albFleet, changed, { endpointLabel: server.url });
    expect(third.put).toHaveLength(4);
    expect(server.alarms.get('capacity-plan/defect-classifier/sla-at-risk')!.Metrics).toContainEqual(
      expect.objectContaining({ Id: 'load', Expression: 'FILL(req,0)/PERIOD(req)/(hosts*150)' }),
    );
    client.destroy();
  });
});
