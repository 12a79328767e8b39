import { readSlaText } from '../../src/schema/slaText.js';
import type { Sla } from './types.js';

/** `p95<=100ms` -> { percentile, maxLatencyMs }, or null: the terminal's grammar (src/schema/slaText.ts). */
export function parseSla(text: string | null | undefined): Sla | null {
  const reading = readSlaText(text ?? '');
  return reading.ok ? reading.sla : null;
}
