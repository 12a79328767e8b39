import type { Fleet } from '../schema/fleet.js';
import type { FleetCapacity } from './capacity.js';

/**
 * The CloudWatch alarms that keep watching a fleet against its profiled capacity. Pure and free of
 * SDK imports: the CLI puts these with PutMetricAlarm and the CDK app builds the same alarms from
 * the same function. Each object is shaped like PutMetricAlarm's input.
 */
export type AlarmKind = 'sla-at-risk' | 'over-provisioned' | 'latency-sla' | 'no-capacity';

export interface AlarmDimension {
  Name: string;
  Value: string;
}

export interface AlarmMetricQuery {
  Id: string;
  Label?: string;
  ReturnData: boolean;
  Expression?: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: AlarmDimension[] };
    Period: number;
    Stat: string;
  };
}

export interface AlarmSpec {
  kind: AlarmKind;
  input: {
    AlarmName: string;
    AlarmDescription: string;
    ActionsEnabled: boolean;
    AlarmActions: string[];
    OKActions: string[];
    ComparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
    Threshold: number;
    EvaluationPeriods: number;
    DatapointsToAlarm: number;
    TreatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
    /** A single metric: */
    Namespace?: string;
    MetricName?: string;
    Dimensions?: AlarmDimension[];
    Period?: number;
    Statistic?: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
    ExtendedStatistic?: string;
    EvaluateLowSampleCountPercentile?: 'evaluate' | 'ignore';
    /** Or metric math (exactly one query returns data). */
    Metrics?: AlarmMetricQuery[];
  };
}

export interface AlarmOptions {
  /** SNS topic ARN notified on ALARM and OK. */
  topicArn?: string;
}

export const ALARM_PREFIX = 'capacity-plan';

export function alarmName(fleet: Fleet, kind: AlarmKind): string {
  return `${ALARM_PREFIX}/${fleet.name}/${kind}`;
}

/** Over-provisioned: 288 five-minute periods = 24 h, the most an alarm with a period under an hour may span. */
const DAY_OF_5_MIN = 288;

/**
 * sla-at-risk      demand / (instances x capacity) > utilisation, 3 of 5 minutes (metric math)
 * over-provisioned the fleet could lose an instance and stay under the utilisation for 24 h
 * latency-sla      the SLA percentile above the bound, 3 of 5 minutes; missing data is not
 *                  breaching (no traffic, no datapoint) and low-sample percentiles are ignored
 * no-capacity      healthy hosts below the floor for 2 minutes; missing data IS breaching (ALB only)
 */
