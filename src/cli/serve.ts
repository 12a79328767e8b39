import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseSla } from '../schema/sla.js';
import { loadDocuments } from '../server/report/documentStore.js';
import { DEFAULT_REPORT_PORT, startReportServer } from '../server/report/server.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { port, text } from './flags.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';

const SERVE_FLAGS = {
  host: { flag: '--host <host>', parse: text, help: 'address to bind; anything but loopback requires the printed token', default: '127.0.0.1' },
  port: { flag: '--port <n>', parse: port, help: 'port (0 picks a free one)', default: DEFAULT_REPORT_PORT },
  token: { flag: '--token <token>', parse: text, help: 'the bearer token to require when bound beyond loopback', defaultHelp: 'a random one, printed' },
  sla: { flag: '--sla <sla>', parse: text, help: "the SLA profile pages draw and judge, e.g. 'p95<=100ms' (a page's ?sla= overrides it)" },
} satisfies FlagTable;

const SERVE_EXITS: ExitTable = {
  ok: 'stopped by Ctrl-C',
  usage: 'a bad flag or flag value, or a bad --sla',
  input: 'a path given does not exist or cannot be read',
  environment: 'the port cannot be bound',
  interrupted: 'a second Ctrl-C before the server closed',
};

type ServeFlags = FlagValues<typeof SERVE_FLAGS>;

export const registerServeCommand: Register = (program, rt) => {
  const command = program
    .command('serve')
    .description('show profile, sweep and plan documents in a browser (charts, comparison, plan week) until Ctrl-C')
    .argument('[paths...]', 'documents or directories of them (default: ./profiles, or the current directory where there is none)');
  addExitCodes(addFlags(command, SERVE_FLAGS), SERVE_EXITS).action(async (paths: string[], flags: ServeFlags) => serveCommand(paths, flags, rt));
};

/** What serve shows without paths: ./profiles, where runs write, else the current directory. */
export function defaultServePaths(cwd: string): string[] {
  return [existsSync(join(cwd, 'profiles')) ? join(cwd, 'profiles') : cwd];
}

/** Serves until rt.signal aborts (Ctrl-C), then closes and returns. */
export async function serveCommand(paths: string[], flags: ServeFlags, rt: Runtime): Promise<void> {
  const sla = flags.sla ? parseSla(flags.sla) : null;
  const given = paths.length > 0 ? paths : defaultServePaths(rt.cwd);
  const { store, skipped } = await loadDocuments(given, rt.cwd);
  for (const s of skipped) rt.stderr.write(`skipped ${s}\n`);
  const server = await startReportServer({ store, host: flags.host, port: flags.port, sla, ...(flags.token ? { token: flags.token } : {}) });
  rt.stdout.write(`serving ${store.list().length} document(s) at ${server.openUrl}\n`);
  if (server.token) rt.stdout.write(`token (required beyond loopback): ${server.token}\n`);
  await new Promise<void>((resolve) => (rt.signal.aborted ? resolve() : rt.signal.addEventListener('abort', () => resolve(), { once: true })));
  await server.close();
}
