import type { Table } from './types.js';

/** RFC 4180 CSV of a { columns, rows } table: every cell quoted when it holds a comma, quote or newline. */
export function toCsv(t: Table): string {
  const cell = (v: string | null | undefined): string => {
    const s = String(v ?? '');
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

interface WithTables {
  charts?: Record<string, { table?: Table } | undefined>;
  stages?: { chart: { table: Table } };
  week?: { table?: Table };
  weekPeaks?: { table: Table };
  pairs?: { table: Table }[];
  [key: string]: unknown;
}

/** Every table of a view model, named for files: [{ name, table }]. */
export function viewTables(vm: WithTables): { name: string; table: Table }[] {
  const out: { name: string; table: Table }[] = [];
  const add = (name: string, t: unknown): void => {
    if (t && typeof t === 'object' && 'columns' in t) out.push({ name, table: t as Table });
  };
  for (const [key, chart] of Object.entries(vm.charts ?? {})) add(key, chart?.table);
  if (vm.stages) add('stages', vm.stages.chart.table);
  for (const key of ['coldStart', 'failures', 'environment', 'ranked', 'candidates', 'summary']) add(key, vm[key]);
  if (vm.week?.table) add('week-instances', vm.week.table);
  if (vm.weekPeaks) add('week-peak', vm.weekPeaks.table);
  for (const [i, p] of (vm.pairs ?? []).entries()) add(`pair-${i + 1}`, p.table);
  return out;
}
