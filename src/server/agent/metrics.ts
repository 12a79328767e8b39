import { collectDefaultMetrics, Counter, Histogram, Registry, Summary } from 'prom-client';
import { STAGE_NAMES } from '../../schema/profileSpec.js';
import { AGENT_METRICS } from '../../schema/wire/metricNames.js';
import type { StageTimings } from '../../serving/pipeline.js';

/**
 * The agent's Prometheus metrics, in a private Registry: several agents can run in one process
 * (tests, the profiler) without colliding in prom-client's global registry.
 */
export interface AgentMetrics {
  registry: Registry;
  /** One finished HTTP response. `route` is the route pattern (bounded cardinality), not the URL. */
  observeRequest(route: string, status: number, seconds: number): void;
  /** The stage durations of one pipeline request. */
  observeStages(stageMs: StageTimings): void;
  observeBatch(size: number): void;
}

/** Seconds: from well under a millisecond (tiny on a CPU) to the default 30 s timeout and beyond. */
const REQUEST_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Stages are often microseconds (a cached config load), so these start at 10 us. */
const STAGE_BUCKETS_S = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export function createAgentMetrics(): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: AGENT_METRICS.requestsTotal,
    help: 'HTTP requests answered, by route pattern and status code',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: AGENT_METRICS.requestDurationSeconds,
    help: "The server's time per HTTP request, from its headers arriving to the response being sent",
    labelNames: ['route'] as const,
    buckets: REQUEST_BUCKETS_S,
    registers: [registry],
  });
  // The CloudWatch agent keeps counters, gauges and summaries but drops histograms: without this,
  // no latency figure of the agent's would survive the trip to CloudWatch.
  const requestLatency = new Summary({
    name: AGENT_METRICS.requestLatencySummarySeconds,
    help: "The server's time per HTTP request (as the histogram), as p50/p95/p99 over the last minute",
    labelNames: ['route'] as const,
    percentiles: [0.5, 0.95, 0.99],
    maxAgeSeconds: 60,
    ageBuckets: 5,
    registers: [registry],
  });
  const stageDuration = new Histogram({
    name: AGENT_METRICS.stageDurationSeconds,
    help: 'Time per pipeline stage per request (queueWait and infer included)',
    labelNames: ['stage'] as const,
    buckets: STAGE_BUCKETS_S,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: AGENT_METRICS.batchSize,
    help: 'Requests per batch dispatched to the model',
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observeRequest(route, status, seconds) {
      requests.inc({ route, status: String(status) });
      requestDuration.observe({ route }, seconds);
      requestLatency.observe({ route }, seconds);
    },
    observeStages(stageMs) {
      for (const stage of STAGE_NAMES) {
        const ms = stageMs[stage];
        if (ms !== undefined) stageDuration.observe({ stage }, Math.max(0, ms) / 1000);
      }
    },
    observeBatch(size) {
      batchSize.observe(size);
    },
  };
}
