import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type Register } from '../../src/cli/program.js';
import type { Runtime } from '../../src/cli/runtime.js';

/**
 * In-process runs of `capacity-plan profile` / `demo`: captured stdout and stderr, a temp cwd (the
 * default result path is under it) and a temp $CAPACITY_PLAN_HOME shared by a file's tests, so
 * the tiny model and the synthetic corpus are built once.
 */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSandbox {
  dir: string;
  cwd: string;
  home: string;
  /** cwd: where the default result path goes (default: the sandbox's cwd). */
  run(argv: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliRun>;
  cleanup(): Promise<void>;
}

export async function cliSandbox(commands: Register[]): Promise<CliSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'cp-cli-profile-'));
  const cwd = join(dir, 'cwd');
  const home = join(dir, 'home');
  await mkdir(cwd, { recursive: true });
  return {
    dir,
    cwd,
    home,
    async run(argv, options = {}) {
      let stdout = '';
      let stderr = '';
      const rt: Runtime = {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        // Off EC2: skip the instance-metadata lookup (it would wait up to a second).
        env: { AWS_EC2_METADATA_DISABLED: 'true', ...(options.env ?? {}) },
        cwd: options.cwd ?? cwd,
        home,
        now: () => new Date('2026-03-04T05:06:07.089Z'),
        signal: new AbortController().signal,
      };
      const code = await runCli(argv, rt, commands);
      return { code, stdout, stderr };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A user mistake: besides progress lines (`[name] ...`, printed before the failure), exactly one
 * line on stderr, the last, starting `error:`, and no stack trace. Returns that line.
 */
export function expectOneLineError(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((line) => !/^\[[^\]]+\] /.test(line));
  if (lines.length !== 1 || !lines[0]!.startsWith('error: ') || !stderr.trimEnd().endsWith(lines[0]!) || /\n\s+at /.test(stderr) || stderr.includes('internal error')) {
    throw new Error(`expected one 'error:' line on stderr, got:\n${stderr}`);
  }
  return lines[0]!;
}
