import type { Percentile, Sla } from './sla.js';

/**
 * The SLA grammar, `p95<=100ms` or `p99<0.5s`, without zod or errors, so the terminal (sla.ts,
 * which adds the one-line error) and the report page (web/lib/sla.ts) read the same texts.
 */
const SLA_PATTERN = /^\s*(p50|p90|p95|p99)\s*<=?\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/i;

export type SlaReading = { ok: true; sla: Sla } | { ok: false; why: 'form' | 'zero' };

export function readSlaText(text: string): SlaReading {
  const match = SLA_PATTERN.exec(text);
  if (!match) return { ok: false, why: 'form' };
  const [, percentile, amount, unit] = match as unknown as [string, string, string, string];
  const maxLatencyMs = Number(amount) * (unit.toLowerCase() === 's' ? 1000 : 1);
  if (!(maxLatencyMs > 0)) return { ok: false, why: 'zero' };
  return { ok: true, sla: { percentile: percentile.toLowerCase() as Percentile, maxLatencyMs } };
}
