import type { Sla } from './types.js';

/** `p95<=100ms` -> { percentile, maxLatencyMs }, or null (the same grammar as src/schema/sla.ts). */
export function parseSla(text: string | null | undefined): Sla | null {
  const m = /^\s*(p50|p90|p95|p99)\s*<=?\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/i.exec(text ?? '');
  if (!m) return null;
  const maxLatencyMs = Number(m[2]) * (m[3]!.toLowerCase() === 's' ? 1000 : 1);
  return maxLatencyMs > 0 ? { percentile: m[1]!.toLowerCase() as Sla['percentile'], maxLatencyMs } : null;
}
