import { stringify } from 'yaml';

/**
 * prometheus.yaml for the CloudWatch agent's Prometheus scraper: one static job on the
 * capacity-plan agent's /metrics on the same host.
 */
export interface PrometheusConfigOptions {
  jobName: string;
  port: number;
  intervalS?: number;
}

export function renderPrometheusYaml(options: PrometheusConfigOptions): string {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new RangeError(`agent port ${options.port} is not a TCP port`);
  }
  const interval = `${options.intervalS ?? 60}s`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: '10s' },
    scrape_configs: [
      {
        job_name: options.jobName,
        metrics_path: '/metrics',
        sample_limit: 10000,
        static_configs: [{ targets: [`127.0.0.1:${options.port}`] }],
      },
    ],
  });
}
