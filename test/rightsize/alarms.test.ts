import { describe, expect, it } from 'vitest';
import { alarmSpecs } from '../../src/rightsize/alarms.js';
import type { FleetCapacity } from '../../src/rightsize/capacity.js';
import { Fleet } from '../../src/schema/fleet.js';
import { ALB_SOURCE } from './syntheticFleets.js';

const capacity: FleetCapacity = {
  document: 'profiles/results/sweep-triton.json',
  id: 'sweep-triton/maxBatchSize=16',
  from: 'sweep-result',
  instanceType: 'g4dn.xlarge',
  sla: { percentile: 'p95', maxLatencyMs: 100 },
  throughputRps: 146.4,
  latencyMs: 97,
  meetsSla: true,
  gpuUtilPct: 80,
  topStages: [],
  notes: [],
};
const base = { name: 'defect-classifier', region: 'us-east-1', instanceType: 'g4dn.xlarge', sla: 'p95<=100ms', capacity: 'x.json' };

describe('alarmSpecs', () => {
  it('an ALB fleet: four alarms named capacity-plan/<fleet>/<kind>, math where needed', () => {
    const specs = alarmSpecs(capacity, Fleet.parse({ ...base, source: ALB_SOURCE }));
    expect(specs.map((s) => s.input.AlarmName)).toEqual([
      'capacity-plan/defect-classifier/sla-at-risk',
      'capacity-plan/defect-classifier/over-provisioned',
      'capacity-plan/defect-classifier/latency-sla',
      'capacity-plan/defect-classifier/no-capacity',
    ]);
    const [sla, over, latency, noCapacity] = specs.map((s) => s.input);
    // demand / (healthy hosts x capacity) > 0.8 in 3 of 5 minutes.
    expect(sla).toMatchObject({ Threshold: 0.8, ComparisonOperator: 'GreaterThanThreshold', DatapointsToAlarm: 3, EvaluationPeriods: 5, TreatMissingData: 'notBreaching' });
    expect(sla!.Metrics!.filter((m) => m.ReturnData)).toEqual([{ Id: 'load', Label: 'demand / capacity', ReturnData: true, Expression: 'FILL(req,0)/PERIOD(req)/(hosts*146.4)' }]);
    // One instance fewer stays under 146.4 x 0.8 = 117.12 req/s each, for 288 x 5 min = 24 h.
    expect(over!.Metrics!.find((m) => m.ReturnData)!.Expression).toBe('IF(hosts > 2 AND FILL(req,0)/PERIOD(req) <= (hosts-1)*117.12, 1, 0)');
    expect(over).toMatchObject({ EvaluationPeriods: 288, DatapointsToAlarm: 288 });
    expect(over!.Metrics![0]!.MetricStat!.Period * over!.EvaluationPeriods).toBe(86_400);
    // TargetResponseTime is in seconds: 100 ms -> 0.1.
    expect(latency).toMatchObject({ MetricName: 'TargetResponseTime', ExtendedStatistic: 'p95', Threshold: 0.1, EvaluateLowSampleCountPercentile: 'ignore', TreatMissingData: 'notBreaching' });
    expect(latency!.Statistic).toBeUndefined();
    expect(noCapacity).toMatchObject({ MetricName: 'HealthyHostCount', Statistic: 'Minimum', Threshold: 2, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    for (const s of specs) {
      expect(s.input.AlarmDescription).toContain('146.4 req/s per g4dn.xlarge at p95<=100ms from profiles/results/sweep-triton.json (sweep-triton/maxBatchSize=16)');
      expect(s.input.AlarmActions).toEqual([]);
      // Either one metric or metric math, never both.
      expect(Boolean(s.input.Metrics)).toBe(s.input.MetricName === undefined);
    }
  });

  it('a SageMaker variant: microsecond latency threshold, per-instance demand, no no-capacity alarm', () => {
    const specs = alarmSpecs(capacity, Fleet.parse({ ...base, sla: 'p99<=250ms', source: { kind: 'sagemaker', endpointName: 'defect' } }), { topicArn: 'arn:aws:sns:us-east-1:1:t' });
    expect(specs.map((s) => s.kind)).toEqual(['sla-at-risk', 'over-provisioned', 'latency-sla']);
    const latency = specs[2]!.input;
    expect(latency).toMatchObject({ Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Threshold: 250_000 });
    expect(latency.Dimensions).toEqual([{ Name: 'EndpointName', Value: 'defect' }, { Name: 'VariantName', Value: 'AllTraffic' }]);
    expect(specs[0]!.input.Metrics!.find((m) => m.ReturnData)!.Expression).toBe('FILL(per,0)/PERIOD(per)/146.4');
    expect(specs.every((s) => s.input.AlarmActions[0] === 'arn:aws:sns:us-east-1:1:t' && s.input.OKActions.length === 1)).toBe(true);
  });
});
