/**
 * The agent's Prometheus metric names and labels: the agent registers them
 * (src/server/agent/metrics.ts); the CloudWatch agent's scrape config, the rightsizing watcher and
 * the alarms must use the same names, so they are declared once here.
 */
export const AGENT_METRICS = {
  requestsTotal: 'capacity_plan_requests_total',
  requestDurationSeconds: 'capacity_plan_request_duration_seconds',
  /**
   * The same request times as a Summary (p50/p95/p99 over a sliding minute): the CloudWatch agent
   * drops Prometheus histograms but keeps summaries, so this is the latency that reaches CloudWatch.
   */
  requestLatencySummarySeconds: 'capacity_plan_request_latency_seconds',
  stageDurationSeconds: 'capacity_plan_stage_duration_seconds',
  batchSize: 'capacity_plan_batch_size',
} as const;

