import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CapacityPlanError, ExitCode } from '../util/errors.js';
import type { Runtime } from './runtime.js';

/**
 * Builds the `capacity-plan` command tree. Each subcommand lives in its own file and exports a
 * Register; main.ts lists them (tests pass only the ones they drive). Commands write results to
 * rt.stdout and progress to rt.stderr.
 */
export type Register = (program: Command, rt: Runtime) => void;

export function buildProgram(rt: Runtime, commands: Register[]): Command {
  const program = new Command('capacity-plan')
    .description('Measure how many GPU instances your model really needs, and what that costs.')
    .version(versionLine(), '--version', 'print the version and the commit it was built from, and exit')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
      // commander's own errors (unknown option, missing argument) become one line in reportError.
      outputError: () => {},
    });
  for (const register of commands) register(program, rt);
  return program;
}

/** Runs the CLI and returns its exit code; the single place errors become one line on stderr. */
export async function runCli(argv: string[], rt: Runtime, commands: Register[]): Promise<number> {
  const program = buildProgram(rt, commands);
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, rt);
  }
}

export function reportError(error: unknown, rt: Runtime): number {
  if (error instanceof CommanderError) {
    // Help and version are not failures (commander printed them).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    rt.stderr.write(`error: ${commanderOneLine(error.message)}\n`);
    return ExitCode.usage;
  }
  if (error instanceof CapacityPlanError) {
    rt.stderr.write(`error: ${error.oneLine()}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  rt.stderr.write(`internal error (please report this): ${message}\n`);
  return ExitCode.internal;
}

/**
 * commander's "error: unknown option '--duraton'" and its "(Did you mean --duration?)" line, as
 * one line with the hint: "unknown option '--duraton' (did you mean --duration?)".
 */
export function commanderOneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const first = (lines[0] ?? 'invalid command line').replace(/^error:\s*/, '');
  const suggestion = lines.slice(1).find((line) => /did you mean/i.test(line));
  const hint = suggestion ? suggestion.replace(/^\(?\s*Did you mean/, 'did you mean').replace(/\)$/, '') : 'run with --help for usage';
  return `${first} (${hint})`;
}

/**
 * "0.1.0 (commit 1a2b3c4d5e6f)": package.json's version (two folders up from src/cli and dist/cli
 * alike) and the commit scripts/build-info.mjs wrote beside the build. Run from source (tsx, the
 * tests) there is no build-info.json, and the commit is "unknown" rather than a guess.
 */
export function versionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  let commit = 'unknown';
  try {
    const info = JSON.parse(readFileSync(new URL('../build-info.json', import.meta.url), 'utf8')) as { commit?: unknown };
    if (typeof info.commit === 'string' && info.commit !== '') commit = info.commit;
  } catch {
    // Not built by `npm run build` (source run): keep "unknown".
  }
  return `${pkg.version} (commit ${commit})`;
}
