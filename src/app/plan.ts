import { candidatesFromDocument } from '../plan/candidates.js';
import { buildPlan, type PlatformChoice } from '../plan/planner.js';
import { readPlanDocument } from '../plan/readPlanDocument.js';
import { weeklyDemandRps } from '../plan/trafficWeek.js';
import { loadPriceBook } from '../pricing/cache.js';
import { loadPurchaseBook } from '../pricing/purchaseCache.js';
import type { CapacityEnd, Plan } from '../schema/plan.js';
import type { PurchaseChoice } from '../schema/planPurchase.js';
import { formatSla, type Sla } from '../schema/sla.js';
import type { TrafficModel } from '../schema/traffic.js';
import { InputError, MeasurementError } from '../util/errors.js';
import type { AppRuntime } from './runtime.js';

/**
 * The plan use-case: profile and sweep documents, the price books (the live cache over the
 * snapshot) and the traffic, into one plan document. The arithmetic is the pure planner's.
 */
export interface PlanInput {
  /** As given (relative to rt.cwd): the plan records them. */
  documents: string[];
  sla: Sla;
  utilization: number;
  minInstances: number;
  region: string;
  /** Where the region came from, for its error: the flag or $AWS_REGION. */
  regionFrom: '--region' | 'AWS_REGION';
  traffic: TrafficModel;
  platform: PlatformChoice;
  compare: boolean;
  capacity: CapacityEnd;
  purchase: PurchaseChoice;
  spot: boolean;
  /** For documents that record none. */
  instanceType: string | undefined;
  allowFailures: boolean;
  /** Refuse a plan whose measurements cannot stand for the instance type they are priced as. */
  strict: boolean;
}

export async function planFleet(input: PlanInput, rt: AppRuntime): Promise<Plan> {
  const prices = await loadPriceBook(rt.home);
  // With both, SageMaker gaps are warnings in the plan; EC2's regions decide.
  prices.requireRegion(input.region, input.regionFrom, input.platform === 'sagemaker' ? 'sagemaker' : 'ec2');
  const candidates = [];
  for (const path of input.documents) {
    candidates.push(...candidatesFromDocument(await readPlanDocument(path, rt.cwd), { instanceType: input.instanceType, allowFailures: input.allowFailures }));
  }
  const now = rt.now();
  const plan = buildPlan({
    createdAt: now.toISOString(),
    documents: input.documents,
    sla: input.sla,
    utilization: input.utilization,
    minInstances: input.minInstances,
    region: input.region,
    traffic: input.traffic,
    demandRps: weeklyDemandRps(input.traffic, now),
    candidates,
    prices,
    platform: input.platform,
    compare: input.compare,
    capacity: input.capacity,
    purchase: { book: await loadPurchaseBook(rt.home), choice: input.purchase, spot: input.spot },
  });
  // Before any output: a strict plan that does not hold is no plan.
  const mismatches = plan.mismatches ?? [];
  if (input.strict && mismatches.length > 0) {
    const more = mismatches.length > 1 ? ` (and ${mismatches.length - 1} more)` : '';
    throw new InputError(`--strict: ${mismatches[0]}${more}`, 'profile on the instance type you plan for, or pass the --instance-type it was measured on');
  }
  return plan;
}

/** No candidate meets the SLA: the error the front end ends with after showing the plan and its closest. */
export function unmetPlan(plan: Plan): MeasurementError | undefined {
  if (plan.recommended || !plan.closest) return undefined;
  return new MeasurementError(
    `no candidate meets ${formatSla(plan.inputs.sla)}: the closest, ${plan.closest.id}, misses by ${plan.closest.byMs} ms (${plan.closest.byPct}%)`,
    'relax --sla, or profile a faster configuration or instance type; the plan above shows the closest',
  );
}
