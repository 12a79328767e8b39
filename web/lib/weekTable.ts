import { table } from './chartModel.js';
import type { Table } from './types.js';

export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * 168 hour-of-week figures (Monday 00:00 UTC first, as traffic models count) as a 7x24 table, with
 * the range the page shades between; '–' where an hour has no figure.
 */
export function weekTable(values: readonly (number | null)[], format: (x: number) => string = String): { table: Table; min: number; max: number } {
  const rows = DAYS.map((day, d) => [day, ...values.slice(d * 24, d * 24 + 24).map((v) => (v === null ? '–' : format(v)))]);
  const known = values.filter((v): v is number => v !== null);
  return {
    table: table(['day', ...Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))], rows),
    min: known.length > 0 ? Math.min(...known) : 0,
    max: known.length > 0 ? Math.max(...known) : 0,
  };
}
