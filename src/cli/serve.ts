import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocuments } from '../server/report/documentStore.js';
import { DEFAULT_REPORT_PORT, startReportServer } from '../server/report/server.js';
import { nonNegativeInt } from './flags.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';
import { UsageError } from '../util/errors.js';

interface ServeFlags {
  host: string;
  port: number;
  token?: string;
}

export const registerServeCommand: Register = (program, rt) => {
  program
    .command('serve')
    .description('show profile, sweep and plan documents in a browser (charts, comparison, plan week) until Ctrl-C')
    .argument('[paths...]', 'documents or directories of them (default: profiles/)')
    .option('--host <host>', 'address to bind; anything but loopback requires the printed token', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', port, DEFAULT_REPORT_PORT)
    .option('--token <token>', 'the bearer token to require when bound beyond loopback (default: a random one)')
    .action(async (paths: string[], flags: ServeFlags) => serveCommand(paths, flags, rt));
};

export async function serveCommand(paths: string[], flags: ServeFlags, rt: Runtime): Promise<void> {
  const given = paths.length > 0 ? paths : defaultPaths(rt.cwd);
  const { store, skipped } = await loadDocuments(given, rt.cwd);
  for (const s of skipped) rt.stderr.write(`skipped ${s}\n`);
  const server = await startReportServer({ store, host: flags.host, port: flags.port, ...(flags.token ? { token: flags.token } : {}) });
  rt.stdout.write(`serving ${store.list().length} document(s) at ${server.openUrl}\n`);
  if (server.token) rt.stdout.write(`token (required beyond loopback): ${server.token}\n`);
  await aborted(rt.signal);
  await server.close();
}

function defaultPaths(cwd: string): string[] {
  const profiles = join(cwd, 'profiles');
  return [existsSync(profiles) ? profiles : cwd];
}

export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function port(value: string): number {
  const n = nonNegativeInt('--port')(value);
  if (n > 65535) throw new UsageError(`--port must be at most 65535, got '${value}'`);
  return n;
}
