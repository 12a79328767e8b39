import type { Finding } from '../../schema/findings.js';
import type { Hour } from '../hours.js';
import { GPU_MEMORY_HEADROOM_PCT } from '../thresholds.js';
import { finding, r1, type Context } from './context.js';

export function gpuMemoryHeadroom(ctx: Context): Finding[] {
  let max = Number.NaN;
  let at: Hour | undefined;
  for (const h of ctx.hours) {
    if (!Number.isNaN(h.gpuMemoryPct) && !(h.gpuMemoryPct <= max)) {
      max = h.gpuMemoryPct;
      at = h;
    }
  }
  if (!at || max >= GPU_MEMORY_HEADROOM_PCT) return [];
  return [
    finding({
      kind: 'GPU_MEMORY_HEADROOM',
      reasonCodes: ['GPUMemoryOverprovisioned'],
      summary: `GPU memory in use never exceeded ${r1(max)}% of the GPU's memory`,
      recommendation: 'a GPU with less memory, or another model on the same GPU, would fit; re-profile before switching',
      figures: { maxGpuMemoryPct: r1(max), maxHour: at.start },
      risk: 0,
    }),
  ];
}
