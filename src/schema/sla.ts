import { z } from 'zod';
import { UsageError } from '../util/errors.js';

/** A latency SLA such as `p95<=100ms`: the given percentile of end-to-end latency must not exceed the bound. */
export const Percentile = z.enum(['p50', 'p90', 'p95', 'p99']);
export type Percentile = z.infer<typeof Percentile>;

export const Sla = z
  .object({
    percentile: Percentile,
    maxLatencyMs: z.number().positive(),
  })
  .strict();
export type Sla = z.infer<typeof Sla>;

const SLA_PATTERN = /^\s*(p50|p90|p95|p99)\s*<=?\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/i;

/** Parses `p95<=100ms`, `p99<0.5s`. Throws a UsageError naming the accepted form. */
export function parseSla(text: string, flag = '--sla'): Sla {
  const match = SLA_PATTERN.exec(text);
  if (!match) {
    throw new UsageError(
      `${flag} '${text}' does not parse`,
      "write it as <percentile><=<number><ms|s>, e.g. 'p95<=100ms'; percentiles: p50, p90, p95, p99",
    );
  }
  const [, percentile, amount, unit] = match as unknown as [string, string, string, string];
  const maxLatencyMs = Number(amount) * (unit.toLowerCase() === 's' ? 1000 : 1);
  if (!(maxLatencyMs > 0)) throw new UsageError(`${flag} '${text}': the latency bound must be above zero`);
  return { percentile: percentile.toLowerCase() as Percentile, maxLatencyMs };
}

export function formatSla(sla: Sla): string {
  return `${sla.percentile}<=${sla.maxLatencyMs}ms`;
}
