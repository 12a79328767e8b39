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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
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
    // commander already printed its message; help and version are not failures.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
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
