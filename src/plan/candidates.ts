import { basename } from 'node:path';
import type { CostExtra, ProfileResult } from '../schema/profileResult.js';
import type { SweepResult } from '../schema/sweepResult.js';
import { InputError } from '../util/errors.js';
import type { CapacityInterval, CapacityPoint, IntervalPoint } from './capacity.js';
import { measuredOn, type MeasuredOn } from './provenance.js';
import { measuredSide } from '../schema/measuredSides.js';
import { MAX_FAILED_FRACTION, bestPoint, pointSamples } from '../sweep/curve.js';

/** A document the planner reads, tagged by its `kind`. */
export type PlanDocument =
  | { kind: 'profile-result'; path: string; doc: ProfileResult }
  | { kind: 'sweep-result'; path: string; doc: SweepResult };

/** One candidate: an instance type with figures measured on it x one serving configuration. */
export interface CandidateInput {
  id: string;
  profile: string;
  document: string;
  configuration: string | null;
  instanceType: string;
  /** Where the instance type came from, for error messages. */
  instanceTypeField: string;
  from: 'sweep-curve' | 'single-point';
  points: CapacityPoint[];
  extras: CostExtra[];
  coldStartMs: number | null;
  /** The publication, for figures imported rather than measured. */
  importedFrom: string | null;
  /** Notes about the figures themselves (failures, instability), added to the plan's warnings. */
  notes: string[];
  /**
   * The capacity's per-window (or per-repeat) throughputs, for noise-aware comparisons; empty for
   * figures that were not measured here (imported).
   */
  capacitySamples?: number[];
  /** Whether the measurement behind the capacity stabilised. */
  stable?: boolean;
  /** How the capacity's load was offered; undefined when not known (imported figures). */
  load?: 'open-loop' | 'closed-loop';
  /** Where the figures were measured; null for imported figures. */
  measuredOn: MeasuredOn | null;
  /** The model the figures are for: the built-in name, or the file name without .onnx. */
  model: string | null;
  /**
   * A sweep configuration's capacity estimate with its interval (sweep documents from version 3),
   * and its measured rates; the planner then plans on an end of the interval, not on `points`.
   */
  capacityInterval?: { interval: CapacityInterval; points: IntervalPoint[] };
}

export interface CandidateOptions {
  /** `--instance-type`: for documents that do not record one. */
  instanceType?: string;
  /**
   * `plan --allow-failures`: plan on a profile in which more than MAX_FAILED_FRACTION of requests
   * failed (with a warning) instead of refusing it.
   */
  allowFailures?: boolean;
}

/** resnet50, or my-detector for /models/my-detector.onnx. */
export function modelLabel(source: string | undefined): string | null {
  if (!source) return null;
  return basename(source).replace(/\.onnx$/i, '');
}

/** Said on every candidate whose capacity comes from a closed loop. */
export const CLOSED_LOOP_WARNING = 'closed-loop capacity overstates open traffic; sweep with the default load';

function instanceTypeOf(
  d: PlanDocument,
  flag: string | undefined,
): { instanceType: string; field: string; note?: string } {
  const what = d.kind === 'profile-result' ? 'profile' : 'sweep';
  const recorded = d.doc.environment.instanceType ?? d.doc.environment.ec2?.instanceType;
  if (recorded) {
    const note = flag && flag !== recorded ? `${d.path}: records instance type ${recorded}; --instance-type ${flag} ignored for it` : undefined;
    return { instanceType: recorded, field: `${what} '${d.path}' environment.instanceType`, ...(note ? { note } : {}) };
  }
  if (flag) return { instanceType: flag, field: '--instance-type' };
  throw new InputError(
    `${what} '${d.path}': environment.instanceType is not recorded, so its price cannot be looked up`,
    'pass --instance-type <type> (e.g. --instance-type g4dn.xlarge) for the machine it was measured on',
  );
}

