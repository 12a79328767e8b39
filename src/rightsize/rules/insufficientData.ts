import { roundTo } from '../../plan/money.js';
import type { Finding } from '../../schema/findings.js';
import { MIN_HOURS } from '../thresholds.js';
import { finding, type Context } from './context.js';

const REASON_BY_METRIC: Record<string, string> = {
  RequestCount: 'DemandMetricMissing',
  Invocations: 'DemandMetricMissing',
  TargetResponseTime: 'LatencyMetricMissing',
  ModelLatency: 'LatencyMetricMissing',
  GroupInServiceInstances: 'GroupMetricsDisabled',
  HealthyHostCount: 'InstanceMetricMissing',
  InvocationsPerInstance: 'InstanceMetricMissing',
};

export function insufficientData(ctx: Context): Finding[] {
  const groups = new Map<string, { metrics: string[]; fix: string }>();
  for (const m of ctx.series.missing) {
    const name = m.metric.split(' ').at(-1)!;
    const reason = REASON_BY_METRIC[name] ?? 'GPUMetricsMissing';
    const group = groups.get(reason) ?? { metrics: [], fix: m.fix };
    group.metrics.push(m.metric);
    groups.set(reason, group);
  }
  const risks: Record<string, number> = { DemandMetricMissing: 2, InstanceMetricMissing: 2, LatencyMetricMissing: 1, GPUMetricsMissing: 1, GroupMetricsDisabled: 0 };
  const judged: Record<string, string> = {
    DemandMetricMissing: 'demand is unknown, so no instance count can be judged',
    InstanceMetricMissing: 'instances in service are unknown, so no saving can be computed',
    LatencyMetricMissing: 'the SLA cannot be checked against observed latency',
    GPUMetricsMissing: 'IO_BOUND, GPU_SATURATED and GPU_MEMORY_HEADROOM cannot be judged',
    GroupMetricsDisabled: "instances are read from the ALB's healthy hosts instead",
  };
  const out = [...groups].map(([reason, g]) =>
    finding({
      kind: 'INSUFFICIENT_DATA',
      reasonCodes: [reason],
      summary: `no datapoints for ${g.metrics.join(', ')} in the window: ${judged[reason]}`,
      recommendation: g.fix,
      figures: { metrics: g.metrics.join(', ') },
      risk: risks[reason] ?? 1,
    }),
  );
  const hoursOfData = ctx.series.minutes / 60;
  if (hoursOfData < MIN_HOURS) {
    out.push(
      finding({
        kind: 'INSUFFICIENT_DATA',
        reasonCodes: ['ShortLookback'],
        summary: `only ${roundTo(hoursOfData, 1)} hours of data; at least ${MIN_HOURS} are needed for a recommendation to mean much`,
        recommendation: 'use --lookback 14d (the default), or wait for more data',
        figures: { hoursOfData: roundTo(hoursOfData, 2) },
        risk: 2,
      }),
    );
  }
  return out;
}
