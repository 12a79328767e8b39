import type { Environment } from '../../src/schema/profileResult.js';
import type { Sla } from '../../src/schema/sla.js';
import type { MeasurePoint, MeasuredPoint } from '../../src/sweep/runSweep.js';
import type { Observation } from '../../src/sweep/search.js';

/**
 * A synthetic closed-loop server for tests, worked by hand:
 *   throughput = min(c * 50, 400 * instances) req/s       (each client 50 req/s until the knee)
 *   p95        = 10 + max(0, c - 8 * instances) * 20 ms   (queueing past the knee)
 */
export function syntheticServer(concurrency: number, instances = 1): { throughputRps: number; p95Ms: number } {
  return {
    throughputRps: Math.min(concurrency * 50, 400 * instances),
    p95Ms: 10 + Math.max(0, concurrency - 8 * instances) * 20,
  };
}

/** The observation the search sees from the synthetic server under `maxP95Ms`. */
export function observeSynthetic(maxP95Ms: number, instances = 1) {
  return async (load: number): Promise<Observation> => {
    const { throughputRps, p95Ms } = syntheticServer(load, instances);
    return { load, throughputRps, meetsSla: p95Ms <= maxP95Ms };
  };
}

export const FAKE_ENVIRONMENT: Environment = {
  hostname: 'synthetic',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'synthetic cpu',
  cpuCores: 4,
  memoryGiB: 16,
  nodeVersion: 'v20',
  gpus: [],
  instanceType: 'g5.xlarge',
  recordedAt: '2026-01-01T00:00:00.000Z',
};

/** A MeasurePoint backed by the synthetic server (instances from the spec); records each call. */
export function syntheticMeasure(sla: Sla, calls: string[] = []): MeasurePoint {
  return async (spec, context) => {
    calls.push(`${context.configuration}@${context.offered.value}`);
    const { throughputRps, p95Ms } = syntheticServer(context.offered.value, spec.engine.instances);
    const measured: MeasuredPoint = {
      point: {
        offered: context.offered,
        throughputRps,
        p50Ms: p95Ms / 2,
        p95Ms,
        p99Ms: p95Ms * 1.5,
        failed: 0,
        dropped: 0,
        stable: true,
        meetsSla: p95Ms <= sla.maxLatencyMs,
      },
      environment: FAKE_ENVIRONMENT,
      modelLoadMs: 100 * spec.engine.instances,
      costExtras: [],
    };
    return measured;
  };
}
