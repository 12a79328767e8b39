import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readPriceCache } from '../pricing/cache.js';
import { snapshotCatalog } from '../pricing/catalog.js';
import { PriceBook } from '../pricing/priceBook.js';
import { createRunEventBus } from '../profile/events.js';
import { openAgentTarget } from '../profile/http/agentTarget.js';
import { openRemoteTarget } from '../profile/http/remoteTarget.js';
import { openSageMakerTarget } from '../profile/sagemaker/sagemakerTarget.js';
import { runProfile, type OpenTarget } from '../profile/runner.js';
import { formatProfileSummary } from '../profile/formatProfile.js';
import type { ProfileResult } from '../schema/profileResult.js';
import { realClock } from '../util/clock.js';
import { writeJsonAtomic } from '../util/documents.js';
import { MeasurementError } from '../util/errors.js';
import { tooManyFailed } from '../profile/core/stability.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { text } from './flags.js';
import { displayPath, nextPlanCommand } from './nextCommand.js';
import type { Register } from './program.js';
import { progressReporter } from './progress.js';
import {
  addSpecFlags,
  addTransportFlags,
  resolveSpec,
  resolveTransport,
  specForTransport,
  type SpecFlags,
  type TransportChoice,
  type TransportFlags,
} from './profileSpecFlags.js';
import type { Runtime } from './runtime.js';
import { LIVE_FLAGS, startLiveSession, type LiveFlags, type LiveHooks } from './liveServe.js';

const PROFILE_FLAGS = {
  out: { flag: '--out <file>', parse: text, help: 'where to write the result document', defaultHelp: 'profiles/results/<name>-<time>.json' },
  json: { flag: '--json', help: 'print the result document on stdout instead of the summary' },
  quiet: { flag: '--quiet', help: 'no progress on stderr' },
  instanceType: {
    flag: '--instance-type <type>',
    parse: text,
    help: 'the instance type these figures stand for (read from IMDS on EC2; for a SageMaker endpoint, its ml.* type)',
  },
} satisfies FlagTable;

const PROFILE_EXITS: ExitTable = {
  ok: 'the result document is written',
  usage: 'a bad flag or flag value, preset or setting, or flags that do not go together',
  input: 'the model or the --images folder is missing or invalid',
  environment: 'the execution provider (--device) cannot load, the agent cannot start, or --target does not answer (or no AWS credentials for a SageMaker endpoint)',
  measurement:
    'no request succeeded, more than 1% of requests failed, or no measurement window fit in --duration (the document is written where there is one)',
  remote: '--target or the SageMaker endpoint answered with an error',
  interrupted: 'Ctrl-C: no document is written',
};

type ProfileFlags = FlagValues<typeof PROFILE_FLAGS> & SpecFlags & TransportFlags & Partial<LiveFlags>;

export const registerProfileCommand: Register = (program, rt) => {
  const command = program.command('profile').description('run an ONNX model through the instrumented request pipeline and measure it');
  addExitCodes(addTransportFlags(addSpecFlags(addFlags(addFlags(command, PROFILE_FLAGS), LIVE_FLAGS), 'profile')), PROFILE_EXITS).action(async (flags: ProfileFlags & LiveFlags) => {
    const live = flags.serve ? await startLiveSession(rt, flags, 'profile') : undefined;
    const result = await profileCommand(flags, rt, live).finally(() => live?.end());
    const next = nextPlanCommand(displayPath(rt.cwd, resultPath(flags, rt, result)), undefined, result.environment.instanceType);
    // With --json, stdout holds only the document; --json --quiet keeps stderr for errors alone.
    if (!flags.json) rt.stdout.write(`${next}\n`);
    else if (!flags.quiet) rt.stderr.write(`${next}\n`);
  });
};

