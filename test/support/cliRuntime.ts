import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, type Register } from '../../src/cli/program.js';
import type { Runtime } from '../../src/cli/runtime.js';
import { REPO_ROOT } from './repoRoot.js';
import { makeTempDir } from './tempDir.js';

/**
 * The one in-process CLI harness: a Runtime (src/cli/runtime.ts) with captured stdout and stderr,
 * the caller's temp home, a fixed clock, and AWS_EC2_METADATA_DISABLED so nothing waits on the
 * instance-metadata service (off EC2 a lookup would wait up to a second).
 */

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRuntimeOptions {
  /** $CAPACITY_PLAN_HOME: a temp dir (makeTempDir) so no test reads or writes the user's. */
  home: string;
  /** Default: the repository root, so relative fixture paths resolve. */
  cwd?: string;
  /** Added to the defaults (AWS_EC2_METADATA_DISABLED, CAPACITY_PLAN_HOME); undefined removes one. */
  env?: NodeJS.ProcessEnv;
  /** The clock; default 2026-11-23T12:00:00.000Z. */
  now?: Date;
  /** Default: one never aborted. */
  signal?: AbortSignal;
}

export const FIXED_NOW = new Date('2026-11-23T12:00:00.000Z');

export interface CapturedRuntime extends Runtime {
  out(): string;
  err(): string;
}

export function captureRuntime(options: CliRuntimeOptions): CapturedRuntime {
  let out = '';
  let err = '';
  const now = options.now ?? FIXED_NOW;
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { AWS_EC2_METADATA_DISABLED: 'true', CAPACITY_PLAN_HOME: options.home, ...(options.env ?? {}) },
    cwd: options.cwd ?? REPO_ROOT,
    home: options.home,
    now: () => now,
    signal: options.signal ?? new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}

/** Runs `capacity-plan <argv>` with only `commands` registered. */
export async function runCapturedCli(argv: string[], commands: Register[], options: CliRuntimeOptions): Promise<CliRun> {
  const rt = captureRuntime(options);
  const code = await runCli(argv, rt, commands);
  return { code, stdout: rt.out(), stderr: rt.err() };
}

export interface CliSandbox {
  dir: string;
  cwd: string;
  home: string;
  /** cwd: where the default result path goes (default: the sandbox's cwd). */
  run(argv: string[], options?: Omit<CliRuntimeOptions, 'home'>): Promise<CliRun>;
  cleanup(): Promise<void>;
}

/**
 * A temp dir holding a cwd (default result paths go under it) and a home shared by a file's
 * tests, so the tiny model and the synthetic corpus are built once.
 */
export async function cliSandbox(commands: Register[], prefix = 'cp-cli-'): Promise<CliSandbox> {
  const temp = await makeTempDir(prefix);
  const cwd = join(temp.dir, 'cwd');
  const home = join(temp.dir, 'home');
  await mkdir(cwd, { recursive: true });
  return {
    dir: temp.dir,
    cwd,
    home,
    run: (argv, options = {}) => runCapturedCli(argv, commands, { cwd, ...options, home }),
    cleanup: temp.remove,
  };
}
