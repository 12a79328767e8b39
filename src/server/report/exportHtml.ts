import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sla } from '../../schema/sla.js';
import type { DocumentEntry } from './documentStore.js';
import { chartJsPath, packageVersion, WEB_DIST_DIR } from './webAssets.js';

/**
 * The shareable report: one HTML file with the CSS, chart.js, the app (dist/web/app.js, the same
 * bundle the served pages load) and the documents inlined. No clock and no host in it, so identical
 * inputs give identical bytes.
 */
export interface ExportOptions {
  entries: readonly DocumentEntry[];
  sla?: Sla | null;
  webDir?: string;
}

export function renderReportHtml(options: ExportOptions): string {
  const webDir = options.webDir ?? WEB_DIST_DIR;
  const css = readFileSync(join(webDir, 'report.css'), 'utf8');
  const chartJs = readFileSync(chartJsPath(), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const app = readFileSync(join(webDir, 'app.js'), 'utf8');
  const versions = { capacityPlan: packageVersion('capacity-plan'), chartJs: packageVersion('chart.js') };
  const data = {
    sla: options.sla ?? null,
    documents: options.entries.map((e) => ({ id: e.id, doc: e.doc })),
    provenance: {
      columns: ['item', 'value'],
      rows: [
        ['capacity-plan', versions.capacityPlan],
        ['chart.js', versions.chartJs],
        ...(options.sla ? [['SLA', `${options.sla.percentile}<=${options.sla.maxLatencyMs}ms`]] : []),
        ...options.entries.flatMap((e) => [[`${e.kind} ${e.id}`, `${e.path} sha256 ${e.sha256}`]]),
      ],
    },
  };
  const names = options.entries.map((e) => ('name' in e.doc ? e.doc.name : e.id)).join(', ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="capacity-plan ${escapeHtml(versions.capacityPlan)}">`,
    `<title>capacity-plan report: ${escapeHtml(names)}</title>`,
    // No favicon request: the file opens with the network off, and a served page would 404.
    '<link rel="icon" href="data:,">',
    `<style>\n${css}</style>`,
    '</head>',
    '<body>',
    '<header class="top"><span>capacity-plan report</span></header>',
    '<main id="app"></main>',
    `<script type="application/json" id="cp-data">${escapeJsonForHtml(data)}</script>`,
    `<script>\n${guardScript(chartJs)}</script>`,
    `<script>\n${guardScript(app)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * JSON safe inside <script>: <, > and & become \u003c, \u003e, \u0026 (a name holding
 * `</script>` cannot close the element), and U+2028/2029 are escaped for old parsers.
 */
export function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Inline scripts must not contain `</script`; ours and chart.js's do not, and this says so if one ever does. */
function guardScript(source: string): string {
  if (/<\/script/i.test(source)) throw new Error('an inlined script contains </script');
  return source;
}
