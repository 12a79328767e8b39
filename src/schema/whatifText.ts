import type { WhatifRow } from './whatif.js';

/**
 * A what-if row's noise verdict in words, the same in the terminal and on the page (imported by
 * both; types only, so no zod reaches the browser), with the repeat's capacity where the first
 * measurement was apart: "yes (again 352.1)", "no: 312.0 on a repeat". A row's dollars are its
 * first measurement's, so the repeat is what a reader checks them against.
 */
export function beyondNoiseText(row: Pick<WhatifRow, 'beyondNoise' | 'again'>): string {
  if (!row.again) return row.beyondNoise ? 'yes' : 'no';
  const againRps = row.again.capacity?.estimateRps;
  const again = againRps == null ? 'none' : againRps.toFixed(1);
  return row.beyondNoise ? `yes (again ${again})` : `no: ${again} on a repeat`;
}
