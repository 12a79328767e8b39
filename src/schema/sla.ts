import { z } from 'zod';
import { UsageError } from '../util/errors.js';
import { readSlaText } from './slaText.js';

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

/** Parses `p95<=100ms`, `p99<0.5s`. Throws a UsageError naming the accepted form. */
export function parseSla(text: string, flag = '--sla'): Sla {
  const reading = readSlaText(text);
  if (reading.ok) return reading.sla;
  if (reading.why === 'zero') throw new UsageError(`${flag} '${text}': the latency bound must be above zero`);
  throw new UsageError(
    `${flag} '${text}' does not parse`,
    "write it as <percentile><=<number><ms|s>, e.g. 'p95<=100ms'; percentiles: p50, p90, p95, p99",
  );
}

export function formatSla(sla: Sla): string {
  return `${sla.percentile}<=${sla.maxLatencyMs}ms`;
}