export async function profileCommand(flags: ProfileFlags, rt: Runtime, live?: LiveHooks): Promise<ProfileResult> {
  const instanceType = await declaredInstanceType(flags.instanceType, rt);
  const transport = resolveTransport(flags);
  const { spec, warnings } = specForTransport(await resolveSpec(flags, rt.env, rt.cwd), transport, flags);
  const events = createRunEventBus({ runId: randomUUID(), clock: realClock });
  // Progress goes to stderr; --json (a machine is reading) and --quiet silence it.
  events.subscribe(progressReporter(rt, spec.name, flags.quiet || flags.json));
  live?.start(events, { name: spec.name });
  const result = await runProfile({
    spec,
    openTarget: targetOpener(transport, rt, warnings),
    home: rt.home,
    env: rt.env,
    now: rt.now,
    signal: rt.signal,
    instanceType,
    events,
  });
  const out = resultPath(flags, rt, result);
  await writeJsonAtomic(out, result);
  live?.documentWritten(result, out);
  if (flags.json) rt.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else rt.stdout.write(`${formatProfileSummary(result)}\nwritten: ${out}\n`);
  if (result.requests.completed === 0) {
    // The document is kept (it lists every failure), but zero throughput is no capacity figure.
    const top = [...result.requests.failures].sort((x, y) => y.count - x.count)[0];
    throw new MeasurementError(
      `no request succeeded: ${result.requests.failed} failed${top ? `, most often with '${top.reason}'` : ''}`,
      `the document lists every failure: ${out}`,
    );
  }
  const failedNote = tooManyFailed(result.requests);
  if (failedNote) {
    // Written above for the record, but failures are not capacity: plan refuses it, and so does the exit code.
    const top = [...result.requests.failures].sort((x, y) => y.count - x.count)[0];
    throw new MeasurementError(
      `${failedNote}${top ? `, most often with '${top.reason}'` : ''}: the measurement is not stable and its throughput is not a capacity`,
      `fix what failed (a truncated image in the corpus, a throttled or failing endpoint, ...) and profile again; every failure is listed in ${out}`,
    );
  }
  return result;
}

/** Where requests go: undefined is the runner's default, the pipeline in this process. */
/**
 * --instance-type (or CAPACITY_PLAN_INSTANCE_TYPE), checked against the price catalog before
 * anything runs: a typo found when the figures are recorded, not at plan time.
 */
export async function declaredInstanceType(flag: string | undefined, rt: Runtime): Promise<string | undefined> {
  const instanceType = flag ?? rt.env.CAPACITY_PLAN_INSTANCE_TYPE;
  if (instanceType === undefined) return undefined;
  const prices = new PriceBook(snapshotCatalog(), await readPriceCache(rt.home));
  prices.requireInstanceType(instanceType, flag !== undefined ? '--instance-type' : 'CAPACITY_PLAN_INSTANCE_TYPE');
  return instanceType;
}

export function targetOpener(transport: TransportChoice, rt: Runtime, warnings: string[]): OpenTarget | undefined {
  switch (transport.kind) {
    case 'inprocess':
      return undefined;
    case 'agent':
      return (spec, o) =>
        openAgentTarget({
          spec,
          home: o.home,
          env: rt.env,
          protocol: transport.protocol,
          clock: o.clock,
          warnings,
          onPhase: o.onPhase,
          signal: o.signal,
        });
    case 'remote':
      return (spec, o) =>
        openRemoteTarget({
          url: transport.url,
          protocol: transport.protocol,
          modelName: transport.modelName,
          token: transport.token ?? nonEmpty(rt.env.CAPACITY_PLAN_TOKEN),
          spec,
          clock: o.clock,
          warnings,
        });
    case 'sagemaker':
      return (spec, o) =>
        openSageMakerTarget({
          endpointName: transport.endpointName,
          ...(transport.variant !== undefined ? { variant: transport.variant } : {}),
          ...(transport.region !== undefined ? { region: transport.region } : {}),
          protocol: transport.protocol,
          spec,
          env: rt.env,
          clock: o.clock,
          warnings,
        });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function resultPath(flags: ProfileFlags, rt: Runtime, result: ProfileResult): string {
  return flags.out ? resolve(rt.cwd, flags.out) : defaultResultPath(rt, result);
}

export function defaultResultPath(rt: Runtime, result: ProfileResult): string {
  const stamp = result.createdAt.replace(/[:.]/g, '-');
  return join(rt.cwd, 'profiles', 'results', `${result.name}-${stamp}.json`);
}

