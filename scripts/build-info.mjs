// Writes dist/build-info.json ({ commit }) after tsc, so `capacity-plan --version` can say which
// source a packed or installed copy was built from (an installed package has no .git to ask).
// CAPACITY_PLAN_COMMIT wins (the profiler image builds from a context without .git); otherwise
// `git rev-parse`; "unknown" when neither answers. A "-dirty" suffix marks uncommitted changes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

function git(args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function commit() {
  if (process.env.CAPACITY_PLAN_COMMIT) return process.env.CAPACITY_PLAN_COMMIT;
  const head = git(['rev-parse', '--short=12', 'HEAD']);
  if (!head) return 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${head}-dirty` : head;
}

mkdirSync('dist', { recursive: true });
writeFileSync('dist/build-info.json', `${JSON.stringify({ commit: commit() })}\n`);
