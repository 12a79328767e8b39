// Builds the browser side (web/, TypeScript) into dist/web with esbuild, after `tsc` built dist/:
//   dist/web/app.js      the report's script for the served pages and the export (one classic script)
//   dist/web/tables.js   the view models' CSV tables for `report --csv` (an ES module for Node)
//   dist/web/report.html, report.css   copied as they are
// esbuild is a build tool only: nothing at run time imports it. The output is deterministic (no
// timestamps, no absolute paths), so identical inputs give byte-identical reports. The bundle may
// take only types from src/schema: a build whose inputs include zod fails (types are erased, so a
// value import of a schema module would show up here).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });

const common = { absWorkingDir: root, bundle: true, target: 'es2022', legalComments: 'none', charset: 'utf8', sourcemap: false, metafile: true, logLevel: 'warning' };
const results = await Promise.all([
  build({ ...common, entryPoints: ['web/ui/app.ts'], outfile: join(out, 'app.js'), format: 'iife', platform: 'browser' }),
  build({ ...common, entryPoints: ['web/lib/tables.ts'], outfile: join(out, 'tables.js'), format: 'esm', platform: 'neutral' }),
]);
for (const r of results) {
  const heavy = Object.keys(r.metafile.inputs).filter((p) => p.includes('node_modules/'));
  if (heavy.length > 0) throw new Error(`build-web: the report bundle must not include packages (web/ takes only types from src/schema): ${heavy.join(', ')}`);
}
for (const file of ['report.html', 'report.css']) copyFileSync(join(root, 'web', file), join(out, file));
process.stderr.write(`build-web: ${relative(root, out)}/{app.js,tables.js,report.html,report.css}\n`);
