import type { Fleet } from '../schema/fleet.js';

/**
 * The CloudWatch metrics the watcher reads for each kind of fleet: plain per-minute MetricStat
 * queries, no math expressions, so every conversion happens in our pure code and is tested there.
 */
export interface MetricQuery {
  /** GetMetricData query Id (starts with a lowercase letter). */
  id: QueryId;
  namespace: string;
  metricName: string;
  dimensions: { name: string; value: string }[];
  /** Sum, Average, Minimum, or an extended statistic such as p95. */
  stat: string;
  /** What to do when CloudWatch has no data for it: named in INSUFFICIENT_DATA findings. */
  fix: string;
}

export type QueryId =
  | 'requests'
  | 'latency'
  | 'healthyHosts'
  | 'inService'
  | 'gpuUtil'
  | 'gpuMemUsed'
  | 'gpuMemTotal'
  | 'perInstance'
  | 'gpuMemUtil';

export const PERIOD_S = 60;

const CW_AGENT_GPU_FIX =
  "install the CloudWatch agent with metrics_collected.nvidia_gpu and append_dimensions {AutoScalingGroupName: '${aws:AutoScalingGroupName}'} plus aggregation_dimensions [['AutoScalingGroupName']]";

export function metricQueries(fleet: Fleet): MetricQuery[] {
  const { sla } = fleet;
  const latencyStat = sla.percentile;
  const source = fleet.source;
  if (source.kind === 'asg-alb') {
    const lbTg = [
      { name: 'LoadBalancer', value: source.loadBalancer },
      { name: 'TargetGroup', value: source.targetGroup },
    ];
    const asg = [{ name: 'AutoScalingGroupName', value: source.autoScalingGroupName }];
    return [
      { id: 'requests', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: lbTg, stat: 'Sum', fix: 'check loadBalancer and targetGroup in the fleet file (the ALB sends RequestCount only while requests flow)' },
      { id: 'latency', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: lbTg, stat: latencyStat, fix: 'check loadBalancer and targetGroup in the fleet file' },
      { id: 'healthyHosts', namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: lbTg, stat: 'Minimum', fix: 'check targetGroup in the fleet file' },
      { id: 'inService', namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: asg, stat: 'Average', fix: `enable group metrics: aws autoscaling enable-metrics-collection --auto-scaling-group-name ${source.autoScalingGroupName} --granularity 1Minute` },
      { id: 'gpuUtil', namespace: 'CWAgent', metricName: 'nvidia_smi_utilization_gpu', dimensions: asg, stat: 'Average', fix: CW_AGENT_GPU_FIX },
      { id: 'gpuMemUsed', namespace: 'CWAgent', metricName: 'nvidia_smi_memory_used', dimensions: asg, stat: 'Average', fix: CW_AGENT_GPU_FIX },
      { id: 'gpuMemTotal', namespace: 'CWAgent', metricName: 'nvidia_smi_memory_total', dimensions: asg, stat: 'Average', fix: CW_AGENT_GPU_FIX },
    ];
  }
  const variant = [
    { name: 'EndpointName', value: source.endpointName },
    { name: 'VariantName', value: source.variantName },
  ];
  return [
    { id: 'requests', namespace: 'AWS/SageMaker', metricName: 'Invocations', dimensions: variant, stat: 'Sum', fix: 'check endpointName and variantName in the fleet file' },
    { id: 'latency', namespace: 'AWS/SageMaker', metricName: 'ModelLatency', dimensions: variant, stat: latencyStat, fix: 'check endpointName and variantName in the fleet file' },
    { id: 'perInstance', namespace: 'AWS/SageMaker', metricName: 'InvocationsPerInstance', dimensions: variant, stat: 'Sum', fix: 'check endpointName and variantName in the fleet file' },
    { id: 'gpuUtil', namespace: '/aws/sagemaker/Endpoints', metricName: 'GPUUtilization', dimensions: variant, stat: 'Average', fix: 'use a GPU instance type for the variant (SageMaker publishes GPUUtilization for GPU instances only)' },
    { id: 'gpuMemUtil', namespace: '/aws/sagemaker/Endpoints', metricName: 'GPUMemoryUtilization', dimensions: variant, stat: 'Average', fix: 'use a GPU instance type for the variant' },
  ];
}
