import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Sla } from '../../schema/sla.js';

/**
 * Where the browser side lives once built: dist/web (web/'s TypeScript bundled by esbuild in
 * `npm run build`, scripts/build-web.mjs), at the package root's dist/ whether this file runs from
 * src/server/report (tests) or dist/server/report; and chart.js's UMD build in node_modules, never
 * a CDN.
 */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WEB_DIST_DIR = join(PACKAGE_ROOT, 'dist', 'web');

const require = createRequire(import.meta.url);

export function chartJsPath(): string {
  // chart.js's exports map has no ./package.json; its main entry sits beside the UMD build.
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export function packageVersion(name: string): string {
  const pkgPath = name === 'capacity-plan' ? join(PACKAGE_ROOT, 'package.json') : join(dirname(require.resolve(name)), '..', 'package.json');
  return (require(pkgPath) as { version: string }).version;
}

/**
 * The report's view models as CSV tables (dist/web/tables.js, built from web/lib/tables.ts; the test
 * test/report/tables.test.ts checks that module against this type).
 */
export interface ReportTables {
  csvTables(entries: readonly { id: string; doc: unknown }[], sla: Sla | null): { name: string; csv: string }[];
}

export async function loadReportTables(webDir: string = WEB_DIST_DIR): Promise<ReportTables> {
  return (await import(pathToFileURL(join(webDir, 'tables.js')).href)) as ReportTables;
}
