import type { Command } from 'commander';
import { ExitCode, type ExitCodeName } from '../util/errors.js';

/**
 * When one command returns each exit code, in its own words: declared beside its flag table and
 * shown at the end of its --help. `ok` is always there; `usage` has a default line (every command
 * refuses an unknown flag or a bad value); `internal` is the same for all and added here.
 */
export type ExitTable = { ok: string } & Partial<Record<Exclude<ExitCodeName, 'ok' | 'internal'>, string>>;

const USAGE = 'a bad flag or flag value';
/** Where the lines wrap: commander's own help width when stdout is not a terminal. */
const HELP_WIDTH = 80;
const INTERNAL = 'internal error: a bug, please report it';

/** The codes a table lists, in order: what --help shows. */
export function exitCodeLines(table: ExitTable): { code: number; text: string }[] {
  const lines: Partial<Record<ExitCodeName, string>> = { ...table, usage: table.usage ?? USAGE, internal: INTERNAL };
  return (Object.keys(lines) as ExitCodeName[]).map((name) => ({ code: ExitCode[name], text: lines[name]! })).sort((a, b) => a.code - b.code);
}

/** Appends the "Exit codes:" section to the command's --help. */
export function addExitCodes(command: Command, table: ExitTable): Command {
  const rows = exitCodeLines(table);
  const width = Math.max(...rows.map((r) => String(r.code).length));
  const indent = ' '.repeat(2 + width + 2);
  const lines = rows.map((r) => `  ${String(r.code).padEnd(width)}  ${wrap(r.text, HELP_WIDTH - indent.length).join(`\n${indent}`)}`);
  return command.addHelpText('after', `\nExit codes:\n${lines.join('\n')}`);
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** A command that only groups subcommands (`batch`, `model`): each of them lists its own. */
export function addSubcommandExitCodes(command: Command): Command {
  return command.addHelpText('after', `\nExit codes:\n  each subcommand's --help lists its own: capacity-plan ${command.name()} <subcommand> --help`);
}
