import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { unheldPlan, verifyPlan, type TrialRunner } from '../app/verify.js';
import { createRunEventBus } from '../profile/events.js';
import type { Verification } from '../schema/verification.js';
import { realClock } from '../util/clock.js';
import { verifyProgressLines } from '../verify/progressLines.js';
import { DEFAULT_TRIAL_DURATION_S, DEFAULT_TRIALS, formatTrials } from '../verify/trials.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { positiveInt, positiveNumber, text } from './flags.js';
import type { Register } from './program.js';
import { stepReporter } from './progress.js';
import type { Runtime } from './runtime.js';

const VERIFY_FLAGS = {
  candidate: { flag: '--candidate <id>', parse: text, help: 'the candidate to verify', defaultHelp: 'the recommended one' },
  trials: { flag: '--trials <n>', parse: positiveInt, help: 'trials, each with its own arrival seed', defaultHelp: String(DEFAULT_TRIALS) },
  duration: { flag: '--duration <s>', parse: positiveNumber, help: 'seconds per trial, warm-up included', defaultHelp: String(DEFAULT_TRIAL_DURATION_S) },
  target: { flag: '--target <url>', parse: text, help: 'send the trials to a server you run (raw protocol) instead of the pipeline in this process' },
  atCapacity: { flag: '--at-capacity', help: "drive the candidate's unscaled capacity instead of its per-instance rate (utilisation 1.0)" },
  out: { flag: '--out <file>', parse: text, help: 'where to write the verification document', defaultHelp: 'profiles/results/verify-<candidate>-<time>.json' },
  json: { flag: '--json', help: 'print the verification document on stdout instead of the table' },
  quiet: { flag: '--quiet', help: 'no progress on stderr' },
} satisfies FlagTable;

const VERIFY_EXITS: ExitTable = {
  ok: 'the pooled trials meet the SLA: the plan holds',
  usage: 'a bad flag or flag value, or a --candidate the plan does not have',
  input: "the plan document, or the candidate's profile or sweep document, is missing or invalid",
  environment: 'the execution provider cannot load, or --target does not answer',
  measurement: 'the pooled trials miss the SLA or are undecided (the verification document is written), or a trial measured nothing usable',
  remote: '--target answered with an error',
  interrupted: 'Ctrl-C: no verification document is written',
};

export type VerifyFlags = FlagValues<typeof VERIFY_FLAGS>;

export type { TrialRunner };

export const registerVerifyCommand: Register = (program, rt) => {
  const command = program
    .command('verify')
    .description("check that a plan holds: seeded Poisson traffic at a candidate's per-instance rate, trial after trial, judged on the pooled trials as the sweep judges a rate; exit 0 when they meet the SLA, 5 when they miss it or are undecided")
    .argument('<plan>', 'the plan document (capacity-plan plan --out/--json)');
  addExitCodes(addFlags(command, VERIFY_FLAGS), VERIFY_EXITS).action(async (planPath: string, flags: VerifyFlags) => {
      await verifyCommand(planPath, flags, rt);
    });
};

export async function verifyCommand(planPath: string, flags: VerifyFlags, rt: Runtime, runTrial?: TrialRunner): Promise<Verification> {
  const events = createRunEventBus({ runId: randomUUID(), clock: realClock });
  events.subscribe(
    stepReporter(rt, {
      quiet: Boolean(flags.quiet || flags.json),
      label: (e) => (e.type === 'trial-start' ? `trial ${e.trial + 1}` : undefined),
      lines: verifyProgressLines,
    }),
  );
  const input = {
    planPath,
    candidateId: flags.candidate,
    trials: flags.trials ?? DEFAULT_TRIALS,
    durationS: flags.duration ?? DEFAULT_TRIAL_DURATION_S,
    atCapacity: flags.atCapacity ?? false,
    targetUrl: flags.target,
    out: flags.out ? resolve(rt.cwd, flags.out) : undefined,
  };
  const { verification, path } = await verifyPlan(input, rt, events, runTrial);
  if (flags.json) rt.stdout.write(`${JSON.stringify(verification, null, 2)}\n`);
  else {
    const agreement = verification.agreement ? `${verification.agreement.sentence}\n` : '';
    rt.stdout.write(`${formatTrials(verification.trials)}\n${verification.verdict}\n${agreement}written: ${path}\n`);
  }
  const unheld = unheldPlan(verification, path);
  if (unheld) throw unheld;
  return verification;
}
