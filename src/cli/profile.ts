import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { profileModel, unusableProfile } from '../app/profile.js';
import { declaredInstanceType } from '../app/targets.js';
import { createRunEventBus } from '../profile/events.js';
import { formatProfileSummary } from '../profile/formatProfile.js';
import type { ProfileResult } from '../schema/profileResult.js';
import { realClock } from '../util/clock.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { text } from './flags.js';
import { displayPath, nextPlanCommand } from './nextCommand.js';
import type { Register } from './program.js';
import { progressReporter } from './progress.js';
import { addSpecFlags, addTransportFlags, resolveSpec, resolveTransport, specForTransport, type SpecFlags, type TransportFlags } from './profileSpecFlags.js';
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
    const { result, path } = await profileCommand(flags, rt, live).finally(() => live?.end());
    const next = nextPlanCommand(displayPath(rt.cwd, path), undefined, result.environment.instanceType);
    // With --json, stdout holds only the document; --json --quiet keeps stderr for errors alone.
    if (!flags.json) rt.stdout.write(`${next}\n`);
    else if (!flags.quiet) rt.stderr.write(`${next}\n`);
  });
};

/** Runs the profile use-case and prints its summary; returns the document and where it was written. */
export async function profileCommand(flags: ProfileFlags, rt: Runtime, live?: LiveHooks): Promise<{ result: ProfileResult; path: string }> {
  const instanceType = await declaredInstanceType(flags.instanceType, rt);
  const transport = resolveTransport(flags);
  const { spec, warnings: transportWarnings } = specForTransport(await resolveSpec(flags, rt.env, rt.cwd), transport, flags);
  const events = createRunEventBus({ runId: randomUUID(), clock: realClock });
  // Progress goes to stderr; --json (a machine is reading) and --quiet silence it.
  events.subscribe(progressReporter(rt, spec.name, flags.quiet || flags.json));
  live?.start(events, { name: spec.name });
  const out = flags.out ? resolve(rt.cwd, flags.out) : undefined;
  const { result, path } = await profileModel({ spec, transport, transportWarnings, instanceType, out }, rt, events);
  live?.documentWritten(result, path);
  if (flags.json) rt.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else rt.stdout.write(`${formatProfileSummary(result)}\nwritten: ${path}\n`);
  const unusable = unusableProfile(result, path);
  if (unusable) throw unusable;
  return { result, path };
}
