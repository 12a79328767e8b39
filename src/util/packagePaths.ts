import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from './didYouMean.js';
import { InputError } from './errors.js';

/**
 * The package's own folder (with a trailing slash): two levels up from src/util and dist/util
 * alike. Installed with `npm install -g`, it is <prefix>/lib/node_modules/capacity-plan/, not the
 * user's working directory, so shipped files are found from here, never from the cwd.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Shipped documentation (docs/*.md is in package.json's files): where hints send users. */
export const DOCS_DIR = join(PACKAGE_ROOT, 'docs');

export const BUILTIN_PREFIX = 'builtin:';

export interface BuiltinExample {
  /** What follows `builtin:`: the file name without its extension. */
  name: string;
  kind: 'imported profile' | 'example';
  path: string;
}

const BUILTIN_FOLDERS = [
  { dir: join(PACKAGE_ROOT, 'profiles', 'imported'), kind: 'imported profile' },
  { dir: join(PACKAGE_ROOT, 'profiles', 'examples'), kind: 'example' },
] as const;

/** Every shipped example, imported profiles first, each folder in name order. */
export function builtinExamples(): BuiltinExample[] {
  const out: BuiltinExample[] = [];
  for (const { dir, kind } of BUILTIN_FOLDERS) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!/\.(json|ya?ml|csv)$/i.test(file)) continue;
      out.push({ name: basename(file, extname(file)), kind, path: join(dir, file) });
    }
  }
  return out;
}

/**
 * A file argument as a path: `builtin:<name>` is a shipped example (the same from any directory),
 * anything else is relative to the cwd. Documents that name other files (a fleet's `capacity:`)
 * resolve them against their own folder, so a built-in fleet finds the built-in profile it names.
 */
export function resolveInputPath(cwd: string, given: string): string {
  if (!given.startsWith(BUILTIN_PREFIX)) return resolve(cwd, given);
  const name = given.slice(BUILTIN_PREFIX.length);
  const examples = builtinExamples();
  const found = examples.find((e) => e.name === name);
  if (found) return found.path;
  const near = didYouMean(name, examples.map((e) => e.name));
  throw new InputError(
    `no built-in example '${name}'`,
    `${near ? `${near} ` : ''}\`capacity-plan examples\` lists them: ${examples.map((e) => e.name).join(', ')}`,
  );
}