export function alarmSpecs(capacity: FleetCapacity, fleet: Fleet, options: AlarmOptions = {}): AlarmSpec[] {
  const C = capacity.throughputRps;
  const u = fleet.utilization;
  const floor = fleet.minInstances;
  const actions = options.topicArn ? [options.topicArn] : [];
  const basis = `${C} req/s per ${fleet.instanceType} at ${fleet.sla.percentile}<=${fleet.sla.maxLatencyMs}ms from ${capacity.document} (${capacity.id}), target utilisation ${u}, floor ${floor}`;
  const common = (kind: AlarmKind, what: string) => ({
    AlarmName: alarmName(fleet, kind),
    AlarmDescription: `capacity-plan: ${what}. Capacity ${basis}.`,
    ActionsEnabled: true,
    AlarmActions: actions,
    OKActions: actions,
  });
  const stat = (id: string, namespace: string, metricName: string, dimensions: AlarmDimension[], period: number, s: string): AlarmMetricQuery => ({
    Id: id,
    ReturnData: false,
    MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions }, Period: period, Stat: s },
  });
  const source = fleet.source;
  const specs: AlarmSpec[] = [];

  if (source.kind === 'asg-alb') {
    const dims: AlarmDimension[] = [
      { Name: 'LoadBalancer', Value: source.loadBalancer },
      { Name: 'TargetGroup', Value: source.targetGroup },
    ];
    const req = (period: number) => stat('req', 'AWS/ApplicationELB', 'RequestCount', dims, period, 'Sum');
    const hosts = (period: number) => stat('hosts', 'AWS/ApplicationELB', 'HealthyHostCount', dims, period, 'Average');
    specs.push({
      kind: 'sla-at-risk',
      input: {
        ...common('sla-at-risk', `demand above ${u * 100}% of the healthy hosts' profiled capacity`),
        Metrics: [req(60), hosts(60), { Id: 'load', Label: 'demand / capacity', ReturnData: true, Expression: `FILL(req,0)/PERIOD(req)/(hosts*${C})` }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: u,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      },
    });
    specs.push({
      kind: 'over-provisioned',
      input: {
        ...common('over-provisioned', `one instance fewer would have stayed under ${u * 100}% of profiled capacity for 24 h`),
        Metrics: [
          req(300),
          hosts(300),
          { Id: 'spare', Label: 'an instance to spare', ReturnData: true, Expression: `IF(hosts > ${floor} AND FILL(req,0)/PERIOD(req) <= (hosts-1)*${round(C * u)}, 1, 0)` },
        ],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: DAY_OF_5_MIN,
        DatapointsToAlarm: DAY_OF_5_MIN,
        TreatMissingData: 'notBreaching',
      },
    });
    specs.push({
      kind: 'latency-sla',
      input: {
        ...common('latency-sla', `${fleet.sla.percentile} TargetResponseTime above ${fleet.sla.maxLatencyMs} ms`),
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        Dimensions: dims,
        Period: 60,
        ExtendedStatistic: fleet.sla.percentile,
        // TargetResponseTime is in seconds.
        Threshold: fleet.sla.maxLatencyMs / 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
        EvaluateLowSampleCountPercentile: 'ignore',
      },
    });
    if (floor > 0) {
      specs.push({
        kind: 'no-capacity',
        input: {
          ...common('no-capacity', `fewer than ${floor} healthy hosts (the HA floor)`),
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HealthyHostCount',
          Dimensions: dims,
          Period: 60,
          Statistic: 'Minimum',
          Threshold: floor,
          ComparisonOperator: 'LessThanThreshold',
          EvaluationPeriods: 2,
          DatapointsToAlarm: 2,
          // No datapoint here means no target group reporting: treat it as no capacity.
          TreatMissingData: 'breaching',
        },
      });
    }
    return specs;
  }

  const dims: AlarmDimension[] = [
    { Name: 'EndpointName', Value: source.endpointName },
    { Name: 'VariantName', Value: source.variantName },
  ];
  const inv = (period: number) => stat('inv', 'AWS/SageMaker', 'Invocations', dims, period, 'Sum');
  // InvocationsPerInstance: each request adds 1/N, so its per-second rate is the demand per instance.
  const per = (period: number) => stat('per', 'AWS/SageMaker', 'InvocationsPerInstance', dims, period, 'Sum');
  specs.push({
    kind: 'sla-at-risk',
    input: {
      ...common('sla-at-risk', `demand per instance above ${u * 100}% of profiled capacity`),
      Metrics: [per(60), { Id: 'load', Label: 'demand / capacity', ReturnData: true, Expression: `FILL(per,0)/PERIOD(per)/${C}` }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: u,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    },
  });
  specs.push({
    kind: 'over-provisioned',
    input: {
      ...common('over-provisioned', `one instance fewer would have stayed under ${u * 100}% of profiled capacity for 24 h`),
      Metrics: [
        inv(300),
        per(300),
        { Id: 'n', Label: 'instances', ReturnData: false, Expression: 'inv/per' },
        { Id: 'spare', Label: 'an instance to spare', ReturnData: true, Expression: `IF(n > ${floor} AND inv/PERIOD(inv) <= (n-1)*${round(C * u)}, 1, 0)` },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: DAY_OF_5_MIN,
      DatapointsToAlarm: DAY_OF_5_MIN,
      TreatMissingData: 'notBreaching',
    },
  });
  specs.push({
    kind: 'latency-sla',
    input: {
      ...common('latency-sla', `${fleet.sla.percentile} ModelLatency above ${fleet.sla.maxLatencyMs} ms`),
      Namespace: 'AWS/SageMaker',
      MetricName: 'ModelLatency',
      Dimensions: dims,
      Period: 60,
      ExtendedStatistic: fleet.sla.percentile,
      // ModelLatency is in microseconds.
      Threshold: fleet.sla.maxLatencyMs * 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: 'ignore',
    },
  });
  // SageMaker publishes no healthy-host count: no-capacity is an ALB alarm only.
  return specs;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
