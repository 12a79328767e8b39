import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseSla, type Sla } from '../schema/sla.js';
import { loadDocuments, slug, type DocumentEntry } from '../server/report/documentStore.js';
import { renderReportHtml } from '../server/report/exportHtml.js';
import { loadReportTables } from '../server/report/webAssets.js';
import { writeFileAtomic } from '../util/documents.js';
import { UsageError } from '../util/errors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { text } from './flags.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';

const REPORT_FLAGS = {
  out: { flag: '--out <file>', parse: text, help: 'the HTML file to write, e.g. report.html (required)' },
  csv: { flag: '--csv <dir>', parse: text, help: 'also write every table as CSV into this directory' },
  sla: { flag: '--sla <sla>', parse: text, help: "draw this SLA on profile charts, e.g. 'p95<=100ms'" },
} satisfies FlagTable;

const REPORT_EXITS: ExitTable = {
  ok: 'the report (and the CSV files) are written',
  usage: 'a bad flag or flag value, no --out, a bad --sla, or no documents among the paths',
  input: 'a path given does not exist or cannot be read',
};

type ReportFlags = FlagValues<typeof REPORT_FLAGS>;

export const registerReportCommand: Register = (program, rt) => {
  const command = program
    .command('report')
    .description('write one self-contained HTML report (charts, comparison, plan) that opens offline')
    .argument('<documents...>', 'profile, sweep, plan or verification documents, or directories of them');
  addExitCodes(addFlags(command, REPORT_FLAGS), REPORT_EXITS).action(async (documents: string[], flags: ReportFlags) => {
    const path = await reportCommand(documents, flags, rt);
    rt.stdout.write(`wrote ${path}\n`);
  });
};

/** Writes the report and returns its absolute path. */
export async function reportCommand(documents: string[], flags: ReportFlags, rt: Runtime): Promise<string> {
  if (!flags.out) throw new UsageError('--out is required', 'e.g. --out report.html');
  const sla = flags.sla ? parseSla(flags.sla) : null;
  const { store, skipped } = await loadDocuments(documents, rt.cwd);
  for (const s of skipped) rt.stderr.write(`skipped ${s}\n`);
  const entries = store.list();
  if (entries.length === 0) throw new UsageError('no documents to report', 'pass profile, sweep, plan or verification JSON files');
  const out = resolve(rt.cwd, flags.out);
  await writeFileAtomic(out, renderReportHtml({ entries, sla }));
  if (flags.csv) {
    const files = await writeCsvTables(entries, resolve(rt.cwd, flags.csv), sla);
    rt.stderr.write(`wrote ${files} CSV file(s) to ${flags.csv}\n`);
  }
  return out;
}

/** The CSVs come from the report's own view models (web/lib, built into dist/web/tables.js), so they match the page's tables. */
async function writeCsvTables(entries: DocumentEntry[], dir: string, sla: Sla | null): Promise<number> {
  const tables = (await loadReportTables()).csvTables(
    entries.map((e) => ({ id: e.id, doc: e.doc })),
    sla,
  );
  await mkdir(dir, { recursive: true });
  for (const { name, csv } of tables) await writeFile(join(dir, `${slug(name)}.csv`), csv);
  return tables.length;
}
