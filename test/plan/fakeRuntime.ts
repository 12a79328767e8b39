import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerPricesCommand } from '../../src/cli/prices.js';
import type { Runtime } from '../../src/cli/runtime.js';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A Runtime with captured output, a temp $CAPACITY_PLAN_HOME and a fixed clock. */
export async function makeHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'capacity-plan-home-'));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export async function runPlanCli(
  argv: string[],
  options: { home: string; env?: NodeJS.ProcessEnv; cwd?: string; now?: Date },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const rt: Runtime = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { CAPACITY_PLAN_HOME: options.home, ...(options.env ?? {}) },
    cwd: options.cwd ?? REPO_ROOT,
    home: options.home,
    now: () => options.now ?? new Date('2026-11-23T12:00:00.000Z'),
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, rt, [registerPlanCommand, registerPricesCommand]);
  return { code, stdout, stderr };
}

/** A user mistake: exactly one line on stderr, starting `error:`, with no stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trimEnd().split('\n');
  return lines.length === 1 && lines[0]!.startsWith('error: ') && !/\n\s+at /.test(stderr) && !stderr.includes('internal error');
}
