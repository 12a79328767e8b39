import { join, resolve } from 'node:path';
import type { RunEventBus } from '../profile/events.js';
import { openRemoteTarget } from '../profile/http/remoteTarget.js';
import { runProfile, type OpenTarget } from '../profile/runner.js';
import { PLAN_READABLE_VERSIONS, PlanDocument } from '../schema/plan.js';
import type { ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { Verification } from '../schema/verification.js';
import { readDocument, writeJsonAtomic } from '../util/documents.js';
import { MeasurementError, UsageError } from '../util/errors.js';
import { runVerify } from '../verify/runVerify.js';
import type { AppRuntime } from './runtime.js';

/**
 * The verify use-case: a plan document's candidate driven at its per-instance rate (or its
 * capacity), trial after trial, judged on the pooled trials; written as one verification document.
 */
export interface VerifyInput {
  /** As given (relative to rt.cwd): the document records it. */
  planPath: string;
  candidateId: string | undefined;
  trials: number;
  durationS: number;
  atCapacity: boolean;
  /** A server the user runs (raw protocol) instead of the pipeline in this process. */
  targetUrl: string | undefined;
  /** Default profiles/results/verify-<candidate>-<time>.json under rt.cwd. */
  out: string | undefined;
}

/** How one trial is run, publishing on the verification's bus: a profile run by default (profileTrial); tests inject a fake. */
export type TrialRunner = (spec: ProfileSpec, trial: number, openTarget: OpenTarget | undefined, events: RunEventBus) => Promise<ProfileResult>;

/**
 * Progress is the bus's: verify-start, then for each trial trial-start, its profile run and
 * trial-done.
 */
export async function verifyPlan(
  input: VerifyInput,
  rt: AppRuntime,
  events: RunEventBus,
  runTrial: TrialRunner = profileTrial(rt),
): Promise<{ verification: Verification; path: string }> {
  const plan = await readDocument(resolve(rt.cwd, input.planPath), PlanDocument, 'plan', PLAN_READABLE_VERSIONS);
  const openTarget = input.targetUrl === undefined ? undefined : rawTarget(input.targetUrl);
  const verification = await runVerify({
    plan,
    planPath: input.planPath,
    cwd: rt.cwd,
    candidateId: input.candidateId,
    trials: input.trials,
    durationS: input.durationS,
    atCapacity: input.atCapacity,
    targetUrl: input.targetUrl,
    runTrial: (spec, trial) => runTrial(spec, trial, openTarget, events),
    now: rt.now,
    events,
  });
  const stamp = verification.createdAt.replace(/[:.]/g, '-');
  const path = input.out ?? join(rt.cwd, 'profiles', 'results', `verify-${verification.candidate.replace(/[^\w.-]+/g, '_')}-${stamp}.json`);
  await writeJsonAtomic(path, verification);
  return { verification, path };
}

/** Each trial one profile run on the verification's bus. */
export function profileTrial(rt: AppRuntime): TrialRunner {
  return (spec, _trial, openTarget, events) => runProfile({ spec, openTarget, home: rt.home, env: rt.env, now: rt.now, signal: rt.signal, events });
}

/** Misses and undecided both end in exit 5: neither shows that the plan holds; the message says which. */
export function unheldPlan(verification: Verification, path: string): MeasurementError | undefined {
  if (verification.decision === 'meets') return undefined;
  return new MeasurementError(verification.verdict, `${verification.advice ?? 'the plan does not hold at this rate'}; trials in ${path}`);
}

function rawTarget(url: string): OpenTarget {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--target must be a URL such as http://127.0.0.1:8000, got '${url}'`);
  }
  return (spec, o) => openRemoteTarget({ url, protocol: 'raw', spec, clock: o.clock, warnings: [] });
}
