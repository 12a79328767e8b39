import { snapshotCatalog } from '../pricing/catalog.js';
import type { CatalogInstance } from '../schema/priceCatalog.js';
import { InputError } from '../util/errors.js';

/** What a whole-host job on one instance type may ask for, from the embedded catalog. */
export interface GpuHostSpec {
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  /** 95% of nominal: Batch registers less memory than nominal, and a job asking for all of it never starts. */
  jobMemoryMiB: number;
}

export const JOB_MEMORY_FRACTION = 0.95;

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/** An NVIDIA GPU type from the catalog; anything else (unknown, Neuron, p3/g3 that ECS_AL2023_NVIDIA lacks) is refused in one line. */
export function gpuHostSpec(instanceType: string): GpuHostSpec {
  if (!INSTANCE_TYPE.test(instanceType)) throw new InputError(`instance type '${instanceType}' is not an EC2 instance type`, 'e.g. g5.xlarge');
  const entry: CatalogInstance | undefined = snapshotCatalog().instances.find((i) => i.instanceType === instanceType);
  if (!entry) throw new InputError(`instance type '${instanceType}' is not in the embedded GPU catalog`, 'see `capacity-plan prices` for the known types');
  if (entry.accelerator.kind !== 'gpu' || entry.accelerator.vendor !== 'NVIDIA') {
    throw new InputError(`instance type '${instanceType}' has ${entry.accelerator.vendor} ${entry.accelerator.model}, not an NVIDIA GPU`, 'the profiler image runs CUDA 12');
  }
  if (/^(p3|g3)\b/.test(entry.family)) throw new InputError(`instance type '${instanceType}': the ECS_AL2023_NVIDIA image does not support ${entry.family}`);
  const memoryMiB = Math.round(entry.memoryGiB * 1024);
  return {
    instanceType,
    vcpus: entry.vcpus,
    memoryMiB,
    gpus: entry.accelerator.count,
    jobMemoryMiB: Math.floor(memoryMiB * JOB_MEMORY_FRACTION),
  };
}
