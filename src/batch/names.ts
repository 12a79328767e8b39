/**
 * Names the CDK app (infra/) gives the Batch resources and S3 keys, and the `batch` commands use
 * to find them: declared once here so the two cannot drift.
 */

/** One compute environment, job queue and job definition per instance type: g5.xlarge -> capacity-plan-g5-xlarge. */
export function batchResourceName(instanceType: string): string {
  return `capacity-plan-${instanceType.replaceAll('.', '-')}`;
}

/** Keys under the results bucket. */
export const SPECS_PREFIX = 'specs/';
export const RESULTS_PREFIX = 'results/';
export const RUNS_PREFIX = 'runs/';

export function specKey(runId: string): string {
  return `${SPECS_PREFIX}${runId}/spec.json`;
}

export function resultsPrefix(runId: string, instanceType?: string): string {
  return `${RESULTS_PREFIX}${runId}/${instanceType ? `${instanceType}/` : ''}`;
}

export function runManifestKey(runId: string): string {
  return `${RUNS_PREFIX}${runId}.json`;
}

/** Job parameters the job definition's command refers to as Ref::<name>. */
export const JOB_PARAMETERS = { run: 'run', specKey: 'specKey' } as const;
