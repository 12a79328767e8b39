import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { parse as parseYaml } from 'yaml';
import { capacityFromDocument, type FleetCapacity } from '../../src/rightsize/capacity.js';
import { Fleet } from '../../src/schema/fleet.js';
import { PLAN_READABLE_VERSIONS, PlanDocument, type Plan } from '../../src/schema/plan.js';
import { InputError } from '../../src/util/errors.js';
import { describeZodError } from '../../src/util/zodErrors.js';
import { gpuHostSpec, type GpuHostSpec } from '../../src/batch/hosts.js';

/**
 * What `cdk synth -c ...` decides, read and checked once before any stack is built:
 *   -c plan=<plan.json>            the plan whose recommended candidate sizes the alarms
 *   -c fleet=<fleet.yaml>          the fleet the alarms watch (needs plan)
 *   -c instanceTypes=a,b,c         Batch compute environments (default: the plan's candidate types)
 * Paths are relative to the directory synth runs in. Every mistake is one InputError line.
 */
export interface SynthInputs {
  plan?: { path: string; doc: Plan };
  fleet?: { path: string; doc: Fleet; capacity: FleetCapacity };
  hosts: GpuHostSpec[];
  /** Default instance type of the profiling host's launch template. */
  profilingInstanceType: string;
}

export const DEFAULT_INSTANCE_TYPES = ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'];

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new InputError(`-c ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function readText(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`-c ${key}: cannot read '${path}' (${code === 'ENOENT' ? 'no such file' : String(code ?? error)})`);
  }
}

export function readPlan(path: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path, 'plan'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`-c plan: '${path}' is not JSON`, 'pass the file `capacity-plan plan --out` wrote');
  }
  // PlanDocument upgrades the plans older versions wrote.
  const parsed = PlanDocument.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(`-c plan: '${path}' is not a plan (schema ${PLAN_READABLE_VERSIONS.join(' or ')}): ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

export function readFleet(path: string): Fleet {
  let raw: unknown;
  try {
    raw = parseYaml(readText(path, 'fleet'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`-c fleet: '${path}' is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = Fleet.safeParse(raw);
  if (!parsed.success) throw new InputError(`-c fleet: '${path}' is invalid: ${describeZodError(parsed.error, Fleet)}`, 'see profiles/examples/ for a complete fleet file');
  return parsed.data;
}

export function readSynthInputs(app: App, cwd = process.cwd()): SynthInputs {
  const planPath = contextString(app, 'plan');
  const fleetPath = contextString(app, 'fleet');
  const typesText = contextString(app, 'instanceTypes');
  if (fleetPath && !planPath) throw new InputError('-c fleet needs -c plan: the alarms are sized from the plan', 'add -c plan=<plan.json>');

  let plan: SynthInputs['plan'];
  if (planPath) {
    const doc = readPlan(resolve(cwd, planPath));
    if (doc.recommended === null) {
      const closest = doc.closest ? `; closest: ${doc.closest.id}, ${doc.closest.byMs} ms over` : '';
      throw new InputError(`-c plan: '${planPath}' recommends nothing (no candidate meets ${doc.inputs.sla.percentile}<=${doc.inputs.sla.maxLatencyMs}ms${closest})`, 'size alarms from a plan that recommends a candidate');
    }
    plan = { path: planPath, doc };
  }

  let fleet: SynthInputs['fleet'];
  if (fleetPath && plan) {
    const doc = readFleet(resolve(cwd, fleetPath));
    const recommended = plan.doc.candidates.find((c) => c.id === plan.doc.recommended)!;
    // The plan stands in for the fleet's capacity document: the alarms follow the plan's recommended candidate.
    const capacity = capacityFromDocument({ kind: 'plan', path: plan.path, doc: plan.doc }, doc.sla, doc.instanceType, doc.configuration ?? recommended.id);
    fleet = { path: fleetPath, doc, capacity };
  }

  let types: string[];
  if (typesText) {
    types = typesText.split(',').map((t) => t.trim()).filter(Boolean);
    if (types.length === 0) throw new InputError('-c instanceTypes is empty', 'e.g. -c instanceTypes=g4dn.xlarge,g5.xlarge');
  } else if (plan) {
    types = plan.doc.candidates.map((c) => c.instanceType);
  } else {
    types = DEFAULT_INSTANCE_TYPES;
  }
  const hosts = [...new Set(types)].map((t) => gpuHostSpec(t));
  const recommendedType = plan?.doc.candidates.find((c) => c.id === plan.doc.recommended)?.instanceType;
  return { ...(plan ? { plan } : {}), ...(fleet ? { fleet } : {}), hosts, profilingInstanceType: recommendedType ?? hosts[0]!.instanceType };
}
