
/**
 * The SLA grammar, `p95<=100ms` or `p99<0.5s`, without zod or errors, so the terminal (sla.ts,
 * which adds the one-line error) and the report page (web/lib/sla.ts) read the same texts.
 */
const SLA_PATTERN = /^\s*(p50|p90|p95|p99)\s*<=?\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/i;

/** sla.ts's Sla, spelled out here: sla.ts imports this file. */
type SlaPercentile = 'p50' | 'p90' | 'p95' | 'p99';
export type SlaReading = { ok: true; sla: { percentile: SlaPercentile; maxLatencyMs: number } } | { ok: false; why: 'form' | 'zero' };

export function readSlaText(text: string): SlaReading {
  const match = SLA_PATTERN.exec(text);
  if (!match) return { ok: false, why: 'form' };
  const [, percentile, amount, unit] = match as unknown as [string, string, string, string];
  const maxLatencyMs = Number(amount) * (unit.toLowerCase() === 's' ? 1000 : 1);
  if (!(maxLatencyMs > 0)) return { ok: false, why: 'zero' };
  return { ok: true, sla: { percentile: percentile.toLowerCase() as SlaPercentile, maxLatencyMs } };
}
