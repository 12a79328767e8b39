import { describe, expect, it } from 'vitest';
import { createAgentMetrics } from '../../../src/server/agent/metrics.js';

describe('agent metrics', () => {
  it('request latency as a Summary beside the histogram, so it survives the CloudWatch agent', async () => {
    const metrics = createAgentMetrics();
    // 100 requests of 1..100 ms: p50 about 50 ms, p95 about 95 ms, p99 about 99 ms.
    for (let ms = 1; ms <= 100; ms++) metrics.observeRequest('/v1/infer', 200, ms / 1000);
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE capacity_plan_request_latency_seconds summary');
    expect(text).toContain('# TYPE capacity_plan_request_duration_seconds histogram');
    const quantile = (q: string): number => {
      const match = new RegExp(`^capacity_plan_request_latency_seconds\\{quantile="${q}",route="/v1/infer"\\} (\\S+)$`, 'm').exec(text);
      if (!match) throw new Error(`no quantile ${q} in:\n${text}`);
      return Number(match[1]);
    };
    expect(quantile('0.5')).toBeCloseTo(0.05, 2);
    expect(quantile('0.95')).toBeCloseTo(0.095, 2);
    expect(quantile('0.99')).toBeCloseTo(0.099, 2);
    expect(text).toMatch(/^capacity_plan_request_latency_seconds_count\{route="\/v1\/infer"\} 100$/m);
  });
});
