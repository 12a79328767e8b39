import { AGENT_METRICS } from '../../../src/schema/wire/metricNames.js';

/**
 * The CloudWatch agent's configuration for a fleet host, as the JSON the agent reads from the SSM
 * parameter. GPU metrics land in CWAgent with the instance and group appended and aggregated by
 * AutoScalingGroupName: the names and dimensions the rightsizing watcher queries
 * (src/rightsize/metricQueries.ts). The agent's own /metrics arrive as EMF logs.
 */

/** The agent's namespace for nvidia_gpu, and the one the watcher reads nvidia_smi_* from. */
export const GPU_METRICS_NAMESPACE = 'CWAgent';

/** nvidia_gpu measurements we collect; the agent publishes each as nvidia_smi_<name>. */
export const GPU_MEASUREMENTS = ['utilization_gpu', 'utilization_memory', 'memory_used', 'memory_total', 'power_draw', 'temperature_gpu'] as const;

export interface AgentConfigOptions {
  /** Where prometheus.yaml is written on the host. */
  prometheusConfigPath: string;
  /** The log group the EMF records of the scraped metrics go to. */
  prometheusLogGroupName: string;
  /** The namespace the EMF processor publishes the agent's metrics in. */
  emfNamespace: string;
  /** The scrape job's name in prometheus.yaml: the EMF processor matches on it. */
  scrapeJobName: string;
  intervalS?: number;
}

/**
 * What the EMF processor keeps, and by which labels (src/server/agent/metrics.ts): the request
 * counter by route and status, and the latency summary's quantiles by route. Histograms are not
 * selected: the CloudWatch agent drops them.
 */
export function agentMetricDeclarations(scrapeJobName: string): { source_labels: string[]; label_matcher: string; dimensions: string[][]; metric_selectors: string[] }[] {
  const common = { source_labels: ['job'], label_matcher: `^${scrapeJobName}$` };
  return [
    { ...common, dimensions: [['route', 'status']], metric_selectors: [`^${AGENT_METRICS.requestsTotal}$`] },
    { ...common, dimensions: [['route', 'quantile']], metric_selectors: [`^${AGENT_METRICS.requestLatencySummarySeconds}$`] },
  ];
}

export function renderCloudWatchAgentConfig(options: AgentConfigOptions): Record<string, unknown> {
  const intervalS = options.intervalS ?? 60;
  return {
    agent: { metrics_collection_interval: intervalS, run_as_user: 'root' },
    metrics: {
      namespace: GPU_METRICS_NAMESPACE,
      append_dimensions: {
        InstanceId: '${aws:InstanceId}',
        InstanceType: '${aws:InstanceType}',
        AutoScalingGroupName: '${aws:AutoScalingGroupName}',
      },
      aggregation_dimensions: [['AutoScalingGroupName']],
      metrics_collected: {
        nvidia_gpu: { measurement: [...GPU_MEASUREMENTS], metrics_collection_interval: intervalS },
      },
    },
    logs: {
      metrics_collected: {
        prometheus: {
          log_group_name: options.prometheusLogGroupName,
          prometheus_config_path: options.prometheusConfigPath,
          emf_processor: {
            metric_namespace: options.emfNamespace,
            metric_declaration: agentMetricDeclarations(options.scrapeJobName),
          },
        },
      },
      force_flush_interval: 5,
    },
  };
}
