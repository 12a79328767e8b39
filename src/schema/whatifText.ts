import type { WhatifRow } from './whatif.js';

/**
 * A what-if row's noise verdict in words, the same in the terminal and on the page (imported by
 * both; types only, so no zod reaches the browser): a setting apart on its first measurement but
 * not on its repeat says so, since its dollars are the first measurement's.
 */
export function beyondNoiseText(row: Pick<WhatifRow, 'beyondNoise' | 'again'>): string {
  if (row.beyondNoise) return 'yes';
  return row.again ? 'no: not on a repeat' : 'no';
}
