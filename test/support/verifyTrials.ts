import type { TrialRunner } from '../../src/cli/verify.js';
import { createLatencyHistogram, encodeHistogram, recordMs } from '../../src/profile/core/histogram.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import type { ProfileSpec } from '../../src/schema/profileSpec.js';
import { profileDoc } from './samples.js';

/**
 * A verify trial runner that runs nothing: each trial serves the offered rate for 10 s, every
 * request in p95Ms (default 10 ms, within any SLA the tests use), kept in a histogram as a real
 * run's are. `seen` collects each trial's spec.
 */
export function passingTrials(seen: ProfileSpec[] = [], p95Ms = 10): TrialRunner {
  return async (spec) => {
    seen.push(spec);
    const rps = spec.load.kind === 'poisson' ? spec.load.rps : 0;
    const n = Math.round(rps * 10);
    const h = createLatencyHistogram();
    for (let i = 0; i < n; i++) recordMs(h, p95Ms);
    const doc = profileDoc({ name: 't', spec });
    return ProfileResult.parse({
      ...doc,
      measurement: { stable: true, stabilityNote: 'n', warmupS: 2, measuredS: 10, windows: [] },
      latency: {
        ...doc.latency,
        endToEnd: { count: n, meanMs: p95Ms, minMs: p95Ms, p50Ms: p95Ms, p90Ms: p95Ms, p95Ms, p99Ms: p95Ms, maxMs: p95Ms },
        endToEndHistogram: encodeHistogram(h),
      },
      requests: { completed: n, failed: 0, dropped: 0, failures: [] },
    });
  };
}
