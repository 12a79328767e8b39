import { capacityAtSla, capacityFromInterval, type CapacityAtSla } from '../plan/capacity.js';
import { tooManyFailed } from '../profile/core/stability.js';
import { candidatesFromDocument, type CandidateInput } from '../plan/candidates.js';
import type { Plan } from '../schema/plan.js';
import { formatSla, type Sla } from '../schema/sla.js';
import { hardwareOf } from '../pricing/platform.js';
import type { AnyDocument } from '../util/documents.js';
import { InputError } from '../util/errors.js';

/** A capacity document as read: a profile or sweep (what plan reads), or a plan. */
export type CapacityDocument = AnyDocument;

/** What one instance of the fleet can carry at the SLA, and what the profile saw there. */
export interface FleetCapacity {
  document: string;
  id: string;
  from: 'profile-result' | 'sweep-result' | 'plan';
  instanceType: string;
  sla: Sla;
  throughputRps: number;
  latencyMs: number;
  meetsSla: boolean;
  /** GPU utilisation the profile reached at throughputRps; undefined when not recorded. */
  gpuUtilPct: number | undefined;
  topStages: { name: string; sharePct: number }[];
  notes: string[];
  /**
   * The capacity's interval, when the document has one (a version-3 sweep, or a plan made from
   * one): throughputRps is then its lower end, and a fleet is named over- or under-provisioned
   * only when its demand per instance lies outside the interval.
   */
  interval?: FleetCapacityInterval;
}

export interface FleetCapacityInterval {
  estimateRps: number | null;
  lowerRps: number;
  upperRps: number | null;
  confidencePct: number;
}

/** A candidate's capacity at the SLA: on its interval's lower end when it has one (as plan does by default). */
function capacityOf(candidate: CandidateInput, sla: Sla): CapacityAtSla | undefined {
  const ci = candidate.capacityInterval;
  return ci ? capacityFromInterval(ci.interval, ci.points, sla, 'lower') : capacityAtSla(candidate.points, sla);
}

/**
 * Capacity at the fleet's SLA from a profile, sweep or plan document. Profiles and sweeps go
 * through the planner's own capacityAtSla, so a fleet and a plan read the same figure; a plan
 * already holds it (at the plan's SLA, which must be the fleet's).
 */
export function capacityFromDocument(d: CapacityDocument, sla: Sla, instanceType: string, configuration?: string): FleetCapacity {
  if (d.kind === 'plan') return fromPlan(d.path, d.doc, sla, instanceType, configuration);
  // rightsize has no --allow-failures: a profile with failures still stands, with a note saying what that costs.
  const candidates = candidatesFromDocument(d, { instanceType, allowFailures: true });
  const candidate = pick(candidates, d.path, configuration, sla);
  const cap = capacityOf(candidate, sla);
  if (!cap) throw new InputError(`capacity '${d.path}': ${candidate.id} has no usable measured point`, 're-run the profile or sweep');
  const notes: string[] = [];
  const failed = d.kind === 'profile-result' ? tooManyFailed(d.doc.requests) : undefined;
  if (failed) notes.push(`capacity '${d.path}': ${failed} while profiling, so its throughput overstates what an instance carries when every request succeeds; profile again without failures`);
  notes.push(...instanceNotes(candidate.instanceType, instanceType));
  if (!cap.meetsSla) notes.push(`${candidate.id} never met ${formatSla(sla)}: the closest point (${cap.throughputRps} req/s at ${cap.latencyMs} ms) stands in`);
  if (candidate.importedFrom) notes.push(`${candidate.id}: figures imported from "${candidate.importedFrom}", not measured by capacity-plan`);
  let gpuUtilPct: number | undefined;
  let topStages: FleetCapacity['topStages'] = [];
  if (d.kind === 'profile-result') {
    gpuUtilPct = d.doc.utilization.gpu?.utilPct;
    topStages = [...d.doc.stages].sort((a, b) => b.sharePct - a.sharePct).slice(0, 3).map((s) => ({ name: s.name, sharePct: s.sharePct }));
  } else {
    const config = d.doc.configurations.find((c) => `${d.doc.name}/${c.label}` === candidate.id);
    gpuUtilPct = config?.points.find((p) => p.throughputRps === cap.throughputRps)?.gpuUtilPct;
  }
  return {
    document: d.path,
    id: candidate.id,
    from: d.kind,
    instanceType: candidate.instanceType,
    sla,
    throughputRps: cap.throughputRps,
    latencyMs: cap.latencyMs,
    meetsSla: cap.meetsSla,
    gpuUtilPct,
    topStages,
    notes,
    ...(candidate.capacityInterval ? { interval: intervalOf(candidate.capacityInterval.interval) } : {}),
  };
}

