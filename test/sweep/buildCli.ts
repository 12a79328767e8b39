import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/**
 * Compiles src/ to dist/ so tests can spawn the real CLI. tsc emits even when some file elsewhere in
 * the tree has a type error (others' work in progress), so success is judged by the files emitted.
 */
export async function buildCli(): Promise<void> {
  const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  await promisify(execFile)(tsc, ['-p', 'tsconfig.json'], { cwd: REPO_ROOT }).catch((error: { stdout?: string }) => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'sweep.js'))) throw new Error(`tsc emitted no dist/cli/sweep.js:\n${error.stdout ?? error}`);
  });
  if (!existsSync(CLI)) throw new Error(`no ${CLI} after tsc`);
}