/** Pure: the candidates a document contributes (one per profile, one per sweep configuration). */
export function candidatesFromDocument(d: PlanDocument, given: CandidateOptions | string = {}): CandidateInput[] {
  // A string is the --instance-type alone, as callers before CandidateOptions passed it.
  const options: CandidateOptions = typeof given === 'string' ? { instanceType: given } : given;
  const { instanceType, field, note } = instanceTypeOf(d, options.instanceType);
  const baseNotes = note ? [note] : [];
  if (d.kind === 'profile-result') {
    const p = d.doc;
    const e2e = p.latency.endToEnd;
    const notes = [...baseNotes, ...p.warnings.map((w) => `${p.name}: ${w}`)];
    const attempted = p.requests.completed + p.requests.failed;
    if (p.requests.failed > attempted * MAX_FAILED_FRACTION) {
      // A request that failed fast frees the server for the next: throughput counted with failures
      // in it is not what the server carries when every request is served.
      if (!options.allowFailures) {
        throw new InputError(
          `profile '${d.path}': ${p.requests.failed} of ${attempted} requests failed (over ${MAX_FAILED_FRACTION * 100}%), so its throughput is not a capacity`,
          'fix what failed (the document lists every failure) and profile again, or pass --allow-failures to plan on it anyway',
        );
      }
      notes.push(`${p.name}: ${p.requests.failed} of ${attempted} requests failed while profiling; planned on anyway (--allow-failures): its throughput overstates what the server carries when every request succeeds`);
    } else if (p.requests.failed > 0) notes.push(`${p.name}: ${p.requests.failed} of ${attempted} requests failed while profiling`);
    if (p.provenance.kind === 'measured' && !p.measurement.stable) notes.push(`${p.name}: the measurement did not stabilise (${p.measurement.stabilityNote})`);
    return [
      {
        id: p.name,
        profile: p.name,
        document: d.path,
        configuration: null,
        instanceType,
        instanceTypeField: field,
        from: 'single-point',
        points: [
          {
            throughputRps: p.throughputRps,
            latencyMs: { p50: e2e.p50Ms, p90: e2e.p90Ms, p95: e2e.p95Ms, p99: e2e.p99Ms },
            // Failures are reported above; a single point is all there is, so it is still used.
            failed: 0,
          },
        ],
        extras: p.costExtras,
        coldStartMs: p.coldStart.modelLoadMs ?? null,
        importedFrom: p.provenance.kind === 'imported' ? p.provenance.publication : null,
        notes,
        measuredOn: p.provenance.kind === 'measured' ? measuredOn(p.environment) : null,
        model: modelLabel(p.model?.source ?? p.spec?.model.source),
        capacitySamples: p.provenance.kind === 'measured' ? measuredSide(p).samples : [],
        ...(p.spec ? { load: p.spec.load.kind === 'closed-loop' ? ('closed-loop' as const) : ('open-loop' as const) } : {}),
        stable: p.provenance.kind !== 'measured' || p.measurement.stable,
      },
    ];
  }
  const s = d.doc;
  return s.configurations.map((c) => {
    const best = bestPoint(c.points);
    const capacityInterval = c.capacity
      ? {
          interval: c.capacity,
          points: c.points.map((pt) => ({
            offeredRps: pt.offered.value,
            throughputRps: pt.throughputRps,
            latencyMs: { p50: pt.p50Ms, p95: pt.p95Ms, p99: pt.p99Ms },
            failed: pt.failed,
            meetsSla: pt.meetsSla,
          })),
        }
      : undefined;
    return {
    id: `${s.name}/${c.label}`,
    profile: s.name,
    document: d.path,
    configuration: c.label,
    instanceType,
    instanceTypeField: field,
    from: 'sweep-curve' as const,
    // Sweep points carry no p90: capacity.ts lets p95 stand in for it (conservatively).
    points: c.points.map((pt) => ({
      throughputRps: pt.throughputRps,
      latencyMs: { p50: pt.p50Ms, p95: pt.p95Ms, p99: pt.p99Ms },
      failed: pt.failed,
    })),
    extras: s.costExtras,
    coldStartMs: s.coldStartMs ?? null,
    importedFrom: null,
    // What the sweep said of its own figures (a busy host, an interval wider than asked) travels with them.
    notes: [...baseNotes, ...(s.warnings ?? []).map((w) => `${s.name}: ${w}`)],
    measuredOn: measuredOn(s.environment),
    model: modelLabel(c.spec.model.source),
    capacitySamples: best ? pointSamples(best) : [],
    stable: best?.stable ?? false,
    load: c.points.some((p) => p.offered.kind === 'concurrency') ? ('closed-loop' as const) : ('open-loop' as const),
    ...(capacityInterval ? { capacityInterval } : {}),
  };
  });
}
