import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (with a trailing slash), whatever the cwd vitest was started from. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The compiled CLI; test/support/globalSetup.ts builds dist/ once before any test file runs. */
export const BUILT_CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
