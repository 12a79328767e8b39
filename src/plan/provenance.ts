import type { CatalogInstance } from '../schema/priceCatalog.js';
import type { Environment } from '../schema/profileResult.js';

/**
 * Whether figures can stand for the instance type they are priced as. Pure. A CPU measurement
 * priced as a T4 instance, or an A10G's figures priced as a T4, would make a plan that looks
 * exact and means nothing.
 */

/** Where figures were measured, as the planner needs it (null: imported, nothing to check). */
export interface MeasuredOn {
  executionProvider?: string;
  /** GPU names nvidia-smi reported, one per device. */
  gpus: string[];
}

export function measuredOn(environment: Environment): MeasuredOn {
  return {
    ...(environment.executionProvider !== undefined ? { executionProvider: environment.executionProvider } : {}),
    gpus: environment.gpus.map((g) => g.name),
  };
}

/** One line per reason the figures cannot stand for `instance`; empty when they can (or it is unknown). */
export function provenanceMismatches(id: string, measured: MeasuredOn | null, instanceType: string, instance: CatalogInstance | undefined): string[] {
  if (!measured || !instance) return [];
  const accelerator = instance.accelerator;
  const wanted = `${accelerator.count}x ${accelerator.vendor} ${accelerator.model}`;
  const where = describe(measured);
  if (accelerator.kind === 'neuron') {
    return [`${id}: measured on ${where}, priced as ${instanceType} (${wanted}): figures from another processor cannot stand for it`];
  }
  if (measured.executionProvider === 'cpu' || measured.gpus.length === 0) {
    return [`${id}: measured on ${where}, priced as ${instanceType} (${wanted}): CPU figures cannot stand for a GPU instance`];
  }
  const other = measured.gpus.find((name) => !namesModel(name, accelerator.model));
  if (other !== undefined) {
    return [`${id}: measured on ${where}, priced as ${instanceType} (${wanted}): a different GPU model`];
  }
  return [];
}

function describe(m: MeasuredOn): string {
  const provider = m.executionProvider ? `the ${m.executionProvider} execution provider` : 'an unrecorded execution provider';
  if (m.gpus.length === 0) return `${provider}, no GPU seen`;
  const counts = new Map<string, number>();
  for (const name of m.gpus) counts.set(name, (counts.get(name) ?? 0) + 1);
  return `${provider}, ${[...counts].map(([name, n]) => `${n}x ${name}`).join(' + ')}`;
}

/** nvidia-smi's "Tesla T4" or "NVIDIA A10G" names the catalog's "T4" / "A10G" as a whole word ("L4" is not "L40S"). */
export function namesModel(gpuName: string, model: string): boolean {
  const escaped = model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}([^a-z0-9]|$)`, 'i').test(gpuName);
}
