import { readAnyDocument } from '../util/documents.js';
import { resolveInputPath } from '../util/packagePaths.js';
import type { PlanDocument } from './candidates.js';

/**
 * The I/O edge of plan/: reads the profile and sweep documents a plan is made from. Everything else
 * in plan/ is pure.
 */
export async function readPlanDocument(path: string, cwd: string): Promise<PlanDocument> {
  return readAnyDocument(resolveInputPath(cwd, path), path, ['profile-result', 'sweep-result']);
}
