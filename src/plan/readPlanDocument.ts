import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PROFILE_READABLE_VERSIONS, ProfileResultDocument } from '../schema/profileResult.js';
import { SWEEP_SCHEMA_VERSION, SweepResult } from '../schema/sweepResult.js';
import { parseDocument } from '../util/documents.js';
import { InputError } from '../util/errors.js';
import type { PlanDocument } from './candidates.js';

/**
 * The I/O edge of plan/: reads profile and sweep documents, told apart by their `kind`, each parsed
 * with its own schema and version check. Everything else in plan/ is pure.
 */
export async function readPlanDocument(path: string, cwd: string): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read '${path}': ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`, 'check the path');
  }
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown } | null)?.kind;
  } catch (error) {
    throw new InputError(`'${path}' is not valid JSON: ${(error as Error).message}`);
  }
  if (kind === 'profile-result') {
    return { kind, path, doc: parseDocument(text, path, ProfileResultDocument, 'profile', PROFILE_READABLE_VERSIONS) };
  }
  if (kind === 'sweep-result') {
    return { kind, path, doc: parseDocument(text, path, SweepResult, 'sweep', SWEEP_SCHEMA_VERSION) };
  }
  throw new InputError(
    `'${path}' has kind ${JSON.stringify(kind ?? null)}: plan reads 'profile-result' and 'sweep-result' documents`,
    'pass the JSON files that `capacity-plan profile` or `sweep` wrote',
  );
}
