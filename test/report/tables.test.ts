import { describe, expect, it } from 'vitest';
import { loadReportTables, type ReportTables } from '../../src/server/report/webAssets.js';
import * as tables from '../../web/lib/tables.js';

describe('dist/web/tables.js, the view models the CLI writes CSVs from', () => {
  it('web/lib/tables.ts has the shape src/ loads it as (a type error here if they part)', () => {
    const typed: ReportTables = tables;
    expect(typeof typed.csvTables).toBe('function');
  });

  it('the built module is that module', async () => {
    const built = await loadReportTables();
    expect(built.csvTables([], null)).toEqual([]);
  });
});
