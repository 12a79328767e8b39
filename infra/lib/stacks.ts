import { fileURLToPath } from 'node:url';
import type { App, Environment } from 'aws-cdk-lib';
import { BatchProfilingStack } from './batch-profiling-stack.js';
import type { SynthInputs } from './context.js';
import { FleetMonitoringStack } from './fleet-monitoring-stack.js';
import { PlanAlarmsStack } from './plan-alarms-stack.js';
import { ProfilingHostStack } from './profiling-host-stack.js';
import { RESULTS_BUCKET_NAME, ResultsStack } from './results-stack.js';
import { RightsizingStack } from './rightsizing-stack.js';

/**
 * The profiler image builds the tool from this repository: its build context is the repository
 * root (.dockerignore there keeps node_modules, dist and .git out), its Dockerfile in images/profiler.
 */
export const PROFILER_IMAGE_CONTEXT = fileURLToPath(new URL('../../', import.meta.url));
export const PROFILER_DOCKERFILE = 'infra/images/profiler/Dockerfile';

export interface CapacityPlanStacks {
  results: ResultsStack;
  profilingHost: ProfilingHostStack;
  batch: BatchProfilingStack;
  monitoring: FleetMonitoringStack;
  rightsizing: RightsizingStack;
  /** Only with -c plan and -c fleet. */
  alarms?: PlanAlarmsStack;
}

/** Every stack of the app, one concern each; the bucket stack is stateful and kept apart. */
export function buildStacks(app: App, inputs: SynthInputs, env?: Environment, options: { metafile?: boolean } = {}): CapacityPlanStacks {
  const props = env ? { env } : {};
  const results = new ResultsStack(app, 'CapacityPlanResults', props);
  const bucketName = RESULTS_BUCKET_NAME;
  const stacks: CapacityPlanStacks = {
    results,
    profilingHost: new ProfilingHostStack(app, 'CapacityPlanProfilingHost', { ...props, bucketName, instanceType: inputs.profilingInstanceType }),
    batch: new BatchProfilingStack(app, 'CapacityPlanBatchProfiling', { ...props, bucketName, hosts: inputs.hosts, imageDirectory: PROFILER_IMAGE_CONTEXT, imageFile: PROFILER_DOCKERFILE }),
    monitoring: new FleetMonitoringStack(app, 'CapacityPlanFleetMonitoring', props),
    rightsizing: new RightsizingStack(app, 'CapacityPlanRightsizing', { ...props, bucketName, ...(options.metafile ? { metafile: true } : {}) }),
  };
  // The bucket is found by name, not by an export: say the order explicitly for deploys.
  for (const stack of [stacks.profilingHost, stacks.batch, stacks.rightsizing]) stack.addStackDependency(results);
  if (inputs.fleet) {
    stacks.alarms = new PlanAlarmsStack(app, `CapacityPlanAlarms-${inputs.fleet.doc.name}`, { ...props, fleet: inputs.fleet.doc, capacity: inputs.fleet.capacity });
  }
  return stacks;
}
