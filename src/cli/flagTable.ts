import { Option, type Command } from 'commander';

/** Builds the parser for one flag; its errors name the flag (see flags.ts). */
export type FlagParser<T> = (flag: string) => (value: string) => T;

/**
 * One flag, declared once: the commander option, its parser, its help text and its default come
 * from this row, and the command reads the value under the table key (commander's attribute name).
 */
export interface FlagRow<T = unknown> {
  /** commander syntax: '--instances <n>' (a value, needs parse) or '--json' (a switch). */
  flag: string;
  help: string;
  parse?: FlagParser<T>;
  /** Applied by commander when the flag is absent, and shown as commander shows defaults. */
  default?: T;
  /**
   * Shown as "(default: …)": alone, where the default is decided later (schema, preset,
   * environment); with `default`, the words for a value commander shows badly (a parsed SLA, minutes).
   */
  defaultHelp?: string;
  /** For '<value...>': the flag takes several values and the command gets them all, each parsed. */
  many?: boolean;
  /** Internal flags, kept out of --help. */
  hidden?: boolean;
}

// Each row has its own value type, which FlagValues reads back; `any` is the one type every
// row's parser fits (unknown would reject them: a parser's parameter type is contravariant).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FlagTable = Record<string, FlagRow<any>>;

type FlagValue<R> = R extends { parse: FlagParser<infer V> } ? (R extends { many: true } ? V[] : V) : boolean;

/** What the command's action receives: parsed values; optional unless the row has a default. */
export type FlagValues<T extends FlagTable> = {
  [K in keyof T as T[K] extends { default: unknown } ? K : never]: FlagValue<T[K]>;
} & {
  [K in keyof T as T[K] extends { default: unknown } ? never : K]?: FlagValue<T[K]>;
};

export function addFlags(command: Command, table: FlagTable): Command {
  for (const [key, row] of Object.entries(table)) command.addOption(toOption(key, row));
  return command;
}

/** '--instances', the name error messages use. */
export function flagName(row: FlagRow): string {
  return new Option(row.flag).long ?? row.flag;
}

function toOption(key: string, row: FlagRow): Option {
  // With a commander default, commander writes "(default: …)" itself, in the row's words if it has them.
  const shownByUs = row.defaultHelp !== undefined && row.default === undefined;
  const option = new Option(row.flag, shownByUs ? `${row.help} (default: ${row.defaultHelp})` : row.help);
  // A programming error, caught by any test that builds the command.
  if (option.attributeName() !== key) throw new Error(`flag table: ${row.flag} is read as '${option.attributeName()}', declared as '${key}'`);
  if (option.required !== (row.parse !== undefined)) throw new Error(`flag table: ${row.flag} ${row.parse ? 'has a parser but takes no value' : 'takes a value but has no parser'}`);
  if (option.variadic !== (row.many === true)) throw new Error(`flag table: ${row.flag} ${row.many ? 'is many but not <value...>' : 'is <value...> but not many'}`);
  if (row.parse) {
    const parse = row.parse(flagName(row));
    if (row.many) option.argParser((value: string, previous: unknown[] | undefined) => [...(previous ?? []), parse(value)]);
    else option.argParser(parse);
  }
  if (row.default !== undefined) option.default(row.default, row.defaultHelp);
  if (row.hidden) option.hideHelp();
  return option;
}
