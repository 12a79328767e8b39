import type { CapacityEstimate } from './capacityEstimate.js';

/**
 * A capacity in words, the same in the terminal and on the page (imported by both; no zod, so the
 * browser bundle stays small): "41.2 req/s (90% interval 36.5–45.0)", with the open ends said.
 */
export function formatCapacity(c: CapacityEstimate): string {
  if (c.estimateRps === null) return `below ${c.upperRps?.toFixed(1) ?? '?'} req/s (the lowest rate measured misses)`;
  const lower = c.lowerRps > 0 ? c.lowerRps.toFixed(1) : '0';
  const upper = c.upperRps === null ? 'above the highest rate measured' : c.upperRps.toFixed(1);
  return `${c.estimateRps.toFixed(1)} req/s (${c.confidencePct}% interval ${lower}–${upper})`;
}
