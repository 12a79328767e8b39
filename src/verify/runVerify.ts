import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Plan, PlanCandidate } from '../schema/plan.js';
import type { Environment, ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { VERIFICATION_SCHEMA_VERSION, type Verification, type VerificationTrial } from '../schema/verification.js';
import type { RunEventBus } from '../profile/events.js';
import { readAnyDocument } from '../util/documents.js';
import { InputError, UsageError } from '../util/errors.js';
import { CONFIDENCE_PCT } from '../schema/capacityEstimate.js';
import { adviceFor, agreementWith, decisionLine, judgeTrials, trialCounts } from './judge.js';
import { FIRST_SEED, trialFromResult, trialSpec } from './trials.js';

/**
 * `capacity-plan verify`: drives a plan candidate's per-instance rate (or, with --at-capacity,
 * its unscaled capacity) as seeded Poisson traffic, trial after trial, on the spec its figures
 * were measured with. Running a trial is injected (the CLI passes runProfile; tests a fake).
 */

export interface VerifyOptions {
  plan: Plan;
  /** The plan file as given: errors and the document name it. */
  planPath: string;
  cwd: string;
  candidateId?: string;
  trials: number;
  durationS: number;
  atCapacity: boolean;
  /** --target URL: trials go to this server instead of the pipeline in process. */
  targetUrl?: string;
  /** Runs one trial; its profile run publishes on `events`, between trial-start and trial-done. */
  runTrial: (spec: ProfileSpec, trial: number) => Promise<ProfileResult>;
  now: () => Date;
  /** Where the verification says what it does: verify-start, each trial-start and trial-done. */
  events?: RunEventBus;
}

export function chooseCandidate(plan: Plan, planPath: string, id: string | undefined): PlanCandidate {
  if (id !== undefined) {
    const found = plan.candidates.find((c) => c.id === id);
    if (!found) throw new UsageError(`plan '${planPath}' has no candidate '${id}'`, `candidates: ${plan.candidates.map((c) => c.id).join(', ')}`);
    return found;
  }
  // The recommended one, else the closest to the SLA (ranked first).
  return plan.candidates.find((c) => c.id === plan.recommended) ?? plan.candidates[0]!;
}

/**
 * The spec the candidate was measured with, from the document the plan read. Imported figures
 * have none; a profile of a remote server has one that describes the client, not the server, so
 * it can be verified only against that server (--target).
 */
export async function rebuildSpec(candidate: PlanCandidate, planPath: string, cwd: string, targetUrl: string | undefined): Promise<ProfileSpec> {
  return (await measuredDocument(candidate, planPath, cwd, targetUrl)).spec;
}

/** The spec to rebuild (see rebuildSpec) and the environment the figures were measured in. */
export async function measuredDocument(candidate: PlanCandidate, planPath: string, cwd: string, targetUrl: string | undefined): Promise<{ spec: ProfileSpec; environment: Environment }> {
  if (candidate.imported) {
    throw new InputError(`cannot verify ${candidate.id}: its figures were imported from a publication, so there is no spec to rebuild`, 'verify a candidate measured with `capacity-plan profile` or `sweep`');
  }
  // Documents are recorded as typed for `plan`: relative to where it ran, which is usually here,
  // else next to the plan file.
  const candidates = [resolve(cwd, candidate.document), resolve(dirname(resolve(cwd, planPath)), candidate.document)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new InputError(`cannot verify ${candidate.id}: its document '${candidate.document}' is not found (from here or next to the plan)`, 'run verify where plan ran, or keep the documents next to the plan');
  const document = await readAnyDocument(path, candidate.document);
  if (document.kind === 'plan') throw new InputError(`cannot verify ${candidate.id}: '${candidate.document}' is a plan, not the profile or sweep it was measured in`);
  if (document.kind === 'sweep-result') {
    const config = document.doc.configurations.find((c) => c.label === candidate.configuration);
    if (!config) throw new InputError(`cannot verify ${candidate.id}: sweep '${candidate.document}' has no configuration '${candidate.configuration}'`);
    return { spec: config.spec, environment: document.doc.environment };
  }
  const profile = document.doc;
  if (!profile.spec) throw new InputError(`cannot verify ${candidate.id}: profile '${candidate.document}' records no spec to rebuild`);
  if (profile.transport?.kind === 'http' && profile.transport.server !== 'agent' && targetUrl === undefined) {
    throw new InputError(
      `cannot verify ${candidate.id} in process: it was measured against the remote server ${profile.transport.url}`,
      `pass --target ${profile.transport.url} to verify against that server`,
    );
  }
  return { spec: profile.spec, environment: profile.environment };
}

export async function runVerify(options: VerifyOptions): Promise<Verification> {
  const { plan, planPath, trials: count, durationS } = options;
  const candidate = chooseCandidate(plan, planPath, options.candidateId);
  const { spec, environment: sweptOn } = await measuredDocument(candidate, planPath, options.cwd, options.targetUrl);
  const sla = plan.inputs.sla;
  const rateRps = options.atCapacity ? candidate.capacity.throughputRps : candidate.capacity.perInstanceRps;
  const events = options.events;
  events?.publish({
    type: 'verify-start',
    candidate: candidate.id,
    trials: count,
    durationS,
    rateRps,
    rateFrom: options.atCapacity ? 'capacity' : 'perInstanceRps',
    utilization: candidate.capacity.utilization,
    sla,
  });
  const trials: VerificationTrial[] = [];
  const results: ProfileResult[] = [];
  let environment: Environment | undefined;
  for (let t = 0; t < count; t++) {
    events?.publish({ type: 'trial-start', trial: t, of: count });
    const result = await options.runTrial(trialSpec(spec, rateRps, t, durationS), t);
    environment ??= result.environment;
    results.push(result);
    const counts = trialCounts(result, sla);
    const trial: VerificationTrial = { ...trialFromResult(result, FIRST_SEED + t, rateRps, sla), requests: counts.requests, exceedances: counts.exceedances };
    trials.push(trial);
    events?.publish({ type: 'trial-done', trial: t, of: count, figures: trial });
  }
  const held = trials.filter((t) => t.held).length;
  // The trials are runs at one rate: judged as the sweep judged its rates, pooled, not one by one.
  const judgement = judgeTrials(results, sla);
  const interval = candidate.capacity.interval;
  const agreement = agreementWith(candidate, rateRps, judgement.decision);
  const advice = adviceFor(judgement, { candidate, rateRps, atCapacity: options.atCapacity, trials: count, sweptOn, ...(environment ? { verifiedOn: environment } : {}) });
  return {
    schemaVersion: VERIFICATION_SCHEMA_VERSION,
    kind: 'verification',
    createdAt: options.now().toISOString(),
    plan: planPath,
    candidate: candidate.id,
    sla,
    rateFrom: options.atCapacity ? 'capacity' : 'perInstanceRps',
    rateRps,
    target: options.targetUrl ? { kind: 'remote', url: options.targetUrl } : { kind: 'in-process' },
    trialDurationS: durationS,
    trials,
    held,
    holds: judgement.decision === 'meets',
    decision: judgement.decision,
    judgement,
    ...(interval ? { capacityInterval: { ...interval, ...(candidate.capacity.plannedOn ? { plannedOn: candidate.capacity.plannedOn } : {}) } } : {}),
    agreement,
    ...(advice ? { advice } : {}),
    verdict: decisionLine(judgement, sla, candidate.id, rateRps, held, trials.length, CONFIDENCE_PCT),
    ...(environment ? { environment } : {}),
  };
}
