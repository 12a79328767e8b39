import { join } from 'node:path';
import type { RunEventBus } from '../profile/events.js';
import { tooManyFailed } from '../profile/core/stability.js';
import { runProfile } from '../profile/runner.js';
import type { ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import { writeJsonAtomic } from '../util/documents.js';
import { MeasurementError } from '../util/errors.js';
import type { AppRuntime } from './runtime.js';
import { targetOpener, type TransportChoice } from './targets.js';

/**
 * The profile use-case: one run of the spec over the transport, on the bus the front end follows
 * (phases, windows, ticks, done), written as one result document.
 */
export interface ProfileInput {
  spec: ProfileSpec;
  transport: TransportChoice;
  /** What choosing the transport noticed (e.g. preprocessing moved to the client): into the document. */
  transportWarnings: string[];
  instanceType: string | undefined;
  /** Where to write the document; default profiles/results/<name>-<time>.json under rt.cwd. */
  out: string | undefined;
}

export async function profileModel(input: ProfileInput, rt: AppRuntime, events: RunEventBus): Promise<{ result: ProfileResult; path: string }> {
  const result = await runProfile({
    spec: input.spec,
    openTarget: targetOpener(input.transport, rt, input.transportWarnings),
    home: rt.home,
    env: rt.env,
    now: rt.now,
    signal: rt.signal,
    instanceType: input.instanceType,
    events,
  });
  const path = input.out ?? defaultResultPath(rt.cwd, result);
  await writeJsonAtomic(path, result);
  return { result, path };
}

export function defaultResultPath(cwd: string, result: ProfileResult): string {
  return join(cwd, 'profiles', 'results', `${result.name}-${result.createdAt.replace(/[:.]/g, '-')}.json`);
}

/**
 * Why a written profile is no capacity figure (nothing succeeded, or too many failed), as the
 * error its front end ends with after showing it; undefined when it is one.
 */
export function unusableProfile(result: ProfileResult, path: string): MeasurementError | undefined {
  const top = [...result.requests.failures].sort((x, y) => y.count - x.count)[0];
  const mostOften = top ? `, most often with '${top.reason}'` : '';
  if (result.requests.completed === 0) {
    // The document is kept (it lists every failure), but zero throughput is no capacity figure.
    return new MeasurementError(`no request succeeded: ${result.requests.failed} failed${mostOften}`, `the document lists every failure: ${path}`);
  }
  const failedNote = tooManyFailed(result.requests);
  if (failedNote) {
    // Kept for the record, but failures are not capacity: plan refuses it, and so does the exit code.
    return new MeasurementError(
      `${failedNote}${mostOften}: the measurement is not stable and its throughput is not a capacity`,
      `fix what failed (a truncated image in the corpus, a throttled or failing endpoint, ...) and profile again; every failure is listed in ${path}`,
    );
  }
  return undefined;
}
