import { toCsv, viewTables } from './csv.js';
import type { DocumentEntry, ProfileResult, Sla } from './types.js';
import { compareFor, viewFor } from './views.js';

/**
 * The node-side entry of the report's view models (bundled to dist/web/tables.js): `report --csv`
 * writes the page's own tables, so the CSVs match what the page shows. Its shape is
 * src/server/report/webAssets.ts `ReportTables` (test/report/tables.test.ts ties the two).
 */
export function csvTables(entries: readonly DocumentEntry[], sla: Sla | null): { name: string; csv: string }[] {
  const out: { name: string; csv: string }[] = [];
  const add = (prefix: string, vm: Parameters<typeof viewTables>[0]): void => {
    for (const { name, table } of viewTables(vm)) out.push({ name: `${prefix}-${name}`, csv: toCsv(table) });
  };
  for (const e of entries) add(e.id, viewFor(e.doc, { sla }));
  const profiles = entries.filter((e): e is { id: string; doc: ProfileResult } => e.doc.kind === 'profile-result');
  if (profiles.length >= 2) add('compare', compareFor(profiles.map((e) => e.doc)));
  return out;
}
