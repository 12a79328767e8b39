import type { RunEventBus } from '../profile/events.js';
import { formatSla } from '../schema/sla.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { SweepResult } from '../schema/sweepResult.js';
import { checkpointPathFor, removeCheckpoint } from '../sweep/checkpoint.js';
import type { SweepDefinition } from '../sweep/definition.js';
import { bestConfiguration } from '../sweep/format.js';
import { runSweep } from '../sweep/runSweep.js';
import { writeJsonAtomic } from '../util/documents.js';
import { MeasurementError } from '../util/errors.js';
import { profileRunMeasure } from './measurePoints.js';
import type { AppRuntime } from './runtime.js';
import { targetOpener, type TransportChoice } from './targets.js';

/**
 * The sweep use-case: the definition's configurations measured point by point (each a profile
 * run) on the bus the front end follows, resumable from `<out>.checkpoint.json`, written as one
 * sweep document. Progress is the bus's: sweep-start, configuration-skipped, probe-done,
 * search-step, point-start, the point's profile run, point-done.
 */
export interface SweepInput {
  definition: SweepDefinition;
  transport: TransportChoice;
  transportWarnings: string[];
  instanceType: string | undefined;
  out: string;
}

export async function sweepCapacity(input: SweepInput, rt: AppRuntime, events: RunEventBus): Promise<SweepResult> {
  const { definition, transport } = input;
  // With a target, the serving spec each point's document records (the agent's own, or "unknown").
  let servedSpec: ProfileSpec | undefined;
  const measure = profileRunMeasure(rt, {
    sla: definition.sla,
    events,
    instanceType: input.instanceType,
    openTarget: targetOpener(transport, rt, input.transportWarnings),
    onResult: (r) => {
      servedSpec = r.spec;
    },
  });
  const checkpointPath = checkpointPathFor(input.out);
  let result = await runSweep({ definition, checkpointPath, measure, events, now: rt.now, signal: rt.signal });
  if (transport.kind === 'remote') result = withServerConfiguration(result, transport.url, servedSpec);
  await writeJsonAtomic(input.out, result);
  await removeCheckpoint(checkpointPath);
  return result;
}

/** No configuration met the SLA at any load: the error the front end ends with after showing the curves. */
export function unmetSweep(result: SweepResult, shownPath: string): MeasurementError | undefined {
  if (bestConfiguration(result)) return undefined;
  return new MeasurementError(`no configuration met ${formatSla(result.sla)} at any load measured`, `relax --sla or vary other settings; the curves are in ${shownPath}`);
}

/**
 * With a target the configuration is the server's, not a local spec: the document's configuration
 * carries the agent's own serving spec (from /v1/info, load as swept) and is labelled by the
 * target, so no local default is read as the server's.
 */
function withServerConfiguration(result: SweepResult, url: string, served: ProfileSpec | undefined): SweepResult {
  return {
    ...result,
    configurations: result.configurations.map((c) => ({
      ...c,
      label: c.label === 'default' ? `target ${url}` : c.label,
      spec: served ? { ...served, load: c.spec.load, measurement: c.spec.measurement, images: c.spec.images, name: c.spec.name } : c.spec,
    })),
  };
}
