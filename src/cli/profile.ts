import { join, resolve } from 'node:path';
import { runProfile } from '../profile/runner.js';
import { formatProfileSummary } from '../profile/report.js';
import type { ProfileResult } from '../schema/profileResult.js';
import { writeJsonAtomic } from '../util/documents.js';
import type { Register } from './program.js';
import { progressReporter } from './progress.js';
import { addSpecFlags, resolveSpec, type SpecFlags } from './profileSpecFlags.js';
import type { Runtime } from './runtime.js';

interface ProfileFlags extends SpecFlags {
  out?: string;
  json?: boolean;
  quiet?: boolean;
  instanceType?: string;
}

export const registerProfileCommand: Register = (program, rt) => {
  const command = program
    .command('profile')
    .description('run an ONNX model through the instrumented request pipeline and measure it')
    .option('--out <file>', 'where to write the result document (default: profiles/results/<name>-<time>.json)')
    .option('--json', 'print the result document on stdout instead of the summary')
    .option('--quiet', 'no progress on stderr')
    .option('--instance-type <type>', 'the EC2 instance type these figures stand for (read from IMDS on EC2)');
  addSpecFlags(command).action(async (flags: ProfileFlags) => {
    await profileCommand(flags, rt);
  });
};

export async function profileCommand(flags: ProfileFlags, rt: Runtime): Promise<ProfileResult> {
  const spec = await resolveSpec(flags, rt.env, rt.cwd);
  const result = await runProfile({
    spec,
    home: rt.home,
    env: rt.env,
    now: rt.now,
    signal: rt.signal,
    instanceType: flags.instanceType ?? rt.env.CAPACITY_PLAN_INSTANCE_TYPE,
    onEvent: progressReporter(rt, spec.name, flags.quiet),
  });
  const out = flags.out ? resolve(rt.cwd, flags.out) : defaultResultPath(rt, result);
  await writeJsonAtomic(out, result);
  if (flags.json) rt.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else rt.stdout.write(`${formatProfileSummary(result)}\nwritten: ${out}\n`);
  return result;
}

export function defaultResultPath(rt: Runtime, result: ProfileResult): string {
  const stamp = result.createdAt.replace(/[:.]/g, '-');
  return join(rt.cwd, 'profiles', 'results', `${result.name}-${stamp}.json`);
}

