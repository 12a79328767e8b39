import { resolve } from 'node:path';
import { readAnyDocument } from '../util/documents.js';
import { InputError } from '../util/errors.js';
import type { PlanDocument } from './candidates.js';

/**
 * The I/O edge of plan/: reads the profile and sweep documents a plan is made from. Everything else
 * in plan/ is pure.
 */
export async function readPlanDocument(path: string, cwd: string): Promise<PlanDocument> {
  const document = await readAnyDocument(resolve(cwd, path), path);
  if (document.kind === 'plan') {
    throw new InputError(`'${path}' is a plan: plan reads 'profile-result' and 'sweep-result' documents`, 'pass the JSON files that `capacity-plan profile` or `sweep` wrote');
  }
  return document;
}
