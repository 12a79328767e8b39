/**
 * The agent's Prometheus metric names and labels: the agent registers them
 * (src/server/agent/metrics.ts); the CloudWatch agent's scrape config, the rightsizing watcher and
 * the alarms must use the same names, so they are declared once here.
 */
export const AGENT_METRICS = {
  requestsTotal: 'capacity_plan_requests_total',
  requestDurationSeconds: 'capacity_plan_request_duration_seconds',
  stageDurationSeconds: 'capacity_plan_stage_duration_seconds',
  batchSize: 'capacity_plan_batch_size',
} as const;

