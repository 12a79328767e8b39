import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUILT_CLI, REPO_ROOT } from './repoRoot.js';

/**
 * Compiles src/ to dist/ (and bundles web/ into dist/web) once per vitest run, before any test file starts, for the tests that
 * spawn the built CLI (one build, so no two test files race on writing dist/). Skipped when dist/
 * is newer than every source file: tsc rewrites every output, so that means it is up to date, and
 * a run of one unit test need not pay for a build on a shared machine. A type error is the
 * typecheck's to report (npm test runs it first); tsc still emits, so success here is judged by
 * the files emitted.
 */
export default async function buildDist(): Promise<void> {
  if (existsSync(BUILT_CLI) && statSync(BUILT_CLI).mtimeMs > newestSourceMs()) return buildWeb();
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: REPO_ROOT }).catch((error: Error & { stdout?: string }) => {
    if (!existsSync(BUILT_CLI)) throw new Error(`tsc -p tsconfig.json emitted no ${BUILT_CLI}:\n${error.stdout || error.message}`);
    process.stderr.write(`globalSetup: tsc -p tsconfig.json reported errors (dist/ was still emitted):\n${error.stdout || error.message}\n`);
  });
  if (!existsSync(BUILT_CLI)) throw new Error(`no ${BUILT_CLI} after tsc -p tsconfig.json`);
  await buildWeb();
}

/** web/ -> dist/web with esbuild (scripts/build-web.mjs): fast, so done on every run. */
async function buildWeb(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts', 'build-web.mjs')], { cwd: REPO_ROOT }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`node scripts/build-web.mjs failed:\n${error.stderr || error.message}`);
  });
}

function newestSourceMs(): number {
  const sources = readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).map((path) => join(REPO_ROOT, 'src', path));
  return Math.max(...[join(REPO_ROOT, 'tsconfig.json'), ...sources].map((path) => statSync(path).mtimeMs));
}