function intervalOf(i: FleetCapacityInterval): FleetCapacityInterval {
  return { estimateRps: i.estimateRps, lowerRps: i.lowerRps, upperRps: i.upperRps, confidencePct: i.confidencePct };
}

/** The named configuration, else the one with the highest capacity at the SLA. */
function pick(candidates: CandidateInput[], path: string, configuration: string | undefined, sla: Sla): CandidateInput {
  if (configuration !== undefined) {
    const named = candidates.find((c) => c.configuration === configuration || c.id === configuration);
    if (!named) {
      throw new InputError(
        `fleet configuration '${configuration}' is not in '${path}'`,
        `its configurations: ${candidates.map((c) => c.configuration ?? c.id).join(', ')}`,
      );
    }
    return named;
  }
  const score = (c: CandidateInput): [number, number] => {
    const cap = capacityOf(c, sla);
    return [cap?.meetsSla ? 1 : 0, cap?.throughputRps ?? 0];
  };
  return [...candidates].sort((a, b) => {
    const [ma, ta] = score(a);
    const [mb, tb] = score(b);
    return mb - ma || tb - ta;
  })[0]!;
}

function fromPlan(path: string, plan: Plan, sla: Sla, instanceType: string, configuration?: string): FleetCapacity {
  const planSla = plan.inputs.sla;
  if (planSla.percentile !== sla.percentile || planSla.maxLatencyMs !== sla.maxLatencyMs) {
    throw new InputError(
      `capacity '${path}' is a plan at ${formatSla(planSla)}, the fleet's SLA is ${formatSla(sla)}`,
      'point capacity at the profile or sweep document instead, or plan again at the fleet\'s SLA',
    );
  }
  // A plan priced for either platform stands for the fleet's hardware (ml.g4dn.xlarge is g4dn.xlarge); the fleet's own name first.
  const sameHardware = (c: Plan['candidates'][number]): boolean => hardwareOf(c.instanceType) === hardwareOf(instanceType);
  const byFit = (a: Plan['candidates'][number], b: Plan['candidates'][number]): number =>
    Number(b.instanceType === instanceType) - Number(a.instanceType === instanceType) || a.rank - b.rank;
  const wanted = configuration ?? plan.candidates.find((c) => sameHardware(c) && c.id === plan.recommended)?.id;
  const candidate = plan.candidates.find((c) => c.id === wanted) ?? plan.candidates.filter(sameHardware).sort(byFit)[0];
  if (!candidate) {
    throw new InputError(
      `capacity '${path}': the plan has no candidate${configuration ? ` '${configuration}'` : ` on ${instanceType}`}`,
      `its candidates: ${plan.candidates.map((c) => c.id).join(', ')}`,
    );
  }
  const onEstimate = candidate.capacity.plannedOn === 'estimate' && candidate.capacity.interval !== undefined && candidate.capacity.interval.lowerRps > 0;
  return {
    document: path,
    id: candidate.id,
    from: 'plan',
    instanceType: candidate.instanceType,
    sla,
    // A fleet is judged on the interval's lower end, as plans are by default, whichever end the plan took.
    throughputRps: onEstimate ? candidate.capacity.interval!.lowerRps : candidate.capacity.throughputRps,
    latencyMs: candidate.capacity.latencyMs,
    meetsSla: candidate.meetsSla,
    gpuUtilPct: undefined,
    topStages: [],
    notes: [
      ...instanceNotes(candidate.instanceType, instanceType),
      ...(onEstimate ? [`the plan planned ${candidate.id} on its capacity's estimate (${candidate.capacity.throughputRps} req/s); the fleet is judged on the interval's lower end, ${candidate.capacity.interval!.lowerRps} req/s`] : []),
    ],
    ...(candidate.capacity.interval ? { interval: candidate.capacity.interval } : {}),
  };
}

/** A capacity figure from other hardware is a caveat; from the same hardware on the other platform, a fact worth stating. */
function instanceNotes(measuredOn: string, fleetRuns: string): string[] {
  if (measuredOn === fleetRuns) return [];
  if (hardwareOf(measuredOn) === hardwareOf(fleetRuns)) return [`capacity was measured on ${measuredOn}, the same hardware as the fleet's ${fleetRuns}`];
  return [`capacity was measured on ${measuredOn}, the fleet runs ${fleetRuns}`];
}
