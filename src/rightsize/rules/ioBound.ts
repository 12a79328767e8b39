import type { Finding } from '../../schema/findings.js';
import { IO_BOUND_GPU_SHARE, OVER_SLA_MINUTES } from '../thresholds.js';
import { finding, r1, r3, type Context } from './context.js';

export function ioBound(ctx: Context): Finding[] {
  const gpuAtCapacity = ctx.capacity.gpuUtilPct;
  if (gpuAtCapacity === undefined) return [];
  const C = ctx.capacity.throughputRps;
  const hit = ctx.known.filter((h) => {
    if (h.minutesOverSla < OVER_SLA_MINUTES || Number.isNaN(h.gpuUtilPct) || !(h.running > 0)) return false;
    const perInstance = h.meanRps / h.running;
    return h.peakRps / h.running < C && h.gpuUtilPct < IO_BOUND_GPU_SHARE * gpuAtCapacity * (perInstance / C);
  });
  if (hit.length === 0) return [];
  const h = hit[0]!;
  const perInstance = h.meanRps / h.running;
  const expected = gpuAtCapacity * (perInstance / C);
  const stages = ctx.capacity.topStages.map((s) => `${s.name} ${r1(s.sharePct)}%`).join(', ');
  return [
    finding({
      kind: 'IO_BOUND',
      reasonCodes: ['GPUIdleLatencyHigh'],
      summary: `latency exceeded the SLA while each instance carried ${r1(perInstance)} req/s (below its ${C} req/s capacity) and the GPU ran at ${r1(h.gpuUtilPct)}%, under half the ${r1(expected)}% the profile reached at that load: the GPU is waiting on something else`,
      recommendation: `look at the profile's stage breakdown${stages ? ` (${stages})` : ''}: config loads, payload spooling and synchronous logging are the usual suspects; fix them before buying GPUs`,
      hours: hit,
      figures: { firstHour: h.start, demandPerInstanceRps: r3(perInstance), gpuUtilPct: r1(h.gpuUtilPct), expectedGpuUtilPct: r1(expected), latencyMs: r1(h.latencyMs), topStages: stages || null },
      risk: 3,
    }),
  ];
}
